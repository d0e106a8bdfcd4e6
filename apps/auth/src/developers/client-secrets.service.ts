import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuthClock } from '../clock';
import { safeEqual } from '../oidc/crypto';
import { changedRows } from './developers-errors';

/** The longest an old secret may keep working after a new one is issued: seven days. */
export const MAX_GRACE_SECONDS = 7 * 24 * 3600;
/** last_used_at is written at most this often per secret, to keep writes off the token path. */
const TOUCH_EVERY_MS = 60_000;
const TOUCH_MEMORY = 10_000;

export interface SecretView {
  id: string;
  created_at: string;
  /** Set once a newer secret replaced it: it works until then. Null for the current secret. */
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  status: 'current' | 'grace' | 'expired' | 'revoked';
}

interface SecretRow {
  id: string;
  secret_hash: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

/**
 * Every secret a client has had, as hashes. The current one is also the client row's secret_hash
 * (so the usual check stays one cached comparison); a replaced one stays usable until its
 * expires_at, which the integrator chose when rotating, and a revoked one never again.
 */
@Injectable()
export class ClientSecretsService {
  private readonly logger = new Logger('client-secrets');
  private readonly touched = new Map<string, number>();

  constructor(
    @InjectDataSource('auth') private readonly db: DataSource,
    private readonly clock: AuthClock,
  ) {}

  /** Records a newly issued current secret; the previous current one works for `graceSeconds` more. */
  async issued(clientId: string, hash: string, graceSeconds = 0): Promise<string> {
    const now = this.clock.now();
    const until = new Date(now.getTime() + graceSeconds * 1000);
    await this.db.query(
      `UPDATE auth.client_secrets SET expires_at = $2, revoked_at = CASE WHEN $3::boolean THEN $4::timestamptz ELSE revoked_at END
        WHERE client_id = $1 AND expires_at IS NULL AND revoked_at IS NULL`,
      [clientId, until, graceSeconds === 0, now],
    );
    const id = randomUUID();
    await this.db.query(`INSERT INTO auth.client_secrets (id, client_id, secret_hash, created_at) VALUES ($1, $2, $3, $4)`, [id, clientId, hash, now]);
    return id;
  }

  /** Whether a replaced secret of the client is still within its grace period and not revoked. */
  async liveReplaced(clientId: string, hash: string): Promise<boolean> {
    const rows: SecretRow[] = await this.db.query(
      `SELECT id, secret_hash FROM auth.client_secrets
        WHERE client_id = $1 AND secret_hash = $2 AND revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at > $3`,
      [clientId, hash, this.clock.now()],
    );
    return rows.some((r) => safeEqual(r.secret_hash, hash));
  }

  /** Notes that a secret was used, writing at most once a minute per secret and never waiting for it. */
  touch(clientId: string, hash: string): void {
    const key = `${clientId}\n${hash}`;
    const now = this.clock.now();
    const last = this.touched.get(key);
    if (last !== undefined && now.getTime() - last < TOUCH_EVERY_MS) return;
    if (this.touched.size >= TOUCH_MEMORY) this.touched.clear();
    this.touched.set(key, now.getTime());
    this.db
      .query(`UPDATE auth.client_secrets SET last_used_at = $3 WHERE client_id = $1 AND secret_hash = $2`, [clientId, hash, now])
      .catch((err: Error) => this.logger.warn(`last use of a secret of ${clientId} not recorded: ${err.message}`));
  }

  async list(clientId: string): Promise<SecretView[]> {
    const rows: SecretRow[] = await this.db.query(
      `SELECT id, secret_hash, created_at, expires_at, revoked_at, last_used_at FROM auth.client_secrets WHERE client_id = $1 ORDER BY created_at DESC`,
      [clientId],
    );
    const now = this.clock.now().getTime();
    const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
    return rows.map((r) => ({
      id: r.id,
      created_at: iso(r.created_at)!,
      expires_at: iso(r.expires_at),
      revoked_at: iso(r.revoked_at),
      last_used_at: iso(r.last_used_at),
      status: r.revoked_at ? 'revoked' : !r.expires_at ? 'current' : new Date(r.expires_at).getTime() > now ? 'grace' : 'expired',
    }));
  }

  /** Revokes every live secret (the client stopped using secrets). */
  async revokeAll(clientId: string): Promise<void> {
    await this.db.query(`UPDATE auth.client_secrets SET revoked_at = $2 WHERE client_id = $1 AND revoked_at IS NULL`, [clientId, this.clock.now()]);
  }

  /** Revokes one secret at once; answers whether it was the current one (null: no such live secret). */
  async revoke(clientId: string, id: string): Promise<{ wasCurrent: boolean } | null> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return null;
    const rows = changedRows<{ expires_at: Date | null }>(await this.db.query(
      `UPDATE auth.client_secrets SET revoked_at = $3 WHERE client_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING expires_at`,
      [clientId, id, this.clock.now()],
    ));
    return rows.length ? { wasCurrent: rows[0].expires_at === null } : null;
  }
}
