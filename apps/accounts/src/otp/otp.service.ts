import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import {
  BusReply,
  OtpChallenge,
  OtpSendDetails,
  OtpSendError,
  OtpSendRequest,
  OtpVerified,
  OtpVerifyDetails,
  OtpVerifyError,
  OtpVerifyRequest,
  fail,
  ok,
} from '@idp/contracts';
import { Clock } from '../clock/clock';
import { DeliveryService } from '../delivery/delivery.service';
import { normaliseDestination } from '../users/identifiers';
import { UsersService } from '../users/users.service';
import { CodeHasher, generateCode, normaliseCode } from './otp-code';
import { codeSubject, codeText } from './otp-messages';
import { SendStats, sendVerdict } from './send-policy';

/** Advisory-lock namespaces: sends to one destination, and sends from one IP, happen one at a time. */
const LOCK_DESTINATION = 7301;
const LOCK_IP = 7302;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : []) as T[];

/**
 * One-time codes: challenges are stored with the code hashed, live OTP_TTL seconds, survive
 * OTP_MAX_ATTEMPTS wrong entries, and a new one goes to the same destination at most every
 * OTP_RESEND_INTERVAL seconds, within hourly and daily ceilings per destination and per IP.
 * Every time comes from the injected Clock.
 */
@Injectable()
export class OtpService {
  private readonly hasher: CodeHasher;

  constructor(
    @InjectDataSource('accounts') private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly delivery: DeliveryService,
    private readonly users: UsersService,
  ) {
    this.hasher = new CodeHasher(config.keyEncryptionKey);
  }

