import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccountIdentifier, IdentifierKind } from '@idp/contracts';
import { IdentifierRow, addRefusal, placementOf, primaryRefusal, successorOf } from './identifier-rules';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The users column that keeps the primary copy of each kind (claims read it). */
const COLUMN = { phone: 'phone', email: 'email' } as const satisfies Record<IdentifierKind, string>;

export const isUniqueViolation = (err: unknown) => {
  const e = err as { code?: string; driverError?: { code?: string } };
  return (e.code ?? e.driverError?.code) === '23505';
};

export const kindOf = (channel: 'sms' | 'email'): IdentifierKind => (channel === 'sms' ? 'phone' : 'email');
export const channelOf = (kind: IdentifierKind): 'sms' | 'email' => (kind === 'phone' ? 'sms' : 'email');

export function identifierView(r: IdentifierRow): AccountIdentifier {
  return { id: r.id, type: r.kind, value: r.value, verified: r.verified, primary: r.is_primary, created_at: new Date(r.created_at).toISOString() };
}

export type AttachOutcome = { ok: true; row: IdentifierRow; added: boolean } | { ok: false; code: 'taken' | 'limit' };
export type DetachOutcome = { ok: true; row: IdentifierRow; promoted: IdentifierRow | null } | { ok: false; code: 'not_found' | 'last_method' };

/**
 * The phones and e-mail addresses of accounts (accounts.user_identifiers). users.phone and
 * users.email keep the primary ones; a trigger keeps that table in step with those columns, so this
 * service changes the primary copies through them and the secondary ones directly.
 */
@Injectable()
export class IdentifiersService {
  constructor(@InjectDataSource('accounts') private readonly db: DataSource) {}

  async rows(sub: string, q: DataSource | EntityManager = this.db): Promise<IdentifierRow[]> {
    if (!UUID.test(String(sub))) return [];
    return q.query(`SELECT * FROM accounts.user_identifiers WHERE user_id = $1 ORDER BY kind DESC, is_primary DESC, created_at, value`, [sub]);
  }

  async list(sub: string): Promise<AccountIdentifier[]> {
    return (await this.rows(sub)).map(identifierView);
  }

  /** The live account that has this phone or address verified, primary or not. */
  async verifiedOwner(kind: IdentifierKind, value: string): Promise<string | null> {
    const [row] = await this.db.query(
      `SELECT i.user_id FROM accounts.user_identifiers i JOIN accounts.users u ON u.id = i.user_id
        WHERE i.kind = $1 AND i.value = $2 AND i.verified AND u.deleted_at IS NULL`,
      [kind, value],
    );
    return row?.user_id ?? null;
  }

  /** Whether the account can take this value: refused when it has it or is full, or another account has it verified. */
  async addRefusal(sub: string, kind: IdentifierKind, value: string): Promise<'taken' | 'already_added' | 'limit' | null> {
    const own = addRefusal(await this.rows(sub), kind, value);
    if (own) return own;
    const owner = await this.verifiedOwner(kind, value);
    return owner && owner !== sub ? 'taken' : null;
  }

  /**
   * Makes a proven value the account's, verified: primary when the account has no verified
   * primary of its kind, secondary otherwise. Another account's unverified claim on it is released
   * (the code proved who owns it); another account's verified hold wins, by the unique index.
   */
  async attach(sub: string, kind: IdentifierKind, value: string): Promise<AttachOutcome> {
    const column = COLUMN[kind];
    try {
      return await this.db.transaction(async (tx) => {
        await tx.query(`SELECT id FROM accounts.users WHERE id = $1 FOR UPDATE`, [sub]);
        const own = await this.rows(sub, tx);
        const refusal = addRefusal(own, kind, value);
        if (refusal === 'already_added') return { ok: true as const, row: own.find((r) => r.kind === kind && r.value === value)!, added: false };
        if (refusal) return { ok: false as const, code: refusal };
        await tx.query(`UPDATE accounts.users SET ${column} = NULL, ${column}_verified = false, updated_at = now() WHERE ${column} = $1 AND NOT ${column}_verified AND id <> $2`, [value, sub]);
        if (placementOf(own, kind) === 'primary') {
          await tx.query(`UPDATE accounts.users SET ${column} = $2, ${column}_verified = true, updated_at = now() WHERE id = $1`, [sub, value]);
        } else {
          await tx.query(`INSERT INTO accounts.user_identifiers (user_id, kind, value, verified, is_primary) VALUES ($1, $2, $3, true, false)`, [sub, kind, value]);
        }
        const [row] = await tx.query(`SELECT * FROM accounts.user_identifiers WHERE user_id = $1 AND kind = $2 AND value = $3`, [sub, kind, value]);
        return { ok: true as const, row, added: true };
      });
    } catch (err) {
      if (isUniqueViolation(err)) return { ok: false, code: 'taken' };
      throw err;
    }
  }

