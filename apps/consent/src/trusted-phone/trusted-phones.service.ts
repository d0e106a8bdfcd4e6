import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BusReply, TrustedPhoneConsumeError, TrustedPhoneSecret, fail, ok } from '@idp/contracts';
import { ConsentClock } from '../clock';

/** Aitu's rule: a confirmation lives 60 minutes. */
export const TRUSTED_PHONE_TTL_SECONDS = 3600;

interface ConfirmationRow {
  client_id: string;
  phone: string;
  expires_at: Date | string;
  consumed_at: Date | string | null;
}

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

/**
 * Partner-verified phones: a partner that confirmed a phone itself gets a one-time secret; passed
 * back with the same phone at the authorization endpoint, it stands in for the SMS code. The secret
 * has 256 random bits, so a plain SHA-256 at rest is enough (nothing to brute-force).
 */
@Injectable()
export class TrustedPhonesService {
  constructor(
    @InjectDataSource('consent') private readonly db: DataSource,
    private readonly clock: ConsentClock,
  ) {}

  async issue(clientId: string, phone: string): Promise<TrustedPhoneSecret> {
    const secret = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await this.db.query(
      `INSERT INTO consent.trusted_phone_confirmations (secret_hash, client_id, phone, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [hash(secret), clientId, phone, now, new Date(now.getTime() + TRUSTED_PHONE_TTL_SECONDS * 1000)],
    );
    // Expired confirmations are of no use to anyone: swept as new ones come in.
    await this.db.query(`DELETE FROM consent.trusted_phone_confirmations WHERE expires_at < $1::timestamptz - interval '1 day'`, [now]);
    return { secret, expiresIn: TRUSTED_PHONE_TTL_SECONDS };
  }

  /** Uses the secret up in one conditional UPDATE (of concurrent uses one wins); otherwise says why not. */
  async consume(clientId: string, phone: string, secret: string): Promise<BusReply<{ phone: string }, TrustedPhoneConsumeError>> {
    const key = hash(secret);
    const now = this.clock.now();
    const result: unknown = await this.db.query(
      `UPDATE consent.trusted_phone_confirmations SET consumed_at = $4
        WHERE secret_hash = $1 AND client_id = $2 AND phone = $3 AND consumed_at IS NULL AND expires_at > $4
        RETURNING phone`,
      [key, clientId, phone, now],
    );
    const rows = (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : []) as Array<{ phone: string }>;
    if (rows[0]) return ok({ phone: rows[0].phone });
    const [row]: ConfirmationRow[] = await this.db.query(
      `SELECT client_id, phone, expires_at, consumed_at FROM consent.trusted_phone_confirmations WHERE secret_hash = $1`,
      [key],
    );
    if (!row) return fail('unknown', 'no such confirmation');
    if (row.client_id !== clientId || row.phone !== phone) return fail('foreign', 'the confirmation was issued to another client or for another phone');
    if (row.consumed_at) return fail('used', 'the confirmation was already used');
    return fail('expired', 'the confirmation has expired');
  }
}