  /**
   * deliver=false stores the challenge and applies every rule but sends nothing (recovery for an
   * identifier no account has: the answer must not differ). userId binds a verification code to
   * the account that asked for it.
   */
  async send(req: OtpSendRequest, opts: { deliver?: boolean; userId?: string } = {}): Promise<BusReply<OtpChallenge, OtpSendError, OtpSendDetails>> {
    const channel = req.channel === 'email' ? 'email' : 'sms';
    const destination = normaliseDestination(channel, String(req.destination ?? ''), this.config.phoneRegion);
    if (!destination) return fail('invalid_destination', channel === 'sms' ? 'not a valid phone number' : 'not a valid e-mail address');
    const purpose = req.purpose;
    const ip = String(req.ip ?? '') || 'unknown';
    const rules = this.config.otp;
    const now = this.clock.now();
    const code = generateCode();
    const id = randomUUID();

    const refused = await this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [LOCK_DESTINATION, destination]);
      await tx.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [LOCK_IP, ip]);
      const verdict = sendVerdict(await this.stats(tx, destination, purpose, ip, now), now, rules);
      if (verdict) return verdict;
      // Only the newest code for a destination and purpose works.
      await tx.query(`UPDATE accounts.otp_challenges SET consumed_at = $3 WHERE destination = $1 AND purpose = $2 AND consumed_at IS NULL`, [destination, purpose, now]);
      await tx.query(
        `INSERT INTO accounts.otp_challenges (id, channel, destination, purpose, code_hash, ip, created_at, expires_at, user_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [id, channel, destination, purpose, this.hasher.hash(id, code), ip, now, new Date(now.getTime() + rules.ttl * 1000), opts.userId ?? null],
      );
      return null;
    });
    if (refused) return fail(refused.code, refused.message, { retryAfter: refused.retryAfter });

    const locale = req.locale === 'en' ? 'en' : 'ru';
    if (opts.deliver !== false) this.delivery.deliver({ channel, to: destination, purpose, code, subject: codeSubject(locale), text: codeText(locale, purpose, code, rules.ttl) });
    if (Math.random() < 0.02) await this.sweep(now);
    return ok({ challengeId: id, channel, destination, expiresIn: rules.ttl, resendIn: rules.resendInterval });
  }

  async verify(req: OtpVerifyRequest): Promise<BusReply<OtpVerified, OtpVerifyError, OtpVerifyDetails>> {
    const id = String(req.challengeId ?? '');
    if (!UUID.test(id)) return fail('expired', 'no such code');
    const now = this.clock.now();
    const max = this.config.otp.maxAttempts;
    // The attempt is counted before the code is compared, in one conditional statement: however
    // many checks run at once, no more than maxAttempts of them ever get to compare.
    const reserved = rowsOf<{ code_hash: string; attempts: number; channel: OtpVerified['channel']; destination: string; purpose: OtpVerified['purpose']; user_id: string | null }>(
      await this.db.query(
        `UPDATE accounts.otp_challenges SET attempts = attempts + 1
          WHERE id = $1 AND consumed_at IS NULL AND expires_at > $2 AND attempts < $3
          RETURNING code_hash, attempts, channel, destination, purpose, user_id`,
        [id, now, max],
      ),
    )[0];
    if (!reserved) return this.whyNot(id, now);

    const code = normaliseCode(req.code);
    if (!code || !this.hasher.matches(id, code, reserved.code_hash)) {
      const attemptsLeft = max - reserved.attempts;
      return attemptsLeft > 0
        ? fail('wrong_code', 'the code is wrong', { attemptsLeft })
        : fail('attempts_exhausted', 'too many wrong codes; ask for a new one', { attemptsLeft: 0 });
    }
    const consumed = rowsOf(await this.db.query(`UPDATE accounts.otp_challenges SET consumed_at = $2 WHERE id = $1 AND consumed_at IS NULL RETURNING id`, [id, now]));
    if (!consumed.length) return fail('expired', 'the code was already used');

    const { channel, destination, purpose } = reserved;
    const signIn = purpose === 'login' || purpose === 'registration';
    const account = signIn
      ? await this.users.signInWithIdentifier(channel, destination)
      : purpose === 'verification'
        ? { sub: reserved.user_id ?? '', created: false }
        : { sub: (await this.users.ownerOf(channel, destination)) ?? '', created: false };
    if (account.sub && (await this.users.isLocked(account.sub))) return fail('locked', 'the account is locked');
    if (signIn && !account.created && !(await this.users.methodAllowed(account.sub, channel === 'sms' ? 'phone_otp' : 'email_otp'))) {
      return fail('method_disabled', 'the owner has switched this sign-in method off');
    }
    return ok({ channel, destination, purpose, ...account });
  }

  private async whyNot(id: string, now: Date): Promise<BusReply<never, OtpVerifyError, OtpVerifyDetails>> {
    const [row] = await this.db.query(`SELECT attempts, expires_at, consumed_at FROM accounts.otp_challenges WHERE id = $1`, [id]);
    if (row && !row.consumed_at && new Date(row.expires_at) > now) {
      return fail('attempts_exhausted', 'too many wrong codes; ask for a new one', { attemptsLeft: 0 });
    }
    return fail('expired', 'the code has expired or was already used');
  }

  private async stats(tx: EntityManager, destination: string, purpose: string, ip: string, now: Date): Promise<SendStats> {
    const [row] = await tx.query(
      `SELECT max(created_at) FILTER (WHERE destination = $1 AND purpose = $2) AS last_sent,
              count(*) FILTER (WHERE destination = $1 AND created_at > $4::timestamptz - interval '1 hour')::int AS dest_hour,
              min(created_at) FILTER (WHERE destination = $1 AND created_at > $4::timestamptz - interval '1 hour') AS dest_hour_oldest,
              count(*) FILTER (WHERE destination = $1)::int AS dest_day,
              min(created_at) FILTER (WHERE destination = $1) AS dest_day_oldest,
              count(*) FILTER (WHERE ip = $3 AND created_at > $4::timestamptz - interval '1 hour')::int AS ip_hour,
              min(created_at) FILTER (WHERE ip = $3 AND created_at > $4::timestamptz - interval '1 hour') AS ip_hour_oldest,
              count(*) FILTER (WHERE ip = $3)::int AS ip_day,
              min(created_at) FILTER (WHERE ip = $3) AS ip_day_oldest
         FROM accounts.otp_challenges
        WHERE (destination = $1 OR ip = $3) AND created_at > $4::timestamptz - interval '1 day' AND created_at <= $4`,
      [destination, purpose, ip, now],
    );
    const date = (v: unknown) => (v ? new Date(v as string) : null);
    return {
      lastSent: date(row.last_sent),
      destination: { hour: { count: row.dest_hour, oldest: date(row.dest_hour_oldest) }, day: { count: row.dest_day, oldest: date(row.dest_day_oldest) } },
      ip: { hour: { count: row.ip_hour, oldest: date(row.ip_hour_oldest) }, day: { count: row.ip_day, oldest: date(row.ip_day_oldest) } },
    };
  }

  /** Rows older than the longest ceiling window count for nothing any more. */
  private async sweep(now: Date): Promise<void> {
    await this.db.query(`DELETE FROM accounts.otp_challenges WHERE created_at < $1::timestamptz - interval '2 days'`, [now]);
    await this.db.query(`DELETE FROM accounts.outbox WHERE created_at < $1::timestamptz - interval '2 days'`, [now]);
  }
}
