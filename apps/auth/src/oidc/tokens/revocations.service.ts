import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JWTPayload } from 'jose';
import { DataSource } from 'typeorm';
import { preparedQuery } from '@idp/database';
import { GrantRow } from './grants.service';

/** Roughly one revocation in this many also sweeps rows of tokens that have expired anyway. */
const SWEEP_EVERY = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether an access token still holds, read from the database on every check, so a revocation
 * made through one auth instance holds on all of them at once.
 */
@Injectable()
export class RevocationsService {
  constructor(@InjectDataSource('auth') private readonly db: DataSource) {}

  /** Puts the token's jti on the deny-list until the token would have expired. */
  async revokeAccessToken(jti: string, exp: number): Promise<void> {
    if (Math.random() * SWEEP_EVERY < 1) await this.db.query(`DELETE FROM auth.revoked_access_tokens WHERE expires_at < now()`);
    await this.db.query(
      `INSERT INTO auth.revoked_access_tokens (jti, expires_at) VALUES ($1, to_timestamp($2)) ON CONFLICT (jti) DO NOTHING`,
      [jti, exp],
    );
  }

  /**
   * Everything that says whether an access token still holds, in one statement: its grant (null
   * when the token has none, as client_credentials tokens, or when the grant is unknown) and
   * whether its jti is on the deny-list.
   */
  async accessTokenState(jti: string, gid: string | null): Promise<{ grant: GrantRow | null; denied: boolean }> {
    // A gid that is no grant id names no grant (rather than failing the uuid cast).
    const rows = await preparedQuery<GrantRow & { denied: boolean }>(
      this.db,
      'auth.access_token_state',
      `SELECT EXISTS (SELECT 1 FROM auth.revoked_access_tokens r WHERE r.jti = $1) AS denied,
              g.id, g.client_id, g.user_id, g.scopes, g.session_id, g.auth_time, g.amr, g.acr, g.resource, g.revoked_at, g.bin
         FROM (VALUES (1)) AS token (one) LEFT JOIN auth.grants g ON g.id = $2::uuid`,
      [jti, gid !== null && UUID.test(gid) ? gid : null],
    );
    const { denied, ...grant } = rows[0];
    return { grant: grant.id ? grant : null, denied: denied === true };
  }

  /**
   * The grant of a user's access token (one with a `gid`) while neither the token nor its grant is
   * revoked, else null: the grant names the account, as the token's sub may be pairwise.
   */
  async liveGrant(payload: JWTPayload): Promise<GrantRow | null> {
    if (typeof payload.jti !== 'string' || typeof payload.gid !== 'string') return null;
    const { grant, denied } = await this.accessTokenState(payload.jti, payload.gid);
    return !denied && grant && !grant.revoked_at ? grant : null;
  }

  /** A verified access token is active unless its jti was revoked, or its grant was (or is unknown). */
  async isAccessTokenActive(payload: JWTPayload): Promise<boolean> {
    if (typeof payload.jti !== 'string') return false;
    if (payload.gid !== undefined && typeof payload.gid !== 'string') return false;
    const { grant, denied } = await this.accessTokenState(payload.jti, payload.gid ?? null);
    if (denied) return false;
    return payload.gid === undefined || (grant !== null && grant.revoked_at === null);
  }
}
