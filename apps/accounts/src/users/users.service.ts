import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import * as bcrypt from 'bcrypt';
import { FindOptionsWhere, QueryFailedError, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { AuditContext, BusReply, CreateUserError, UserLoginMethod, VerifyPasswordError, CreateUserRequest, CreatedUser, OtpChannel, UpdateProfileError, UpdateProfileRequest, fail, ok, UserAdminUpdateError, UserAdminUpdateRequest, UserSearchRequest, UserSummary } from '@idp/contracts';
import { UserEntity } from '@idp/domain';
import { identifierCandidates, normaliseEmail, normaliseLogin, normalisePhone } from './identifiers';
import { claimsFor } from './claims';
import { AuditService } from '../audit/audit.service';
import { IdentifiersService } from '../identifiers/identifiers.service';
import { MAX_PASSWORD_BYTES, PASSWORD_PROBLEMS, passwordProblem } from '../passwords/password-policy';


@Injectable()
export class UsersService {
  /** Compared against when the login is unknown, so both answers take the same time. */
  private readonly decoyHash: Promise<string>;

  constructor(
    @InjectRepository(UserEntity, 'accounts') private readonly users: Repository<UserEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly identifiers: IdentifiersService,
  ) {
    this.decoyHash = bcrypt.hash('decoy-password-for-unknown-logins', config.bcryptCost);
  }

  async create(req: CreateUserRequest): Promise<BusReply<CreatedUser, CreateUserError>> {
    const login = normaliseLogin(String(req.login ?? ''));
    if (!login) return fail('invalid_input', 'login: 3-64 letters, digits or . _ @ + -');
    const password = String(req.password ?? '');
    const weak = passwordProblem(password);
    if (weak) return fail('invalid_input', PASSWORD_PROBLEMS[weak]);
    const email = req.email ? normaliseEmail(req.email) : null;
    if (req.email && !email) return fail('invalid_input', 'email: not a valid e-mail address');
    if (req.email_public && !normaliseEmail(req.email_public)) return fail('invalid_input', 'email_public: not a valid e-mail address');
    const phone = req.phone ? normalisePhone(req.phone, this.config.phoneRegion) : null;
    if (req.phone && !phone) return fail('invalid_input', 'phone: not a valid phone number');

    const user = this.users.create({
      id: randomUUID(),
      login,
      email,
      emailVerified: !!email && !!req.verified,
      phone,
      phoneVerified: !!phone && !!req.verified,
      passwordHash: await bcrypt.hash(password, this.config.bcryptCost),
      passwordUpdatedAt: new Date(),
      givenName: req.given_name?.trim() || null,
      familyName: req.family_name?.trim() || null,
      middleName: req.middle_name?.trim() || null,
      nickname: req.nickname?.trim() || null,
      birthdate: req.birthdate?.trim() || null,
      picture: req.picture?.trim() || null,
      emailPublic: req.email_public ? normaliseEmail(req.email_public) : null,
      customFields: req.custom_fields && typeof req.custom_fields === 'object' && !Array.isArray(req.custom_fields) ? req.custom_fields : null,
      passwordChangeRequired: req.password_change_required === true,
      publicExternalAccounts: Array.isArray(req.public_external_accounts) ? req.public_external_accounts.filter((a) => a && typeof a === 'object') : null,
    });
    try {
      await this.users.insert(user);
    } catch (err) {
      const taken = this.uniqueViolation(err);
      if (taken) return fail(taken, `${taken.replace('_taken', '')} is already registered`);
      throw err;
    }
    await this.audit.event('user.registered', { sub: user.id, method: req.verified ? 'admin' : 'password' });
    return ok(this.view(user));
  }

  /**
   * The identifier may be a login, an e-mail address or a phone number (the primary one, or any
   * verified one of the account); a login match wins. A wrong password for an existing account goes
   * to that account's audit trail.
   */
  async verifyPassword(rawLogin: string, password: string, context: AuditContext = {}): Promise<{ sub: string } | { error: VerifyPasswordError }> {
    const { login, email, phone } = identifierCandidates(String(rawLogin ?? ''), this.config.phoneRegion);
    const where: FindOptionsWhere<UserEntity>[] = [];
    if (login) where.push({ login });
    if (email) where.push({ email });
    if (phone) where.push({ phone });
    const held: Array<{ user_id: string; kind: string }> =
      email || phone
        ? await this.users.query(`SELECT user_id, kind FROM accounts.user_identifiers WHERE verified AND NOT is_primary AND ((kind = 'email' AND value = $1) OR (kind = 'phone' AND value = $2))`, [email, phone])
        : [];
    for (const h of held) where.push({ id: h.user_id });
    const holder = (kind: string) => held.find((h) => h.kind === kind)?.user_id;
    const found = where.length ? await this.users.find({ where }) : [];
    const user =
      found.find((u) => u.login === login) ??
      found.find((u) => u.email === email) ??
      found.find((u) => u.id === holder('email')) ??
      found.find((u) => u.phone === phone) ??
      found.find((u) => u.id === holder('phone'));
    const hash = user?.passwordHash ?? (await this.decoyHash);
    const matches = Buffer.byteLength(String(password ?? '')) <= MAX_PASSWORD_BYTES && (await bcrypt.compare(String(password ?? ''), hash));
    if (!user?.passwordHash || !matches || user.lockedAt || user.deletedAt) {
      if (user && !user.deletedAt) await this.audit.record('user.login_failed', user.id, context, { reason: user.lockedAt && matches ? 'locked' : 'invalid_credentials' });
      return { error: 'invalid_credentials' };
    }
    if (!allows(user, 'password')) return { error: 'method_disabled' };
    return { sub: user.id };
  }

  /** Whether the user keeps this sign-in method on (all are on until the user says otherwise). */
  async methodAllowed(sub: string, method: UserLoginMethod): Promise<boolean> {
    const user = await this.users.findOne({ where: { id: sub }, select: { id: true, loginMethods: true } });
    return !!user && allows(user, method);
  }

  async isLocked(sub: string): Promise<boolean> {
    const user = await this.users.findOne({ where: { id: sub }, select: { id: true, lockedAt: true } });
    return !!user?.lockedAt;
  }

  /** Accounts whose login, or any e-mail or phone, starts with the query (or whose id it is), newest first. */
  async search(req: UserSearchRequest): Promise<UserSummary[]> {
    const query = String(req.query ?? '').trim().toLowerCase().slice(0, 100);
    const limit = Math.min(Math.max(Number(req.limit) || 50, 1), 200);
    const prefix = query.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
    const rows = query
      ? await this.users
          .createQueryBuilder('u')
          .where(
            'u.login LIKE :prefix OR u.email LIKE :prefix OR u.phone LIKE :phone' +
              // Secondary phones and addresses find their account too.
              ` OR u.id IN (SELECT i.user_id FROM accounts.user_identifiers i WHERE (i.kind = 'email' AND i.value LIKE :prefix) OR (i.kind = 'phone' AND i.value LIKE :phone))` +
              (/^[0-9a-f-]{36}$/.test(query) ? ' OR u.id = :id' : ''),
            { prefix, phone: query.startsWith('+') ? prefix : `+${prefix}`, id: query },
          )
          .orderBy('u.created_at', 'DESC')
          .limit(limit)
          .getMany()
      : await this.users.find({ order: { createdAt: 'DESC' }, take: limit });
    return rows.map((u) => this.summary(u));
  }

  async adminUpdate(req: UserAdminUpdateRequest): Promise<BusReply<UserSummary, UserAdminUpdateError>> {
    if (!/^[0-9a-f-]{36}$/.test(String(req.sub))) return fail('not_found', 'no such user');
    const user = await this.users.findOne({ where: { id: req.sub } });
    if (!user) return fail('not_found', 'no such user');
    const wasLocked = !!user.lockedAt;
    const wasRequired = !!user.passwordChangeRequired;
    if (typeof req.locked === 'boolean') user.lockedAt = req.locked ? (user.lockedAt ?? new Date()) : null;
    if (typeof req.password_change_required === 'boolean') user.passwordChangeRequired = req.password_change_required;
    await this.users.save(user);
    if (wasLocked !== !!user.lockedAt) await this.audit.event(user.lockedAt ? 'user.locked' : 'user.unlocked', { sub: user.id });
    if (wasRequired !== !!user.passwordChangeRequired) this.audit.claimsChanged(user.id, ['password_change_required']);
    return ok(this.summary(user));
  }

  private summary(u: UserEntity): UserSummary {
    return { ...this.view(u), locked: !!u.lockedAt, password_change_required: u.passwordChangeRequired };
  }


  /**
   * The account a confirmed phone or e-mail signs in to: the one it is verified on, or a new one.
   * An unverified claim on the identifier by another account is released: the code proves who
   * owns the identifier, not who owns that account, so signing in to it would hand over an account
   * to whoever's address was mistyped into it. A secondary identifier signs in to its account
   * like the primary one.
   */
  async signInWithIdentifier(channel: OtpChannel, destination: string): Promise<{ sub: string; created: boolean }> {
    const column = channel === 'sms' ? 'phone' : 'email';
    for (let attempt = 0; ; attempt++) {
      try {
        const holder = await this.identifiers.verifiedOwner(column, destination);
        if (holder) return { sub: holder, created: false };
        const outcome = await this.users.manager.transaction(async (tx) => {
          const [owner] = await tx.query(`SELECT id, ${column}_verified AS verified FROM accounts.users WHERE ${column} = $1 FOR UPDATE`, [destination]);
          if (owner?.verified) return { sub: owner.id as string, created: false };
          if (owner) await tx.query(`UPDATE accounts.users SET ${column} = NULL, ${column}_verified = false, updated_at = now() WHERE id = $1`, [owner.id]);
          const id = randomUUID();
          await tx.query(`INSERT INTO accounts.users (id, login, ${column}, ${column}_verified) VALUES ($1, $2, $3, true)`, [id, generatedLogin(), destination]);
          return { sub: id, created: true };
        });
        if (outcome.created) await this.audit.event('user.registered', { sub: outcome.sub, method: 'otp' });
        return outcome;
      } catch (err) {
        // Two first sign-ins with the same identifier at once: the loser finds the winner's account.
        if (attempt < 2 && this.uniqueViolation(err)) continue;
        throw err;
      }
    }
  }

  async ownerOf(channel: OtpChannel, destination: string): Promise<string | null> {
    return this.identifiers.verifiedOwner(channel === 'sms' ? 'phone' : 'email', destination);
  }

  async updateProfile(req: UpdateProfileRequest): Promise<BusReply<{ sub: string }, UpdateProfileError>> {
    if (!/^[0-9a-f-]{36}$/.test(String(req.sub))) return fail('not_found', 'no such user');
    const clean = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
    const givenName = clean(req.given_name);
    const familyName = clean(req.family_name);
    if (!givenName) return fail('invalid_input', 'given_name: is required');
    if (givenName.length > 100 || familyName.length > 100) return fail('invalid_input', 'given_name, family_name: at most 100 characters');
    const result = await this.users.update({ id: req.sub }, { givenName, familyName: familyName || null });
    if (!result.affected) return fail('not_found', 'no such user');
    this.audit.claimsChanged(req.sub, ['given_name', 'family_name']);
    return ok({ sub: req.sub });
  }

  async claims(sub: string, scopes: string[]): Promise<Record<string, unknown> | null> {
    if (!/^[0-9a-f-]{36}$/.test(sub)) return null;
    const user = await this.users.findOne({ where: { id: sub } });
    return user ? claimsFor(user, scopes) : null;
  }

  private uniqueViolation(err: unknown): CreateUserError | null {
    const e = err as QueryFailedError & { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string; message?: string } };
    const code = e.code ?? e.driverError?.code;
    if (code !== '23505') return null;
    const detail = `${e.constraint ?? e.driverError?.constraint ?? ''} ${e.message ?? ''}`;
    if (detail.includes('email')) return 'email_taken';
    if (detail.includes('phone')) return 'phone_taken';
    return 'login_taken';
  }

  private view(user: UserEntity): CreatedUser {
    return {
      id: user.id,
      login: user.login,
      email: user.email,
      email_verified: user.emailVerified,
      phone_number: user.phone,
      phone_number_verified: user.phoneVerified,
      given_name: user.givenName,
      family_name: user.familyName,
      created_at: (user.createdAt ?? new Date()).toISOString(),
    };
  }
}

export function allows(user: Pick<UserEntity, 'loginMethods'>, method: UserLoginMethod): boolean {
  return !user.loginMethods || user.loginMethods.includes(method);
}

/** Accounts created from a phone or an e-mail get a login nobody chose; the person may change it later. */
function generatedLogin(): string {
  return `u${randomBytes(6).toString('hex')}`;
}