  /**
   * Removes one identifier. A primary one hands over to the oldest other verified one of its kind;
   * without one, `keepsAWayIn` decides whether the account could still sign in.
   */
  async detach(sub: string, id: string, keepsAWayIn: (removed: IdentifierRow) => boolean): Promise<DetachOutcome> {
    if (!UUID.test(String(id))) return { ok: false, code: 'not_found' };
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT id FROM accounts.users WHERE id = $1 FOR UPDATE`, [sub]);
      const own = await this.rows(sub, tx);
      const row = own.find((r) => r.id === id);
      if (!row) return { ok: false as const, code: 'not_found' as const };
      const successor = successorOf(own, row);
      const column = COLUMN[row.kind];
      if (row.is_primary && successor) {
        await tx.query(`UPDATE accounts.user_identifiers SET is_primary = false WHERE id = $1`, [row.id]);
        await tx.query(`UPDATE accounts.users SET ${column} = $2, ${column}_verified = true, updated_at = now() WHERE id = $1`, [sub, successor.value]);
        await tx.query(`DELETE FROM accounts.user_identifiers WHERE id = $1`, [row.id]);
      } else if (row.is_primary) {
        if (!keepsAWayIn(row)) return { ok: false as const, code: 'last_method' as const };
        await tx.query(
          `UPDATE accounts.users SET ${column} = NULL, ${column}_verified = false, updated_at = now(),
                  primary_identifier = CASE WHEN primary_identifier = $2 THEN NULL ELSE primary_identifier END WHERE id = $1`,
          [sub, row.kind],
        );
      } else {
        await tx.query(`DELETE FROM accounts.user_identifiers WHERE id = $1`, [row.id]);
      }
      return { ok: true as const, row, promoted: row.is_primary ? successor : null };
    });
  }

  /** Makes a verified identifier the primary one of its kind; the old primary stays as a secondary one. */
  async makePrimary(sub: string, id: string): Promise<{ ok: true; row: IdentifierRow; changed: boolean } | { ok: false; code: 'not_found' | 'unverified' }> {
    if (!UUID.test(String(id))) return { ok: false, code: 'not_found' };
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT id FROM accounts.users WHERE id = $1 FOR UPDATE`, [sub]);
      const row = (await this.rows(sub, tx)).find((r) => r.id === id);
      const refusal = primaryRefusal(row);
      if (refusal) return { ok: false as const, code: refusal };
      if (row!.is_primary) return { ok: true as const, row: row!, changed: false };
      const column = COLUMN[row!.kind];
      // An unverified primary proves nothing: it goes rather than staying as a secondary.
      await tx.query(`DELETE FROM accounts.user_identifiers WHERE user_id = $1 AND kind = $2 AND is_primary AND NOT verified`, [sub, row!.kind]);
      await tx.query(`UPDATE accounts.user_identifiers SET is_primary = false WHERE user_id = $1 AND kind = $2 AND is_primary`, [sub, row!.kind]);
      await tx.query(`UPDATE accounts.users SET ${column} = $2, ${column}_verified = true, updated_at = now() WHERE id = $1`, [sub, row!.value]);
      return { ok: true as const, row: row!, changed: true };
    });
  }
}
