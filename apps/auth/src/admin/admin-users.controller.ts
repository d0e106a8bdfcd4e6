import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { dtoProblems } from './dto/dto-problems';
import { ApiErrorDto } from './dto/errors.dto';
import { CreateUserDto, UpdateUserDto, UserCreatedDto } from './dto/users.dto';
import { BusClient } from '@idp/bus';
import { AccountsSubjects, CreateUserError, CreateUserRequest, SecondFactorSubjects } from '@idp/contracts';
import { BackchannelLogoutService } from '../logout/backchannel-logout.service';
import { GrantsService } from '../oidc/tokens/grants.service';
import { SessionsService } from '../sessions/sessions.service';
import { AdminGuard } from './admin.guard';
import { ConflictError, FieldValidationError, NotFoundError, requireObject } from './admin-errors';

const FIELDS = ['login', 'password', 'email', 'phone', 'given_name', 'family_name', 'middle_name', 'nickname', 'birthdate', 'picture'] as const;

const toHttp = {
  login_taken: (m: string) => new ConflictError('login', m),
  email_taken: (m: string) => new ConflictError('email', m),
  phone_taken: (m: string) => new ConflictError('phone', m),
  invalid_input: (m: string) => new FieldValidationError({ [m.split(':')[0]]: m.split(':').slice(1).join(':').trim() || m }),
} satisfies Record<CreateUserError, (message: string) => Error>;

/** Users created by an administrator; identifiers given here count as verified. */
@ApiTags('admin')
@ApiBearerAuth('admin_token')
@ApiUnauthorizedResponse({ description: 'no or a wrong ADMIN_TOKEN', type: ApiErrorDto })
@Controller('admin/users')
@UseGuards(AdminGuard)
export class AdminUsersController {
  constructor(
    private readonly bus: BusClient,
    private readonly sessions: SessionsService,
    private readonly grants: GrantsService,
    private readonly backchannel: BackchannelLogoutService,
  ) {}

  /** `?query=` matches the start of a login, e-mail or phone, or a whole account id. */
  @Get()
  @ApiQuery({ name: 'query', required: false, description: 'the start of a login, e-mail or phone, or a whole account id' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiOkResponse({ description: 'the accounts found' })
  async search(@Query('query') query?: string, @Query('limit') limit?: string) {
    return (await this.bus.value(AccountsSubjects.userSearch, { query: typeof query === 'string' ? query : '', limit: Number(limit) || undefined })).users;
  }

  /** Lock or unlock an account, or require a new password at the next sign-in. Locking also ends its sessions and grants. */
  @Patch(':id')
  @ApiBody({ type: UpdateUserDto })
  @ApiOkResponse({ description: 'the account after the change' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async update(@Param('id') id: string, @Body() body: unknown) {
    const input = requireObject(body);
    const errors = dtoProblems(UpdateUserDto, input);
    if (Object.keys(errors).length) throw new FieldValidationError(errors);
    const reply = await this.bus.request(AccountsSubjects.userAdminUpdate, { sub: id, locked: input.locked as boolean | undefined, password_change_required: input.password_change_required as boolean | undefined });
    if (!reply.ok) throw new NotFoundError('user');
    if (input.locked === true) await this.endEverything(id, 'account locked');
    if (typeof input.require_2fa === 'boolean') {
      const factors = await this.bus.value(SecondFactorSubjects.requireSet, { sub: id, required: input.require_2fa });
      return { ...reply.value, require_2fa: factors.required };
    }
    return reply.value;
  }

  /** Ends every SSO session of the user (with back-channel logout) and revokes every grant. */
  @Post(':id/sessions/end')
  @HttpCode(200)
  @ApiOkResponse({ description: '{"sessions_ended": n, "grants_revoked": n}' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async endSessions(@Param('id') id: string) {
    const found = await this.bus.value(AccountsSubjects.userSearch, { query: id, limit: 1 });
    if (!found.users.some((u) => u.id === id)) throw new NotFoundError('user');
    return this.endEverything(id, 'sessions ended by an administrator');
  }

  private async endEverything(userId: string, reason: string) {
    const ended = await this.sessions.endAllFor(userId);
    for (const session of ended) await this.backchannel.sessionEnded(session.id, userId);
    const revoked = await this.grants.revokeUserGrants(userId, reason);
    return { sessions_ended: ended.length, grants_revoked: revoked };
  }

  @Post()
  @ApiBody({ type: CreateUserDto })
  @ApiCreatedResponse({ type: UserCreatedDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'the login, e-mail or phone is taken' })
  async create(@Body() body: unknown) {
    const input = requireObject(body);
    const errors = dtoProblems(CreateUserDto, input);
    if (Object.keys(errors).length) throw new FieldValidationError(errors);
    const request = Object.fromEntries([...FIELDS, 'email_public', 'custom_fields', 'password_change_required', 'public_external_accounts'].filter((f) => input[f] !== undefined).map((f) => [f, input[f]])) as unknown as CreateUserRequest;
    const reply = await this.bus.request(AccountsSubjects.userCreate, { ...request, verified: true });
    if (!reply.ok) throw toHttp[reply.code](reply.message);
    return reply.value;
  }
}
