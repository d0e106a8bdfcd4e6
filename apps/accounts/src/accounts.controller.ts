import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { AccountsSubjects, ClaimsRequest, CreateUserRequest, OtpSendRequest, OtpVerifyRequest, OutboxListRequest, PhoneResolveRequest, UpdateProfileRequest, VerifyPasswordRequest, fail, ok, UserAdminUpdateRequest, UserSearchRequest, PhoneSignInRequest, IinSetRequest } from '@idp/contracts';
import { OutboxService } from './delivery/outbox.service';
import { OtpService } from './otp/otp.service';
import { normaliseEmail, normalisePhone } from './users/identifiers';
import { UsersService } from './users/users.service';
import { IinService } from './users/iin.service';
import { OrganizationsService } from './organizations/organizations.service';

/** The accounts service's bus surface; every reply is a typed BusReply. */
@Controller()
export class AccountsController {
  constructor(
    private readonly users: UsersService,
    private readonly otp: OtpService,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly iin: IinService,
    private readonly organizations: OrganizationsService,
  ) {}

  @MessagePattern(AccountsSubjects.userCreate)
  createUser(@Payload() req: CreateUserRequest) {
    return this.users.create(req);
  }

  @MessagePattern(AccountsSubjects.passwordVerify)
  async verifyPassword(@Payload() req: VerifyPasswordRequest) {
    const result = await this.users.verifyPassword(req.login, req.password, req.context ?? {});
    if ('sub' in result) return ok({ sub: result.sub });
    return result.error === 'method_disabled'
      ? fail('method_disabled', 'the owner has switched password sign-in off')
      : fail('invalid_credentials', 'login or password is wrong');
  }

  @MessagePattern(AccountsSubjects.claimsGet)
  async claims(@Payload() req: ClaimsRequest) {
    const claims = await this.users.claims(req.sub, Array.isArray(req.scopes) ? req.scopes : []);
    if (claims && req.scopes?.includes('organization')) Object.assign(claims, await this.organizations.claims(req.sub));
    return claims ? ok(claims) : fail('not_found', 'no such user');
  }

  @MessagePattern(AccountsSubjects.profileUpdate)
  updateProfile(@Payload() req: UpdateProfileRequest) {
    return this.users.updateProfile(req);
  }

  @MessagePattern(AccountsSubjects.userSearch)
  async search(@Payload() req: UserSearchRequest) {
    return ok({ users: await this.users.search(req ?? {}) });
  }

  @MessagePattern(AccountsSubjects.userAdminUpdate)
  adminUpdate(@Payload() req: UserAdminUpdateRequest) {
    return this.users.adminUpdate(req);
  }

  @MessagePattern(AccountsSubjects.otpSend)
  sendCode(@Payload() req: OtpSendRequest) {
    return this.otp.send(req);
  }

  @MessagePattern(AccountsSubjects.otpVerify)
  verifyCode(@Payload() req: OtpVerifyRequest) {
    return this.otp.verify(req);
  }

  /** Development only, and only when this process has DEV_OUTBOX on too. */
  @MessagePattern(AccountsSubjects.outboxList)
  async outboxList(@Payload() req: OutboxListRequest) {
    if (!this.config.devOutbox) return fail('disabled', 'the development outbox is off');
    const raw = String(req.to ?? '');
    const to = raw.includes('@') ? normaliseEmail(raw) : normalisePhone(raw, this.config.phoneRegion);
    return to ? ok(await this.outbox.list(to)) : fail('invalid_input', 'to: a phone number or an e-mail address');
  }

  /** The account whose verified phone this is; partners link their users to accounts by phone. */
  @MessagePattern(AccountsSubjects.phoneResolve)
  async resolvePhone(@Payload() req: PhoneResolveRequest) {
    const phone = normalisePhone(String(req.phone ?? ''), this.config.phoneRegion);
    if (!phone) return fail('invalid_input', 'phone: not a valid phone number');
    const sub = await this.users.ownerOf('sms', phone);
    return sub ? ok({ sub }) : fail('not_found', 'no account has this phone number verified');
  }

  /**
   * A phone a partner confirmed (trusted phone): like a confirmed SMS code, it signs in to the
   * account the phone is verified on, or registers one with it verified.
   */
  @MessagePattern(AccountsSubjects.phoneSignIn)
  async phoneSignIn(@Payload() req: PhoneSignInRequest) {
    const phone = normalisePhone(String(req.phone ?? ''), this.config.phoneRegion);
    if (!phone) return fail('invalid_input', 'phone: not a valid phone number');
    const account = await this.users.signInWithIdentifier('sms', phone);
    if (await this.users.isLocked(account.sub)) return fail('locked', 'the account is locked');
    return ok(account);
  }

  @MessagePattern(AccountsSubjects.iinSet)
  setIin(@Payload() req: IinSetRequest) {
    return this.iin.set(String(req.sub ?? ''), String(req.iin ?? ''));
  }

  @MessagePattern(AccountsSubjects.ping)
  ping() {
    return ok({ at: new Date().toISOString() });
  }
}
