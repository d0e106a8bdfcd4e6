import { EventPublisher } from '@idp/bus';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConsentRecord } from '@idp/contracts';

interface ConsentRow {
  user_id: string;
  client_id: string;
  scopes: string[];
  granted_at: Date | string;
}

@Injectable()
export class ConsentsService {
  constructor(
    @InjectDataSource('consent') private readonly db: DataSource,
    private readonly events: EventPublisher,
  ) {}

  async get(userId: string, clientId: string): Promise<ConsentRecord> {
    const rows: ConsentRow[] = await this.db.query(
      'SELECT user_id, client_id, scopes, granted_at FROM consent.consents WHERE user_id = $1 AND client_id = $2',
      [String(userId), String(clientId)],
    );
    return rows[0] ? this.view(rows[0]) : { userId, clientId, scopes: [], grantedAt: null };
  }

  /** Adds scopes to what the user has granted the client; one statement, so concurrent grants merge. */
  async grant(userId: string, clientId: string, scopes: string[]): Promise<ConsentRecord> {
    const clean = [...new Set(scopes.map(String))].sort();
    const rows: ConsentRow[] = await this.db.query(
      `INSERT INTO consent.consents (user_id, client_id, scopes, granted_at, updated_at)
       VALUES ($1, $2, $3, now(), now())
       ON CONFLICT (user_id, client_id) DO UPDATE
         SET scopes = (SELECT array_agg(DISTINCT s ORDER BY s) FROM unnest(consents.scopes || EXCLUDED.scopes) s),
             updated_at = now()
       RETURNING user_id, client_id, scopes, granted_at`,
      [String(userId), String(clientId), clean],
    );
    this.events.publish('consent.granted', { sub: String(userId), client_id: String(clientId), scopes: clean });
    return this.view(rows[0]);
  }

  /** Every client the user has granted something to, oldest grant first. */
  async list(userId: string): Promise<ConsentRecord[]> {
    const rows: ConsentRow[] = await this.db.query(
      'SELECT user_id, client_id, scopes, granted_at FROM consent.consents WHERE user_id = $1 ORDER BY granted_at, client_id',
      [String(userId)],
    );
    return rows.map((r) => this.view(r));
  }

  /** Deletes the consent and answers what it was, or null when there was none. */
  async revoke(userId: string, clientId: string): Promise<ConsentRecord | null> {
    const result: unknown = await this.db.query(
      'DELETE FROM consent.consents WHERE user_id = $1 AND client_id = $2 RETURNING user_id, client_id, scopes, granted_at',
      [String(userId), String(clientId)],
    );
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
    };
  }
}
