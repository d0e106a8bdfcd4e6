import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { preparedQuery } from '@idp/database';
import { randomToken, sha256 } from '../crypto';
import { REDEEM_CODE_SQL, ROTATE_REFRESH_SQL, Redemption, codeRedemptionOf, refreshRedemptionOf } from './redemptions';

export interface GrantRow {
  id: string;
  client_id: string;
  user_id: string;
  scopes: string[];
  session_id: string | null;
  auth_time: Date;
  amr: string[];
  acr: string | null;
  /** The API (RFC 8707) the authorization was given for, or null. */
  resource: string | null;
  revoked_at: Date | null;
  /** Aitu's organisation number (for the `ul_sign` scope), or null. */
  bin?: string | null;
}

export interface CodeRow {
  code_hash: string;
  grant_id: string;
  client_id: string;
  redirect_uri: string;
  scopes: string[];
  nonce: string | null;
  code_challenge: string | null;
  expires_at: Date;
  consumed_at: Date | null;
}

export interface RefreshRow {
  token_hash: string;
  grant_id: string;
  client_id: string;
  user_id: string;
  scopes: string[];
  created_at: Date;
  expires_at: Date;
  consumed_at: Date | null;
}

export interface NewGrant {
  clientId: string;
  userId: string;
  scopes: string[];
  sessionId: string | null;
  authTime: Date;
  amr?: string[];
  acr?: string | null;
  resource?: string | null;
  bin?: string | null;
}

/** An UPDATE ... RETURNING through TypeORM answers [rows, count]. */
const updatedRows = <T>(result: unknown): T[] => (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : []) as T[];

/**
 * Grants and the single-use artifacts issued from them. Every consumption is one conditional
 * UPDATE, so of concurrent redemptions exactly one wins.
 */
