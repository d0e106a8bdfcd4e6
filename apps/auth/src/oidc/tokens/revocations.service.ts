import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JWTPayload } from 'jose';
import { DataSource } from 'typeorm';
import { GrantsService } from './grants.service';

/** Roughly one revocation in this many also sweeps rows of tokens that have expired anyway. */
const SWEEP_EVERY = 100;

/**
 * Whether an access token still holds, read from the database on every check, so a revocation
 * made through one auth instance holds on all of them at once.
 */
@Injectable()
export class RevocationsService {
  constructor(
    @InjectDataSource('auth') private readonly db: DataSource,
    private readonly grants: GrantsService,
  ) {}

  /** Puts the token's jti on the deny-list until the token would have expired. */
  async revokeAccessToken(jti: string, exp: number): Promise<void> {
    if (Math.random() * SWEEP_EVERY < 1) await this.db.query(`DELETE FROM auth.revoked_access_tokens WHERE expires_at < now()`);
    await this.db.query(
      `INSERT INTO auth.revoked_access_tokens (jti, expires_at) VALUES ($1, to_timestamp($2)) ON CONFLICT (jti) DO NOTHING`,
      [jti, exp],
    );
  }

  /** A verified access token is active unless its jti was revoked or its grant was. */
  /** True when this access token was revoked on its own (by jti). */
  async isDenied(jti: string): Promise<boolean> {
    const denied: unknown[] = await this.db.query(`SELECT 1 FROM auth.revoked_access_tokens WHERE jti = $1`, [jti]);
    return denied.length > 0;
  }

  async isAccessTokenActive(payload: JWTPayload): Promise<boolean> {
    if (typeof payload.jti !== 'string') return false;
    if (await this.isDenied(payload.jti)) return false;
    if (payload.gid === undefined) return true;
    return typeof payload.gid === 'string' && this.grants.isGrantActive(payload.gid);
  }
}
