import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { randomToken, sha256 } from '../oidc/crypto';

export interface InitialAccessTokenRow {
  id: string;
  description: string | null;
  scope: string | null;
  uses_left: number | null;
  expires_at: Date | null;
  created_at: Date;
}

const USABLE = `token_hash = $1 AND (expires_at IS NULL OR expires_at > now()) AND (uses_left IS NULL OR uses_left > 0)`;

/**
 * Bearer tokens an administrator hands out so that clients may register themselves (RFC 7591 3).
 * Kept as hashes; shown once, on creation.
 */
@Injectable()
export class InitialAccessTokensService {
  constructor(@InjectDataSource('auth') private readonly db: DataSource) {}

  async create(input: { description?: string; scope?: string; maxUses?: number; expiresIn?: number }): Promise<{ token: string; row: InitialAccessTokenRow }> {
    const token = randomToken();
    const [row] = await this.db.query(
      `INSERT INTO auth.initial_access_tokens (id, token_hash, description, scope, uses_left, expires_at)
       VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::int IS NULL THEN NULL ELSE now() + make_interval(secs => $6::int) END)
       RETURNING id, description, scope, uses_left, expires_at, created_at`,
      [randomUUID(), sha256(token), input.description ?? null, input.scope ?? null, input.maxUses ?? null, input.expiresIn ?? null],
    );
    return { token, row };
  }

  list(): Promise<InitialAccessTokenRow[]> {
    return this.db.query(`SELECT id, description, scope, uses_left, expires_at, created_at FROM auth.initial_access_tokens ORDER BY created_at`);
  }

  async remove(id: string): Promise<boolean> {
    const [, affected] = await this.db.query(`DELETE FROM auth.initial_access_tokens WHERE id::text = $1`, [id]);
    return affected > 0;
  }

  /**
   * The token's scope limit when it would be accepted now (null when not); checked before the
   * metadata, so a request refused for its metadata costs no use.
   */
  async usable(token: string): Promise<{ scope: string | null } | null> {
    const rows: Array<{ scope: string | null }> = await this.db.query(`SELECT scope FROM auth.initial_access_tokens WHERE ${USABLE}`, [sha256(token)]);
    return rows[0] ?? null;
  }

  /** Takes one use in a single conditional UPDATE, so a single-use token registers exactly one client. */
  async consume(token: string): Promise<string | null> {
    const [rows] = await this.db.query(
      `UPDATE auth.initial_access_tokens SET uses_left = uses_left - 1 WHERE ${USABLE} RETURNING id`,
      [sha256(token)],
    );
    return rows[0]?.id ?? null;
  }
}
