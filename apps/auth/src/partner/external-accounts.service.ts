import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** A partner's user ids are opaque to us; this bounds what we store and what a grant's `sub` may be. */
export const MAX_SERVICE_USER_ID_LENGTH = 255;

export interface ExternalAccountRow {
  client_id: string;
  service_user_id: string;
  user_id: string;
  created_at: Date;
}

/**
 * A partner's own user ids linked to accounts, per partner client. Auth keeps them: they belong to a
 * client (which auth owns) and are read on every partner grant; accounts never needs to know a
 * partner exists.
 */
@Injectable()
export class ExternalAccountsService {
  constructor(@InjectDataSource('auth') private readonly db: DataSource) {}

  /** The new link, or null when the partner already linked this service_user_id (one INSERT, so of two racing links one wins). */
  async link(clientId: string, serviceUserId: string, userId: string): Promise<ExternalAccountRow | null> {
    const rows: ExternalAccountRow[] = await this.db.query(
      `INSERT INTO auth.external_accounts (client_id, service_user_id, user_id) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING *`,
      [clientId, serviceUserId, userId],
    );
    return rows[0] ?? null;
  }

  async unlink(clientId: string, serviceUserId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `DELETE FROM auth.external_accounts WHERE client_id = $1 AND service_user_id = $2 RETURNING service_user_id`,
      [clientId, serviceUserId],
    );
    // DELETE ... RETURNING through TypeORM answers [rows, count].
    return Array.isArray(rows[0]) ? (rows[0] as unknown[]).length > 0 : rows.length > 0;
  }

  /** The account behind a partner's user id, or null when the partner never linked it. */
  async userFor(clientId: string, serviceUserId: string): Promise<string | null> {
    const rows: Array<{ user_id: string }> = await this.db.query(
      `SELECT user_id FROM auth.external_accounts WHERE client_id = $1 AND service_user_id = $2`,
      [clientId, serviceUserId],
    );
    return rows[0]?.user_id ?? null;
  }
}
