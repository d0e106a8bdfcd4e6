import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { randomToken, sha256 } from '../../crypto';

/** Seconds a partial_factor_token lives, and wrong codes it survives. */
export const PARTIAL_TOKEN_TTL = 300;
export const PARTIAL_TOKEN_MAX_FAILURES = 5;

export interface PartialFactorRow {
  token_hash: string;
  client_id: string;
  user_id: string;
  scopes: string[];
  amr: string[];
  sms_challenge_id: string | null;
}

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : []) as T[];

/**
 * The password grant's "first factor passed" tokens: random, stored as a hash, bound to the client
 * and the user, short-lived, single use, and dead after PARTIAL_TOKEN_MAX_FAILURES wrong codes.
 */
@Injectable()
export class PartialFactorTokensService {
  constructor(@InjectDataSource('auth') private readonly db: DataSource) {}

  async issue(clientId: string, userId: string, scopes: string[], amr: string[]): Promise<string> {
    const token = randomToken();
    const now = new Date();
    await this.db.query(
      `INSERT INTO auth.partial_factor_tokens (token_hash, client_id, user_id, scopes, amr, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [sha256(token), clientId, userId, scopes, amr, now, new Date(now.getTime() + PARTIAL_TOKEN_TTL * 1000)],
    );
    if (Math.random() < 0.02) await this.db.query(`DELETE FROM auth.partial_factor_tokens WHERE expires_at < now() - interval '1 day'`);
    return token;
  }

  /** The live token of this client, or null (unknown, another client's, expired, used or dead). */
  async live(token: string, clientId: string): Promise<PartialFactorRow | null> {
    if (!token || token.length > 100) return null;
    const [row] = await this.db.query(
      `SELECT token_hash, client_id, user_id, scopes, amr, sms_challenge_id FROM auth.partial_factor_tokens
        WHERE token_hash = $1 AND client_id = $2 AND consumed_at IS NULL AND expires_at > now() AND failures < $3`,
      [sha256(token), clientId, PARTIAL_TOKEN_MAX_FAILURES],
    );
    return row ?? null;
  }

  async smsSent(row: PartialFactorRow, challengeId: string): Promise<void> {
    await this.db.query(`UPDATE auth.partial_factor_tokens SET sms_challenge_id = $2 WHERE token_hash = $1`, [row.token_hash, challengeId]);
  }

  async failed(row: PartialFactorRow): Promise<void> {
    await this.db.query(`UPDATE auth.partial_factor_tokens SET failures = failures + 1 WHERE token_hash = $1`, [row.token_hash]);
  }

  /** Uses the token up; of two requests at once, one wins. */
  async consume(row: PartialFactorRow): Promise<boolean> {
    const rows = rowsOf(
      await this.db.query(`UPDATE auth.partial_factor_tokens SET consumed_at = now() WHERE token_hash = $1 AND consumed_at IS NULL AND expires_at > now() RETURNING token_hash`, [row.token_hash]),
    );
    return rows.length > 0;
  }
}
