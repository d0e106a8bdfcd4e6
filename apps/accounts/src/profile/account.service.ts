import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import * as bcrypt from 'bcrypt';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import {
  AccountIdentifier,
  AccountDeleteError,
  AccountDeleteRequest,
  AccountError,
  AccountUpdateRequest,
  AccountView,
  BusReply,
  IdentifierAddError,
  IdentifierAddRequest,
  IdentifierConfirmError,
  IdentifierConfirmRequest,
  IdentifierPrimaryError,
  IdentifierPrimaryRequest,
  IdentifierRef,
  IdentifierRemoveError,
  IdentifierRemoveRequest,
  IdentifiersPrimaryError,
  IdentifiersRemoveError,
  LoginChangeError,
  LoginChangeRequest,
  MethodsSetError,
  MethodsSetRequest,
  OtpChallenge,
  OtpSendDetails,
  OtpVerifyDetails,
  PasswordChangeError,
  PasswordChangeRequest,
  USER_LOGIN_METHODS,
  UserLoginMethod,
  fail,
  ok,
} from '@idp/contracts';
import { UserEntity } from '@idp/domain';
import { AuditService } from '../audit/audit.service';
import { IdentifiersService, channelOf, isUniqueViolation, kindOf } from '../identifiers/identifiers.service';
import { OtpService } from '../otp/otp.service';
import { MAX_PASSWORD_BYTES, PASSWORD_PROBLEMS, passwordProblem } from '../passwords/password-policy';
import { normaliseDestination, normaliseLogin } from '../users/identifiers';
import { accountView, effectiveMethods, usableMethods } from './account-view';
import { profileChanges } from './profile-fields';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What a signed-in user does to their own account from the cabinet. */
@Injectable()
export class AccountService {
  constructor(
    @InjectRepository(UserEntity, 'accounts') private readonly users: Repository<UserEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly otp: OtpService,
    private readonly audit: AuditService,
    private readonly identifiers: IdentifiersService,
  ) {}

  /** A live (not deleted) account. */
  private async find(sub: unknown): Promise<UserEntity | null> {
    if (typeof sub !== 'string' || !UUID.test(sub)) return null;
    const user = await this.users.findOne({ where: { id: sub } });
    return user && !user.deletedAt ? user : null;
  }

  async view(user: UserEntity): Promise<AccountView> {
    const [photo] = await this.users.query(`SELECT 1 FROM accounts.user_photos WHERE user_id = $1`, [user.id]);
    return accountView(user, !!photo, await this.identifiers.list(user.id));
  }

  async get(sub: string): Promise<BusReply<AccountView, 'not_found'>> {
    const user = await this.find(sub);
    return user ? ok(await this.view(user)) : fail('not_found', 'no such user');
  }

  async update(req: AccountUpdateRequest): Promise<BusReply<AccountView, AccountError>> {
    const user = await this.find(req.sub);
    if (!user) return fail('not_found', 'no such user');
    const parsed = profileChanges(req);
    if ('error' in parsed) return fail('invalid_input', parsed.error);
    if (parsed.fields.length) {
      await this.users.update({ id: user.id }, parsed.changes);
      await this.audit.event('user.profile_updated', { sub: user.id, fields: parsed.fields }, req.context);
    }
    return this.get(user.id) as Promise<BusReply<AccountView, AccountError>>;
  }

  async changeLogin(req: LoginChangeRequest): Promise<BusReply<AccountView, LoginChangeError>> {
    const user = await this.find(req.sub);
    if (!user) return fail('not_found', 'no such user');
    const login = normaliseLogin(String(req.login ?? ''));
    if (!login) return fail('invalid_input', 'login: 3-64 letters, digits or . _ @ + -');
    if (login !== user.login) {
      try {
        await this.users.update({ id: user.id }, { login });
      } catch (err) {
        if (isUniqueViolation(err)) return fail('login_taken', 'this login is taken');
        throw err;
      }
      await this.audit.record('account.login_changed', user.id, req.context, { login });
      this.audit.claimsChanged(user.id, ['login', 'preferred_username']);
    }
    return this.get(user.id) as Promise<BusReply<AccountView, LoginChangeError>>;
  }

  async setMethods(req: MethodsSetRequest): Promise<BusReply<AccountView, MethodsSetError>> {
    const user = await this.find(req.sub);
    if (!user) return fail('not_found', 'no such user');
    const methods = Array.isArray(req.methods) ? [...new Set(req.methods)] : null;
    if (!methods || methods.some((m) => !(USER_LOGIN_METHODS as string[]).includes(m))) return fail('invalid_input', `methods: a list of ${USER_LOGIN_METHODS.join(', ')}`);
    const usable = usableMethods(user);
    const unusable = methods.filter((m) => !usable.includes(m));
    if (unusable.length) return fail('unusable', `methods: this account cannot use ${unusable.join(', ')}`);
    if (!methods.length) return fail('none_left', 'methods: at least one sign-in method must stay on');
    const ordered = USER_LOGIN_METHODS.filter((m) => methods.includes(m));
    await this.users.update({ id: user.id }, { loginMethods: ordered });
    await this.audit.event('user.login_methods_changed', { sub: user.id, methods: ordered }, req.context);
    return this.get(user.id) as Promise<BusReply<AccountView, MethodsSetError>>;
  }

