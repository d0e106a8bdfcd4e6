import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import * as bcrypt from 'bcrypt';
import { QueryFailedError, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { BusReply, CreateUserError, CreateUserRequest, CreatedUser, fail, ok } from '@idp/contracts';
import { UserEntity } from '@idp/domain';
import { normaliseEmail, normaliseLogin, normalisePhone } from './identifiers';
import { claimsFor } from './claims';

/** bcrypt works on the first 72 bytes only; longer passwords would silently collide. */
const MAX_PASSWORD_BYTES = 72;

@Injectable()
export class UsersService {
  /** Compared against when the login is unknown, so both answers take the same time. */
  private readonly decoyHash: Promise<string>;

  constructor(
    @InjectRepository(UserEntity, 'accounts') private readonly users: Repository<UserEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.decoyHash = bcrypt.hash('decoy-password-for-unknown-logins', config.bcryptCost);
  }

  async create(req: CreateUserRequest): Promise<BusReply<CreatedUser, CreateUserError>> {
    const login = normaliseLogin(String(req.login ?? ''));
    if (!login) return fail('invalid_input', 'login: 3-64 letters, digits or . _ @ + -');
    const password = String(req.password ?? '');
    if (password.length < 8) return fail('invalid_input', 'password: at least 8 characters');
    if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) return fail('invalid_input', 'password: at most 72 bytes');
    const email = req.email ? normaliseEmail(req.email) : null;
    if (req.email && !email) return fail('invalid_input', 'email: not a valid e-mail address');
    if (req.email_public && !normaliseEmail(req.email_public)) return fail('invalid_input', 'email_public: not a valid e-mail address');
    const phone = req.phone ? normalisePhone(req.phone) : null;
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
    });
    try {
      await this.users.insert(user);
    } catch (err) {
      const taken = this.uniqueViolation(err);
      if (taken) return fail(taken, `${taken.replace('_taken', '')} is already registered`);
      throw err;
    }
    return ok(this.view(user));
  }

  async verifyPassword(rawLogin: string, password: string): Promise<string | null> {
    const login = normaliseLogin(String(rawLogin ?? ''));
    const user = login ? await this.users.findOne({ where: { login } }) : null;
    const hash = user?.passwordHash ?? (await this.decoyHash);
    const matches = Buffer.byteLength(String(password ?? '')) <= MAX_PASSWORD_BYTES && (await bcrypt.compare(String(password ?? ''), hash));
    return user && matches ? user.id : null;
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