@Injectable()
export class GrantsService {
  constructor(
    @InjectDataSource('auth') readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async createGrantWithCode(
    grant: NewGrant,
    code: { redirectUri: string; nonce?: string; codeChallenge?: string },
  ): Promise<{ grantId: string; code: string; grant: GrantRow }> {
    const grantId = randomUUID();
    const value = randomToken();
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO auth.grants (id, client_id, user_id, scopes, session_id, auth_time, amr, acr, resource, bin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [grantId, grant.clientId, grant.userId, grant.scopes, grant.sessionId, grant.authTime, grant.amr ?? [], grant.acr ?? null, grant.resource ?? null, grant.bin ?? null],
      );
      await tx.query(
        `INSERT INTO auth.authorization_codes (code_hash, grant_id, client_id, redirect_uri, scopes, nonce, code_challenge, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))`,
        [sha256(value), grantId, grant.clientId, code.redirectUri, grant.scopes, code.nonce ?? null, code.codeChallenge ?? null, this.config.ttl.code],
      );
    });
    const row: GrantRow = { id: grantId, client_id: grant.clientId, user_id: grant.userId, scopes: grant.scopes, session_id: grant.sessionId, auth_time: grant.authTime, amr: grant.amr ?? [], acr: grant.acr ?? null, resource: grant.resource ?? null, revoked_at: null, bin: grant.bin ?? null };
    return { grantId, code: value, grant: row };
  }

  /** A grant without a code (the device flow issues tokens straight from it). */
  async createGrant(tx: EntityManager, grant: NewGrant): Promise<GrantRow> {
    const rows: GrantRow[] = await tx.query(
      `INSERT INTO auth.grants (id, client_id, user_id, scopes, session_id, auth_time, amr, acr, resource, bin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
      [randomUUID(), grant.clientId, grant.userId, grant.scopes, grant.sessionId, grant.authTime, grant.amr ?? [], grant.acr ?? null, grant.resource ?? null, grant.bin ?? null],
    );
    return rows[0];
  }

  async findGrant(id: string, tx: EntityManager = this.db.manager): Promise<GrantRow | null> {
    const rows: GrantRow[] = await tx.query(`SELECT * FROM auth.grants WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /**
   * The whole code exchange in one statement (see redemptions.ts): null for an unknown code.
   * `pkce` is the S256 of the presented verifier (or any non-challenge for a malformed one), null
   * when none was presented; `resource`/`resourceScopes` the asked API and its scopes.
   */
  async redeemCode(input: {
    code: string;
    clientId: string;
    redirectUri: string;
    pkce: string | null;
    resource: string | null;
    resourceScopes: string[] | null;
    refreshAllowed: boolean;
    refreshTtl: number;
  }): Promise<({ code: CodeRow; refreshToken?: string } & Redemption) | null> {
    const refreshToken = randomToken('hex');
    const rows = await preparedQuery<Record<string, unknown>>(this.db, 'auth.redeem_code', REDEEM_CODE_SQL, [
      sha256(input.code), input.clientId, input.redirectUri, input.pkce, input.resource, input.resourceScopes, input.refreshAllowed, sha256(refreshToken), input.refreshTtl,
    ]);
    if (!rows[0]) return null;
    const redemption = codeRedemptionOf(rows[0]);
    return { ...redemption, refreshToken: redemption.refreshIssued ? refreshToken : undefined };
  }

  /** Refresh-token rotation with reuse detection in one statement (see redemptions.ts). */
  async rotateRefreshToken(input: {
    token: string;
    clientId: string;
    scopes: string[] | null;
    resource: string | null;
    resourceScopes: string[] | null;
    refreshTtl: number;
  }): Promise<({ token: RefreshRow; refreshToken?: string } & Redemption) | null> {
    const refreshToken = randomToken('hex');
    const rows = await preparedQuery<Record<string, unknown>>(this.db, 'auth.rotate_refresh', ROTATE_REFRESH_SQL, [
      sha256(input.token), input.clientId, input.scopes, input.resource, input.resourceScopes, sha256(refreshToken), input.refreshTtl,
    ]);
    if (!rows[0]) return null;
    const redemption = refreshRedemptionOf(rows[0]);
    return { ...redemption, refreshToken: redemption.refreshIssued ? refreshToken : undefined };
  }

  async findRefreshToken(token: string): Promise<RefreshRow | null> {
    const rows = await preparedQuery<RefreshRow>(
      this.db,
      'auth.find_refresh_token',
      `SELECT token_hash, grant_id, client_id, user_id, scopes, created_at, expires_at, consumed_at FROM auth.refresh_tokens WHERE token_hash = $1`,
      [sha256(token)],
    );
    return rows[0] ?? null;
  }

  /** A new opaque refresh token (64 hex characters) for the grant. */
  async issueRefreshToken(tx: EntityManager, grant: GrantRow, scopes: string[], ttlSeconds: number): Promise<string> {
    const token = randomToken('hex');
    await tx.query(
      `INSERT INTO auth.refresh_tokens (token_hash, grant_id, client_id, user_id, scopes, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
      [sha256(token), grant.id, grant.client_id, grant.user_id, scopes, ttlSeconds],
    );
    return token;
  }

  /** Revokes a grant: its refresh tokens stop working and its access tokens stop validating. */
  /** Revokes every live grant of a user (an account locked, all sessions ended by an administrator). */
  async revokeUserGrants(userId: string, reason: string): Promise<number> {
    const result = await this.db.query(`UPDATE auth.grants SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`, [userId, reason]);
    return updatedRows(result).length;
  }

  async revokeGrant(id: string, reason: string): Promise<void> {
    await this.db.query(`UPDATE auth.grants SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`, [id, reason]);
  }

  /** Revokes every live grant of the user for the client (a withdrawn consent); answers how many. */
  async revokeUserClientGrants(userId: string, clientId: string, reason: string): Promise<number> {
    const result = await this.db.query(
      `UPDATE auth.grants SET revoked_at = now(), revoked_reason = $3 WHERE user_id = $1 AND client_id = $2 AND revoked_at IS NULL RETURNING id`,
      [userId, clientId, reason],
    );
    return updatedRows(result).length;
  }

  async isGrantActive(id: string): Promise<boolean> {
    const rows: Array<{ revoked_at: Date | null }> = await this.db.query(`SELECT revoked_at FROM auth.grants WHERE id = $1`, [id]);
    return rows.length === 1 && rows[0].revoked_at === null;
  }
}