  /**
   * The current password is needed when the account has one, except in the forced step at sign-in
   * (allowed only while password_change_required is set). The new one meets the password rules.
   */
  async changePassword(req: PasswordChangeRequest): Promise<BusReply<{ sub: string; password_updated_at: string }, PasswordChangeError>> {
    const user = await this.find(req.sub);
    if (!user) return fail('not_found', 'no such user');
    const password = String(req.password ?? '');
    const weak = passwordProblem(password);
    if (weak) return fail('invalid_input', PASSWORD_PROBLEMS[weak]);
    if (req.forced) {
      if (!user.passwordChangeRequired) return fail('invalid_credentials', 'no password change is required');
    } else if (user.passwordHash && !(await this.passwordMatches(user, req.current))) {
      await this.audit.record('account.password_change_failed', user.id, req.context);
      return fail('invalid_credentials', 'the current password is wrong');
    }
    const now = new Date();
    await this.users.update({ id: user.id }, { passwordHash: await bcrypt.hash(password, this.config.bcryptCost), passwordUpdatedAt: now, passwordChangeRequired: false });
    await this.audit.event('user.password_changed', { sub: user.id, via: req.forced ? 'forced' : 'cabinet' }, req.context);
    return ok({ sub: user.id, password_updated_at: now.toISOString() });
  }

  /**
   * Marks the account deleted and lets go of what identifies the person (phone, e-mail, password,
   * photo), so they may register again; the caller ends sessions and revokes tokens.
   */
  async delete(req: AccountDeleteRequest): Promise<BusReply<{ sub: string }, AccountDeleteError>> {
    const user = await this.find(req.sub);
    if (!user) return fail('not_found', 'no such user');
    if (user.passwordHash && !(await this.passwordMatches(user, req.password))) {
      await this.audit.record('account.delete_failed', user.id, req.context);
      return fail('invalid_credentials', 'the password is wrong');
    }
    await this.users.manager.transaction(async (tx) => {
      await tx.query(
        `UPDATE accounts.users SET deleted_at = now(), updated_at = now(), email = NULL, email_verified = false, phone = NULL, phone_verified = false,
                password_hash = NULL, picture = NULL, login_methods = NULL, primary_identifier = NULL WHERE id = $1`,
        [user.id],
      );
      await tx.query(`DELETE FROM accounts.user_photos WHERE user_id = $1`, [user.id]);
      await tx.query(`DELETE FROM accounts.user_identifiers WHERE user_id = $1`, [user.id]);
    });
    await this.audit.event('user.deleted', { sub: user.id }, req.context);
    return ok({ sub: user.id });
  }

  /** Sends a verification code to a phone or address the user wants to add to the account. */
  async addIdentifier(req: IdentifierAddRequest): Promise<BusReply<OtpChallenge, IdentifierAddError, OtpSendDetails>> {
    const user = await this.find(req.sub);
    if (!user) return fail('not_found', 'no such user');
    const channel = req.channel === 'email' ? 'email' : 'sms';
    const destination = normaliseDestination(channel, String(req.destination ?? ''), this.config.phoneRegion);
    if (!destination) return fail('invalid_destination', channel === 'sms' ? 'not a valid phone number' : 'not a valid e-mail address');
    const refusal = await this.identifiers.addRefusal(user.id, kindOf(channel), destination);
    // Taken says no more than that: the cabinet does not tell a stranger which account holds it.
    if (refusal === 'taken') return fail('taken', 'this identifier cannot be added');
    if (refusal === 'already_added') return fail('already_added', 'the account has this identifier already');
    if (refusal === 'limit') return fail('limit', `the account holds the most ${channel === 'sms' ? 'phones' : 'e-mail addresses'} it may`);
    return this.otp.send({ channel, destination, purpose: 'verification', ip: String(req.ip ?? ''), locale: req.locale }, { userId: user.id });
  }

