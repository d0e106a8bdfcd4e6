import { EventPublisher } from '@idp/bus';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConsentRecord } from '@idp/contracts';
import { ConsentClock } from './clock';

interface ConsentRow {
  user_id: string;
  client_id: string;
  scopes: string[];
  resources: string[];
  granted_at: Date | string;
  last_used_at: Date | string | null;
}

const COLUMNS = 'user_id, client_id, scopes, resources, granted_at, last_used_at';

/** Tokens are issued far more often than anyone reads the last-used time: it is written at most this often. */
const TOUCH_INTERVAL_SECONDS = 60;

@Injectable()
export class ConsentsService {
  constructor(
    @InjectDataSource('consent') private readonly db: DataSource,
    private readonly events: EventPublisher,
    private readonly clock: ConsentClock,
  ) {}

  async get(userId: string, clientId: string): Promise<ConsentRecord> {
    const rows: ConsentRow[] = await this.db.query(`SELECT ${COLUMNS} FROM consent.consents WHERE user_id = $1 AND client_id = $2`, [String(userId), String(clientId)]);
    return rows[0] ? this.view(rows[0]) : { userId, clientId, scopes: [], grantedAt: null, resources: [], lastUsedAt: null };
  }

  /** Adds scopes (and the API, if any) to what the user has granted the client; one statement, so concurrent grants merge. */
  async grant(userId: string, clientId: string, scopes: string[], resource?: string | null): Promise<ConsentRecord> {
    const clean = [...new Set(scopes.map(String))].sort();
    const resources = typeof resource === 'string' && resource ? [resource] : [];
    const rows: ConsentRow[] = await this.db.query(
      `INSERT INTO consent.consents (user_id, client_id, scopes, resources, granted_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (user_id, client_id) DO UPDATE
         SET scopes = (SELECT array_agg(DISTINCT s ORDER BY s) FROM unnest(consents.scopes || EXCLUDED.scopes) s),
             resources = (SELECT coalesce(array_agg(DISTINCT r ORDER BY r), '{}') FROM unnest(consents.resources || EXCLUDED.resources) r),
             updated_at = EXCLUDED.updated_at
       RETURNING ${COLUMNS}`,
      [String(userId), String(clientId), clean, resources, this.clock.now()],
    );
    this.events.publish('consent.granted', { sub: String(userId), client_id: String(clientId), scopes: clean });
    return this.view(rows[0]);
  }

  /**
   * Records that tokens were issued or refreshed on the consent. A single conditional UPDATE that
   * writes only when the stored time is a minute old, so a busy client costs one write a minute.
   */
  async touch(userId: string, clientId: string): Promise<boolean> {
    const now = this.clock.now();
    const result: unknown = await this.db.query(
      `UPDATE consent.consents SET last_used_at = $3
        WHERE user_id = $1 AND client_id = $2
          AND (last_used_at IS NULL OR last_used_at <= $3::timestamptz - make_interval(secs => $4))
        RETURNING user_id`,
      [String(userId), String(clientId), now, TOUCH_INTERVAL_SECONDS],
    );
    return Array.isArray(result) && Array.isArray(result[0]) && result[0].length > 0;
  }

  /** Every client the user has granted something to, oldest grant first. */
  async list(userId: string): Promise<ConsentRecord[]> {
    const rows: ConsentRow[] = await this.db.query(`SELECT ${COLUMNS} FROM consent.consents WHERE user_id = $1 ORDER BY granted_at, client_id`, [String(userId)]);
    return rows.map((r) => this.view(r));
  }

  /** Deletes the consent and answers what it was, or null when there was none. */
  async revoke(userId: string, clientId: string): Promise<ConsentRecord | null> {
    const result: unknown = await this.db.query(`DELETE FROM consent.consents WHERE user_id = $1 AND client_id = $2 RETURNING ${COLUMNS}`, [String(userId), String(clientId)]);
    // TypeORM answers a DELETE ... RETURNING as [rows, count].
    const rows = (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : []) as ConsentRow[];
    if (!rows[0]) return null;
    this.events.publish('consent.revoked', { sub: String(userId), client_id: String(clientId) });
    return this.view(rows[0]);
  }

  private view(row: ConsentRow): ConsentRecord {
    return {
      userId: row.user_id,
      clientId: row.client_id,
      scopes: row.scopes,
      grantedAt: new Date(row.granted_at).toISOString(),
      resources: row.resources ?? [],
      lastUsedAt: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
    };
  }
}
