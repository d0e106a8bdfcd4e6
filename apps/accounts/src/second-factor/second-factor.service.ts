import { EventPublisher } from '@idp/bus';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import * as bcrypt from 'bcrypt';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import {
  BackupCodes,
  BackupRegenerateError,
  BusReply,
  DisableError,
  DisableRequest,
  RememberedDevice,
  RememberedDeviceToken,
  SecondFactorSmsSendError,
  SecondFactorSmsSendRequest,
  SecondFactorSmsSent,
  SecondFactorStatus,
  SecondFactorVerified,
  SecondFactorVerifyDetails,
  SecondFactorVerifyError,
  SecondFactorVerifyRequest,
  SmsEnrolConfirmRequest,
  SmsEnrolSendError,
  SmsSetError,
  TotpConfirmed,
  TotpEnrolment,
  fail,
  ok,
} from '@idp/contracts';
import { decryptSecret, encryptSecret } from '@idp/jwk';
import { Clock } from '../clock/clock';
import { OtpService } from '../otp/otp.service';
import { BackupCodeHasher, maskPhone, newBackupCodes, normaliseBackupCode } from './backup-codes';
import { newTotpSecret, totpStep, totpUri } from './totp';

/** Wrong second-factor codes in a row before the account waits; and how long it waits. */
export const MAX_FAILURES = 5;
export const BLOCK_SECONDS = 300;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : []) as T[];
const sealAad = (userId: string) => `totp:${userId}`;
const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

interface FactorRow {
  totp_secret_sealed: string | null;
  totp_pending_sealed: string | null;
  totp_last_step: string | null;
  sms_enabled: boolean;
  required: boolean;
  failures: number;
  blocked_until: Date | null;
}

type Verdict = BusReply<SecondFactorVerified, SecondFactorVerifyError, SecondFactorVerifyDetails>;

/**
 * The second factor of an account: TOTP (secret sealed at rest, each time step used once), SMS
 * codes to the verified phone (the one-time code service, purpose 2fa), single-use backup codes,
 * and remembered browsers. Wrong codes are counted per account: MAX_FAILURES in a row and the
 * account waits BLOCK_SECONDS, whichever way (page or password grant) they came.
 */
@Injectable()
export class SecondFactorService {
  private readonly backup: BackupCodeHasher;

  constructor(
    @InjectDataSource('accounts') private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly otp: OtpService,
    private readonly events: EventPublisher,
  ) {
    this.backup = new BackupCodeHasher(config.keyEncryptionKey);
  }

  async status(sub: string): Promise<SecondFactorStatus | null> {
    if (!UUID.test(String(sub))) return null;
    const [user] = await this.db.query(`SELECT phone, phone_verified FROM accounts.users WHERE id = $1`, [sub]);
    if (!user) return null;
    const row = await this.row(this.db.manager, sub);
    const [{ left }] = await this.db.query(`SELECT count(*)::int AS left FROM accounts.backup_codes WHERE user_id = $1 AND used_at IS NULL`, [sub]);
    const phone = user.phone_verified ? (user.phone as string) : null;
    const totp = !!row?.totp_secret_sealed;
    const sms = !!row?.sms_enabled && !!phone;
    return { totp, sms, smsAvailable: !!phone, phoneMasked: maskPhone(phone), backupCodesLeft: left, required: !!row?.required, enrolled: totp || sms };
  }

