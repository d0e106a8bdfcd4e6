import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { dtoProblems } from './dto/dto-problems';
import { ApiErrorDto } from './dto/errors.dto';
import { CreateInitialAccessTokenDto, InitialAccessTokenDto } from './dto/initial-access-token.dto';
import { InitialAccessTokenRow, InitialAccessTokensService } from '../registration/initial-access-tokens.service';
import { AdminGuard } from './admin.guard';
import { FieldValidationError, NotFoundError, requireObject } from './admin-errors';

function view(r: InitialAccessTokenRow, token?: string) {
  return {
    id: r.id,
    ...(token ? { token } : {}),
    description: r.description,
    scope: r.scope,
    uses_left: r.uses_left,
    expires_at: r.expires_at,
    created_at: r.created_at,
  };
}

/**
 * Initial access tokens for dynamic registration: shown once; `max_uses`, `expires_in` and `scope`
 * (what clients registered with it may ask for; the OpenID Connect user scopes when unset) optional.
 */
@ApiTags('admin')
@ApiBearerAuth('admin_token')
@ApiUnauthorizedResponse({ description: 'no or a wrong ADMIN_TOKEN', type: ApiErrorDto })
@Controller('admin/initial-access-tokens')
@UseGuards(AdminGuard)
export class AdminInitialAccessTokensController {
  constructor(private readonly tokens: InitialAccessTokensService) {}

  @Post()
  @ApiBody({ type: CreateInitialAccessTokenDto, required: false })
  @ApiCreatedResponse({ type: InitialAccessTokenDto, description: 'with the token (shown once)' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  async create(@Body() body: unknown) {
    const input = requireObject(body ?? {});
    const errors = dtoProblems(CreateInitialAccessTokenDto, input);
    if (Object.keys(errors).length) throw new FieldValidationError(errors);
    const { token, row } = await this.tokens.create({
      description: input.description as string | undefined,
      scope: typeof input.scope === 'string' ? [...new Set(input.scope.split(' ').filter(Boolean))].join(' ') : undefined,
      maxUses: input.max_uses as number | undefined,
      expiresIn: input.expires_in as number | undefined,
    });
    return view(row, token);
  }

  @Get()
  @ApiOkResponse({ type: [InitialAccessTokenDto] })
  async list() {
    return (await this.tokens.list()).map((r) => view(r));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'revoked' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async remove(@Param('id') id: string) {
    if (!(await this.tokens.remove(id))) throw new NotFoundError('initial access token');
  }
}