  /** A confirmed code makes the identifier the user's, verified; another account's unverified claim on it is released. */
  async confirmIdentifier(req: IdentifierConfirmRequest): Promise<BusReply<AccountView, IdentifierConfirmError, OtpVerifyDetails>> {
    const user = await this.find(req.sub);
    if (!user) return fail('expired', 'no such code');
    const verified = await this.otp.verify({ challengeId: req.challengeId, code: req.code });
    if (!verified.ok) return verified;
    if (verified.value.purpose !== 'verification' || verified.value.sub !== user.id) return fail('expired', 'no such code');
    const { channel, destination } = verified.value;
    const attached = await this.identifiers.attach(user.id, kindOf(channel), destination);
    if (!attached.ok) return attached.code === 'taken' ? fail('taken', 'this identifier cannot be added') : fail('limit', 'the account holds the most of this kind it may');
    if (attached.added) {
      const data = { sub: user.id, channel, identifier_id: attached.row.id };
      await this.audit.event('user.identifier_added', { ...data, primary: attached.row.is_primary }, req.context);
      await this.audit.event('user.identifier_verified', data, req.context);
    }
    return this.get(user.id) as Promise<BusReply<AccountView, IdentifierConfirmError, OtpVerifyDetails>>;
  }

  /** Removes the primary phone or e-mail (the older, one-per-kind surface): another verified one takes its place. */
  async removeIdentifier(req: IdentifierRemoveRequest): Promise<BusReply<AccountView, IdentifierRemoveError>> {
    const user = await this.find(req.sub);
    const kind = kindOf(req.channel === 'email' ? 'email' : 'sms');
    const primary = user ? (await this.identifiers.rows(user.id)).find((r) => r.kind === kind && r.is_primary) : undefined;
    if (!user || !primary) return fail('not_found', 'the account has no such identifier');
    return this.removeIdentifierById({ sub: user.id, id: primary.id, context: req.context });
  }

  async removeIdentifierById(req: IdentifierRef): Promise<BusReply<AccountView, IdentifiersRemoveError>> {
    const user = await this.find(req.sub);
    if (!user) return fail('not_found', 'no such user');
    const keepsAWayIn = (removed: { kind: 'phone' | 'email' }) =>
      effectiveMethods(Object.assign(new UserEntity(), user, removed.kind === 'phone' ? { phone: null, phoneVerified: false } : { email: null, emailVerified: false })).length > 0;
    const removed = await this.identifiers.detach(user.id, String(req.id ?? ''), keepsAWayIn);
    if (!removed.ok) return removed.code === 'not_found' ? fail('not_found', 'the account has no such identifier') : fail('last_method', 'without it the account would have no way to sign in');
    await this.audit.event('user.identifier_removed', { sub: user.id, channel: channelOf(removed.row.kind), identifier_id: removed.row.id }, req.context);
    if (removed.promoted) await this.audit.event('user.primary_identifier_changed', { sub: user.id, channel: channelOf(removed.promoted.kind), identifier_id: removed.promoted.id }, req.context);
    return this.get(user.id) as Promise<BusReply<AccountView, IdentifiersRemoveError>>;
  }

  /** The main contact: phone or e-mail (whichever primary one the person prefers to be reached at). */
  async setPrimary(req: IdentifierPrimaryRequest): Promise<BusReply<AccountView, IdentifierPrimaryError>> {
    const user = await this.find(req.sub);
    if (!user) return fail('not_found', 'no such user');
    const column = req.channel === 'email' ? 'email' : req.channel === 'sms' ? 'phone' : null;
    if (!column || !user[column] || !user[`${column}Verified`]) return fail('invalid_input', 'channel: a verified phone (sms) or e-mail of the account');
    await this.users.update({ id: user.id }, { primaryIdentifier: column });
    await this.audit.record('account.primary_identifier_changed', user.id, req.context, { primary: column });
    return this.get(user.id) as Promise<BusReply<AccountView, IdentifierPrimaryError>>;
  }

  /** Makes one verified phone or e-mail the primary of its kind: the one the phone_number / email claims carry. */
  async setPrimaryById(req: IdentifierRef): Promise<BusReply<AccountView, IdentifiersPrimaryError>> {
    const user = await this.find(req.sub);
    if (!user) return fail('not_found', 'no such user');
    const set = await this.identifiers.makePrimary(user.id, String(req.id ?? ''));
    if (!set.ok) return set.code === 'not_found' ? fail('not_found', 'the account has no such identifier') : fail('unverified', 'only a verified identifier can be primary');
    if (set.changed) await this.audit.event('user.primary_identifier_changed', { sub: user.id, channel: channelOf(set.row.kind), identifier_id: set.row.id }, req.context);
    return this.get(user.id) as Promise<BusReply<AccountView, IdentifiersPrimaryError>>;
  }

  async listIdentifiers(sub: string): Promise<BusReply<{ identifiers: AccountIdentifier[] }, 'not_found'>> {
    const user = await this.find(sub);
    return user ? ok({ identifiers: await this.identifiers.list(user.id) }) : fail('not_found', 'no such user');
  }

  private async passwordMatches(user: UserEntity, password: unknown): Promise<boolean> {
    const given = typeof password === 'string' ? password : '';
    return !!user.passwordHash && Buffer.byteLength(given) <= MAX_PASSWORD_BYTES && bcrypt.compare(given, user.passwordHash);
  }
}
