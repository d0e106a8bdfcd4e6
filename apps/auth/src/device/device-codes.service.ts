import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { preparedQuery } from '@idp/database';
import { Client } from '../oidc/clients/clients.service';
import { randomToken, sha256 } from '../oidc/crypto';
import { generateUserCode } from './user-code';

export type DeviceCodeStatus = 'pending' | 'approved' | 'denied' | 'consumed';

export interface DeviceCodeRow {
  device_code_hash: string;
  user_code: string;
  client_id: string;
  scopes: string[];
  resource: string | null;
  status: DeviceCodeStatus;
  user_id: string | null;
  session_id: string | null;
  auth_time: Date | null;
  poll_interval: number;
  last_polled_at: Date | null;
  expires_at: Date;
}

/** Kontur's defaults: a device code lives 5 minutes; clients poll every 5 seconds. */
export const DEFAULT_DEVICE_CODE_TTL = 300;
export const DEFAULT_POLL_INTERVAL = 5;
/** RFC 8628 3.5: each slow_down adds 5 seconds to the interval for the rest of the code's life. */
export const SLOW_DOWN_STEP = 5;

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : []) as T[];

/** Device authorization requests (RFC 8628): the device code is stored hashed, the user code in the clear. */
@Injectable()
export class DeviceCodesService {
  constructor(
    @InjectDataSource('auth') readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  ttl(client: Client): number {
    return client.metadata.device_code_ttl ?? DEFAULT_DEVICE_CODE_TTL;
  }

  interval(client: Client): number {
    return client.metadata.device_poll_interval ?? DEFAULT_POLL_INTERVAL;
  }

  async create(client: Client, scopes: string[], resource?: string): Promise<{ deviceCode: string; userCode: string }> {
    const deviceCode = randomToken();
    for (let attempt = 0; ; attempt++) {
      const userCode = generateUserCode();
      const rows: unknown[] = await this.db.query(
        `INSERT INTO auth.device_codes (device_code_hash, user_code, client_id, scopes, resource, poll_interval, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))
         ON CONFLICT (user_code) DO NOTHING RETURNING user_code`,
        [sha256(deviceCode), userCode, client.clientId, scopes, resource ?? null, this.interval(client), this.ttl(client)],
      );
      if (rows.length) return { deviceCode, userCode };
      // A clash with a live code: a fresh draw. Expired codes are swept so they free their user code.
      if (attempt === 0) await this.db.query(`DELETE FROM auth.device_codes WHERE expires_at < now() - interval '1 hour'`);
      if (attempt > 5) throw new Error('could not allocate a unique user code');
    }
  }

  async findByUserCode(userCode: string): Promise<DeviceCodeRow | null> {
    const rows: DeviceCodeRow[] = await this.db.query(`SELECT * FROM auth.device_codes WHERE user_code = $1`, [userCode]);
    return rows[0] ?? null;
  }

  /**
   * Records a poll and tells whether it came sooner than the interval allows; a too-early poll
   * widens the interval by 5 seconds (one statement, so concurrent polls count correctly).
   */
  async poll(deviceCode: string): Promise<{ row: DeviceCodeRow; tooFast: boolean } | null> {
    const rows = await preparedQuery<DeviceCodeRow & { too_fast: boolean }>(
      this.db,
      'auth.poll_device_code',
      `UPDATE auth.device_codes d
          SET last_polled_at = now(),
              poll_interval = CASE WHEN p.prev IS NOT NULL AND now() - p.prev < make_interval(secs => d.poll_interval)
                                   THEN d.poll_interval + $2 ELSE d.poll_interval END
         FROM (SELECT last_polled_at AS prev FROM auth.device_codes WHERE device_code_hash = $1 FOR UPDATE) p
        WHERE d.device_code_hash = $1
        RETURNING d.device_code_hash, d.user_code, d.client_id, d.scopes, d.resource, d.status, d.user_id, d.session_id, d.auth_time,
                  d.poll_interval, d.last_polled_at, d.expires_at,
                  (p.prev IS NOT NULL AND now() - p.prev < make_interval(secs => d.poll_interval - $2)) AS too_fast`,
      [sha256(deviceCode), SLOW_DOWN_STEP],
    );
    const row = rows[0];
    return row ? { row, tooFast: row.too_fast } : null;
  }

  /** The user's decision; only a pending, live code can take one. */
  async decide(userCode: string, decision: { status: 'approved'; userId: string; sessionId: string; authTime: Date } | { status: 'denied' }): Promise<boolean> {
    const approved = decision.status === 'approved';
    const result = await this.db.query(
      `UPDATE auth.device_codes SET status = $2, user_id = $3, session_id = $4, auth_time = $5
        WHERE user_code = $1 AND status = 'pending' AND expires_at > now() RETURNING user_code`,
      [userCode, decision.status, approved ? decision.userId : null, approved ? decision.sessionId : null, approved ? decision.authTime : null],
    );
    return rowsOf(result).length === 1;
  }

  /** Exactly one exchange of an approved code succeeds. */
  async consume(tx: EntityManager, deviceCodeHash: string): Promise<boolean> {
    const result = await tx.query(
      `UPDATE auth.device_codes SET status = 'consumed' WHERE device_code_hash = $1 AND status = 'approved' RETURNING device_code_hash`,
      [deviceCodeHash],
    );
    return rowsOf(result).length === 1;
  }
}