  /**
   * A pending secret (the one already begun, so a reloaded page shows the same QR code); the
   * factor is on only once a first code confirms it.
   */
  async totpBegin(sub: string, label: string): Promise<BusReply<TotpEnrolment, 'not_found' | 'already_on'>> {
    const status = await this.status(sub);
    if (!status) return fail('not_found', 'no such user');
    // Replacing a working secret would let a stolen session swap the factor: turn 2FA off first (re-authenticated).
    if (status.totp) return fail('already_on', 'TOTP is already on');
    const issuer = new URL(this.config.issuer).host;
    const name = String(label || 'account').slice(0, 100);
    const pending = (await this.row(this.db.manager, sub))?.totp_pending_sealed;
    if (pending) {
      const secret = decryptSecret(pending, this.config.keyEncryptionKey, sealAad(sub));
      return ok({ secret, uri: totpUri(issuer, name, secret) });
    }
    const enrolment = newTotpSecret(issuer, name);
    await this.upsert(this.db.manager, sub, { totp_pending_sealed: encryptSecret(enrolment.secret, this.config.keyEncryptionKey, sealAad(sub)) });
    return ok(enrolment);
  }

  async totpConfirm(sub: string, code: string): Promise<BusReply<TotpConfirmed, SecondFactorVerifyError, SecondFactorVerifyDetails>> {
    if (!UUID.test(String(sub))) return fail('not_enrolled', 'no enrolment was begun');
    const blocked = await this.blocked(sub);
    if (blocked) return blocked;
    if (await this.locked(sub)) return fail('locked', 'the account is locked');
    const row = await this.row(this.db.manager, sub);
    if (!row?.totp_pending_sealed) return fail('not_enrolled', 'no enrolment was begun');
    const secret = decryptSecret(row.totp_pending_sealed, this.config.keyEncryptionKey, sealAad(sub));
    const match = totpStep(secret, code, this.clock.now(), null);
    if (!match || 'replayed' in match) return this.failed(sub);
    const wasEnrolled = !!row.totp_secret_sealed || row.sms_enabled;
    const codes = await this.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE accounts.second_factors SET totp_secret_sealed = totp_pending_sealed, totp_pending_sealed = NULL, totp_last_step = $2, failures = 0, updated_at = $3 WHERE user_id = $1`,
        [sub, match.step, this.clock.now()],
      );
      return wasEnrolled ? [] : this.replaceBackupCodes(tx, sub);
    });
    if (!wasEnrolled) this.events.publish('user.2fa_enabled', { sub, method: 'totp' });
    return ok({ backupCodes: codes });
  }

  async verify(req: SecondFactorVerifyRequest): Promise<Verdict> {
    const sub = String(req.sub ?? '');
    if (!UUID.test(sub)) return fail('not_enrolled', 'no second factor');
    const blocked = await this.blocked(sub);
    if (blocked) return blocked;
    const status = await this.status(sub);
    if (!status) return fail('not_enrolled', 'no second factor');
    if (await this.locked(sub)) return fail('locked', 'the account is locked');
    if (req.method === 'totp') {
      if (!status.totp) return fail('not_enrolled', 'TOTP is not on');
      const row = (await this.row(this.db.manager, sub))!;
      const secret = decryptSecret(row.totp_secret_sealed!, this.config.keyEncryptionKey, sealAad(sub));
      const match = totpStep(secret, req.code, this.clock.now(), row.totp_last_step === null ? null : Number(row.totp_last_step));
      if (!match) return this.failed(sub);
      if ('replayed' in match) return fail('replayed', 'this code was already used; wait for the next one');
      // Only one request can move the step forward: parallel uses of one code get one success.
      const moved = rowsOf(
        await this.db.query(
          `UPDATE accounts.second_factors SET totp_last_step = $2, failures = 0 WHERE user_id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING user_id`,
          [sub, match.step],
        ),
      );
      return moved.length ? ok({ method: 'totp', amr: 'otp' }) : fail('replayed', 'this code was already used; wait for the next one');
    }
    if (req.method === 'backup_code') {
      if (!status.enrolled) return fail('not_enrolled', 'no second factor');
      const code = normaliseBackupCode(req.code);
      const used = code
        ? rowsOf(
            await this.db.query(`UPDATE accounts.backup_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING id`, [
              sub,
              this.backup.hash(sub, code),
              this.clock.now(),
            ]),
          )
        : [];
      if (!used.length) return this.failed(sub);
      await this.resetFailures(sub);
      return ok({ method: 'backup_code', amr: 'otp' });
    }
    if (req.method === 'sms') {
      if (!status.sms) return fail('not_enrolled', 'the SMS factor is not on');
      const checked = await this.otp.verify({ challengeId: String(req.challengeId ?? ''), code: String(req.code ?? '') });
      if (!checked.ok) {
        if (checked.code === 'wrong_code') return this.failed(sub);
        return fail('expired', 'the code has expired or was used up; ask for a new one');
      }
      if (checked.value.purpose !== '2fa' || checked.value.sub !== sub) return this.failed(sub);
      await this.resetFailures(sub);
      return ok({ method: 'sms', amr: 'sms' });
    }
    return fail('not_enrolled', 'unknown method');
  }

  async smsSend(req: SecondFactorSmsSendRequest): Promise<BusReply<SecondFactorSmsSent, SecondFactorSmsSendError, { retryAfter: number }>> {
    const status = await this.status(String(req.sub ?? ''));
    if (!status?.sms) return fail('not_enrolled', 'the SMS factor is not on');
    const [user] = await this.db.query(`SELECT phone FROM accounts.users WHERE id = $1`, [req.sub]);
    const sent = await this.otp.send({ channel: 'sms', destination: user.phone, purpose: '2fa', ip: req.ip, locale: req.locale });
    if (!sent.ok) {
      const code = sent.code === 'invalid_destination' ? 'not_enrolled' : sent.code;
      return fail(code, sent.message, { retryAfter: sent.details?.retryAfter ?? 0 });
    }
    return ok({ challengeId: sent.value.challengeId, phoneMasked: status.phoneMasked!, resendIn: sent.value.resendIn });
  }

  /** A code to the verified phone that, confirmed, turns the SMS factor on: the enrolment in a sign-in of an account with no factor yet. */
  async smsEnrolSend(req: SecondFactorSmsSendRequest): Promise<BusReply<SecondFactorSmsSent, SmsEnrolSendError, { retryAfter: number }>> {
    const status = await this.status(String(req.sub ?? ''));
    if (!status?.smsAvailable) return fail('no_verified_phone', 'the account has no verified phone', { retryAfter: 0 });
    // Only an account with no factor enrols this way: one that has a factor must pass it, not add another.
    if (status.enrolled) return fail('already_on', 'a second factor is already on', { retryAfter: 0 });
    const [user] = await this.db.query(`SELECT phone FROM accounts.users WHERE id = $1`, [req.sub]);
    const sent = await this.otp.send({ channel: 'sms', destination: user.phone, purpose: '2fa', ip: req.ip, locale: req.locale });
    if (!sent.ok) {
      const code = sent.code === 'invalid_destination' ? 'no_verified_phone' : sent.code;
      return fail(code, sent.message, { retryAfter: sent.details?.retryAfter ?? 0 });
    }
    return ok({ challengeId: sent.value.challengeId, phoneMasked: status.phoneMasked!, resendIn: sent.value.resendIn });
  }

  /**
   * The code sent by smsEnrolSend proves the phone: the SMS factor goes on and the account gets its
   * backup codes (shown once). Wrong codes count toward the account's wait.
   */
  async smsEnrolConfirm(req: SmsEnrolConfirmRequest): Promise<BusReply<TotpConfirmed, SecondFactorVerifyError, SecondFactorVerifyDetails>> {
    const sub = String(req.sub ?? '');
    if (!UUID.test(sub)) return fail('not_enrolled', 'no enrolment was begun');
    const blocked = await this.blocked(sub);
    if (blocked) return blocked;
    if (await this.locked(sub)) return fail('locked', 'the account is locked');
    const before = await this.status(sub);
    if (!before?.smsAvailable || before.enrolled) return fail('not_enrolled', 'no SMS enrolment can be confirmed');
    const checked = await this.otp.verify({ challengeId: String(req.challengeId ?? ''), code: String(req.code ?? '') });
    if (!checked.ok) {
      if (checked.code === 'wrong_code') return this.failed(sub);
      if (checked.code === 'locked') return fail('locked', 'the account is locked');
      return fail('expired', 'the code has expired or was used up; ask for a new one');
    }
    if (checked.value.purpose !== '2fa' || checked.value.sub !== sub) return this.failed(sub);
    const codes = await this.db.transaction(async (tx) => {
      await this.upsert(tx, sub, { sms_enabled: true });
      await tx.query(`UPDATE accounts.second_factors SET failures = 0 WHERE user_id = $1`, [sub]);
      return this.replaceBackupCodes(tx, sub);
    });
    this.events.publish('user.2fa_enabled', { sub, method: 'sms' });
    return ok({ backupCodes: codes });
  }

  async smsSet(sub: string, enabled: boolean): Promise<BusReply<SecondFactorStatus & { backupCodes: string[] }, SmsSetError>> {
    const before = await this.status(sub);
    if (!before) return fail('not_found', 'no such user');
    if (enabled && !before.smsAvailable) return fail('no_verified_phone', 'the account has no verified phone');
    if (!enabled && before.sms && !before.totp) return fail('last_factor', 'SMS is the only factor: turn 2FA off instead');
    const codes = await this.db.transaction(async (tx) => {
      await this.upsert(tx, sub, { sms_enabled: enabled });
      return enabled && !before.enrolled && before.backupCodesLeft === 0 ? this.replaceBackupCodes(tx, sub) : [];
    });
    const after = (await this.status(sub))!;
    if (!before.enrolled && after.enrolled) this.events.publish('user.2fa_enabled', { sub, method: 'sms' });
    if (before.enrolled && !after.enrolled) await this.turnedOff(sub);
    return ok({ ...after, backupCodes: codes });
  }

  /** A new set of backup codes replacing the old; needs the password or a current code, like turning 2FA off. */
  async regenerateBackupCodes(req: DisableRequest): Promise<BusReply<BackupCodes, BackupRegenerateError, SecondFactorVerifyDetails>> {
    const sub = String(req.sub ?? '');
    const status = await this.status(sub);
    if (!status?.enrolled) return fail('not_enrolled', 'turn a second factor on first');
    const refused = await this.reauthenticate(sub, req);
    if (refused) return refused;
    return ok({ codes: await this.db.transaction((tx) => this.replaceBackupCodes(tx, sub)) });
  }

  /** Everything off: secret, SMS factor, backup codes, remembered browsers. Needs the password or a current code. */
  async disable(req: DisableRequest): Promise<BusReply<SecondFactorStatus, DisableError, SecondFactorVerifyDetails>> {
    const sub = String(req.sub ?? '');
    const status = await this.status(sub);
    if (!status) return fail('reauthentication_failed', 'no such user');
    const refused = await this.reauthenticate(sub, req);
    if (refused) return refused;
    await this.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE accounts.second_factors SET totp_secret_sealed = NULL, totp_pending_sealed = NULL, sms_enabled = false, failures = 0, updated_at = $2 WHERE user_id = $1`,
        [sub, this.clock.now()],
      );
      await tx.query(`DELETE FROM accounts.backup_codes WHERE user_id = $1`, [sub]);
      await tx.query(`UPDATE accounts.trusted_devices SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, [sub, this.clock.now()]);
    });
    if (status.enrolled) this.events.publish('user.2fa_disabled', { sub, reason: 'user' });
    return ok((await this.status(sub))!);
  }

  async requireSet(sub: string, required: boolean): Promise<SecondFactorStatus | null> {
    if (!(await this.status(sub))) return null;
    await this.upsert(this.db.manager, sub, { required });
    return this.status(sub);
  }

  async rememberDevice(sub: string, label: string, days: number): Promise<RememberedDeviceToken | null> {
    if (!(await this.status(sub))) return null;
    const token = randomBytes(32).toString('base64url');
    const id = randomUUID();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + days * 86400_000);
    await this.db.query(
      `INSERT INTO accounts.trusted_devices (id, user_id, token_hash, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, sub, tokenHash(token), String(label ?? '').slice(0, 200), now, expiresAt],
    );
    return { id, token, expiresAt: expiresAt.toISOString() };
  }

  /** Valid while not revoked, not expired, bound to this account, and newer than its last password change. */
  async checkDevice(sub: string, token: string): Promise<boolean> {
    if (!UUID.test(String(sub)) || typeof token !== 'string' || token.length < 20 || token.length > 100) return false;
    const now = this.clock.now();
    const found = rowsOf(
      await this.db.query(
        `UPDATE accounts.trusted_devices d SET last_used_at = $3
           FROM accounts.users u
          WHERE d.token_hash = $1 AND d.user_id = $2 AND u.id = d.user_id AND d.revoked_at IS NULL AND d.expires_at > $3
            AND (u.password_updated_at IS NULL OR u.password_updated_at <= d.created_at)
          RETURNING d.id`,
        [tokenHash(token), sub, now],
      ),
    );
    return found.length > 0;
  }

  async listDevices(sub: string): Promise<RememberedDevice[]> {
    if (!UUID.test(String(sub))) return [];
    const rows = await this.db.query(
      `SELECT d.id, d.label, d.created_at, d.expires_at, d.last_used_at FROM accounts.trusted_devices d JOIN accounts.users u ON u.id = d.user_id
        WHERE d.user_id = $1 AND d.revoked_at IS NULL AND d.expires_at > $2 AND (u.password_updated_at IS NULL OR u.password_updated_at <= d.created_at)
        ORDER BY d.created_at DESC`,
      [sub, this.clock.now()],
    );
    const iso = (v: unknown) => new Date(v as string).toISOString();
    return rows.map((r: Record<string, unknown>) => ({ id: r.id, label: r.label, createdAt: iso(r.created_at), expiresAt: iso(r.expires_at), lastUsedAt: r.last_used_at ? iso(r.last_used_at) : null }));
  }

  async revokeDevices(sub: string, id?: string): Promise<number> {
    if (!UUID.test(String(sub)) || (id !== undefined && !UUID.test(String(id)))) return 0;
    const rows = rowsOf(
      await this.db.query(
        `UPDATE accounts.trusted_devices SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL ${id ? 'AND id = $3' : ''} RETURNING id`,
        id ? [sub, this.clock.now(), id] : [sub, this.clock.now()],
      ),
    );
    return rows.length;
  }

  /** Null when the password or code is right; otherwise the refusal (a wrong one counts toward the wait). */
  private async reauthenticate(sub: string, req: DisableRequest) {
    const waiting = await this.blocked(sub);
    if (waiting) return fail('too_many_attempts', waiting.message, waiting.details);
    if (await this.reauthenticated(sub, req)) return null;
    const blocked = await this.blocked(sub);
    return blocked ? fail('too_many_attempts', blocked.message, blocked.details) : fail('reauthentication_failed', 'the password or code is wrong');
  }

  private async reauthenticated(sub: string, req: DisableRequest): Promise<boolean> {
    if (req.password) {
      const [user] = await this.db.query(`SELECT password_hash FROM accounts.users WHERE id = $1`, [sub]);
      if (user?.password_hash && Buffer.byteLength(String(req.password)) <= 72 && (await bcrypt.compare(String(req.password), user.password_hash))) return true;
      await this.failed(sub);
      return false;
    }
    if (req.code && req.smsChallengeId) return (await this.verify({ sub, method: 'sms', code: req.code, challengeId: req.smsChallengeId })).ok;
    if (req.code) {
      const method = normaliseBackupCode(req.code) ? 'backup_code' : 'totp';
      return (await this.verify({ sub, method, code: req.code })).ok;
    }
    return false;
  }

  private async replaceBackupCodes(tx: EntityManager, sub: string): Promise<string[]> {
    const codes = newBackupCodes();
    const now = this.clock.now();
    await tx.query(`DELETE FROM accounts.backup_codes WHERE user_id = $1`, [sub]);
    for (const code of codes) {
      await tx.query(`INSERT INTO accounts.backup_codes (id, user_id, code_hash, created_at) VALUES ($1, $2, $3, $4)`, [randomUUID(), sub, this.backup.hash(sub, normaliseBackupCode(code)!), now]);
    }
    return codes;
  }

  private async turnedOff(sub: string): Promise<void> {
    await this.db.query(`UPDATE accounts.trusted_devices SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, [sub, this.clock.now()]);
    this.events.publish('user.2fa_disabled', { sub, reason: 'user' });
  }

  private async blocked(sub: string): Promise<{ ok: false; code: 'too_many_attempts'; message: string; details: SecondFactorVerifyDetails } | null> {
    const [row] = await this.db.query(`SELECT blocked_until FROM accounts.second_factors WHERE user_id = $1`, [sub]);
    const until = row?.blocked_until ? new Date(row.blocked_until) : null;
    const now = this.clock.now();
    if (!until || until <= now) return null;
    const retryAfter = Math.ceil((until.getTime() - now.getTime()) / 1000);
    return { ok: false, code: 'too_many_attempts', message: `too many wrong codes; try again in ${retryAfter} seconds`, details: { retryAfter } };
  }

  /** Counts a wrong code in one statement; the MAX_FAILURES-th starts the wait. */
  private async failed(sub: string): Promise<Verdict & { ok: false }> {
    const now = this.clock.now();
    await this.upsert(this.db.manager, sub, {});
    const [row] = rowsOf<{ failures: number }>(
      await this.db.query(
        `UPDATE accounts.second_factors
            SET failures = CASE WHEN failures + 1 >= $2 THEN 0 ELSE failures + 1 END,
                blocked_until = CASE WHEN failures + 1 >= $2 THEN $3::timestamptz + make_interval(secs => $4) ELSE blocked_until END
          WHERE user_id = $1 RETURNING failures`,
        [sub, MAX_FAILURES, now, BLOCK_SECONDS],
      ),
    );
    if (!row || row.failures === 0) return fail('too_many_attempts', `too many wrong codes; try again in ${BLOCK_SECONDS} seconds`, { retryAfter: BLOCK_SECONDS });
    return fail('wrong_code', 'the code is wrong', { attemptsLeft: MAX_FAILURES - row.failures });
  }

  private async locked(sub: string): Promise<boolean> {
    const [row] = await this.db.query(`SELECT locked_at IS NOT NULL AS locked FROM accounts.users WHERE id = $1`, [sub]);
    return !!row?.locked;
  }

  private async resetFailures(sub: string): Promise<void> {
    await this.db.query(`UPDATE accounts.second_factors SET failures = 0 WHERE user_id = $1`, [sub]);
  }

  private async row(m: EntityManager, sub: string): Promise<FactorRow | null> {
    const [row] = await m.query(`SELECT * FROM accounts.second_factors WHERE user_id = $1`, [sub]);
    return row ?? null;
  }

  private async upsert(m: EntityManager, sub: string, values: Partial<Record<'totp_pending_sealed' | 'sms_enabled' | 'required', unknown>>): Promise<void> {
    const cols = Object.keys(values);
    const params = [sub, ...Object.values(values), this.clock.now()];
    const now = `$${params.length}`;
    await m.query(
      `INSERT INTO accounts.second_factors (user_id${cols.map((c) => `, ${c}`).join('')}, updated_at) VALUES ($1${cols.map((_, i) => `, $${i + 2}`).join('')}, ${now})
       ON CONFLICT (user_id) DO ${cols.length ? `UPDATE SET ${cols.map((c, i) => `${c} = $${i + 2}`).join(', ')}, updated_at = ${now}` : 'NOTHING'}`,
      params,
    );
  }
}
