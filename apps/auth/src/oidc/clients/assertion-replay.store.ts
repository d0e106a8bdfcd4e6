import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * Client assertions (client authentication, minutes) and grant assertions (the partner grants, up
 * to a day) are kept apart, so neither kind's jti can block the other's.
 */
export type AssertionKind = 'client' | 'grant';
const TABLES: Record<AssertionKind, string> = { client: 'auth.client_assertion_jtis', grant: 'auth.grant_assertion_jtis' };

/** Roughly one call in this many also sweeps expired rows, so the table stays small without a scheduler. */
const SWEEP_EVERY = 200;

/**
 * The jti of every accepted assertion, until the assertion expires. Kept in the database so
 * a replay is refused by every auth instance, not just the one that saw the first use.
 */
@Injectable()
export class AssertionReplayStore {
  constructor(@InjectDataSource('auth') private readonly db: DataSource) {}

  /** True when this call is the first use of the jti; one INSERT, so of concurrent uses exactly one wins. */
  async consume(clientId: string, jti: string, expiresAt: number, kind: AssertionKind = 'client'): Promise<boolean> {
    const table = TABLES[kind];
    if (Math.random() * SWEEP_EVERY < 1) await this.db.query(`DELETE FROM ${table} WHERE expires_at < now()`);
    const rows: unknown[] = await this.db.query(
      `INSERT INTO ${table} (client_id, jti, expires_at) VALUES ($1, $2, to_timestamp($3))
       ON CONFLICT DO NOTHING RETURNING jti`,
      [clientId, jti, expiresAt],
    );
    return rows.length === 1;
  }
}
