import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Outbound } from '@idp/outbound';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { ClientsService } from '../oidc/clients/clients.service';
import { SigningKeysService } from '../oidc/keys/signing-keys.service';
import { subjectFor } from '../oidc/subjects';

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const MAX_ATTEMPTS = 8;

interface Delivery {
  id: string;
  client_id: string;
  uri: string;
  logout_token: string;
  attempts: number;
}

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : []) as T[];

/**
 * OpenID Connect Back-Channel Logout 1.0: when a session ends, every client that took part in it
 * and registered a backchannel_logout_uri gets a signed logout token. Deliveries are rows, so they
 * survive a restart; any auth instance may send them (rows are leased with SKIP LOCKED); failures
 * are retried with exponential backoff; the user's logout never waits for them.
 */
@Injectable()
export class BackchannelLogoutService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('backchannel-logout');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @InjectDataSource('auth') private readonly db: DataSource,
    private readonly clients: ClientsService,
    private readonly keys: SigningKeysService,
    private readonly outbound: Outbound,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.deliverDue(), 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Queues a logout token for each client with grants in the session, then tries to send them at once. */
  async sessionEnded(sessionId: string, userId: string): Promise<void> {
    const rows: Array<{ client_id: string }> = await this.db.query(`SELECT DISTINCT client_id FROM auth.grants WHERE session_id = $1`, [sessionId]);
    const ring = await this.keys.keyRing();
    for (const { client_id } of rows) {
      const client = await this.clients.find(client_id);
      const uri = client?.metadata.backchannel_logout_uri;
      if (!client || !uri) continue;
      const now = Math.floor(Date.now() / 1000);
      const token = await ring.sign(
        { iss: this.config.issuer, aud: client.clientId, iat: now, exp: now + 120, jti: randomUUID(), sub: subjectFor(client, userId, this.config.pairwiseSalt), sid: sessionId, events: { [EVENT]: {} } },
        'logout+jwt',
      );
      await this.db.query(`INSERT INTO auth.logout_deliveries (id, client_id, uri, logout_token) VALUES ($1, $2, $3, $4)`, [randomUUID(), client.clientId, uri, token]);
    }
    if (rows.length) void this.deliverDue();
  }

  async deliverDue(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const leased = rowsOf<Delivery>(
        await this.db.query(
          `UPDATE auth.logout_deliveries SET next_attempt_at = now() + interval '30 seconds'
            WHERE id IN (SELECT id FROM auth.logout_deliveries
                          WHERE delivered_at IS NULL AND attempts < $1 AND next_attempt_at <= now()
                          ORDER BY next_attempt_at LIMIT 20 FOR UPDATE SKIP LOCKED)
            RETURNING id, client_id, uri, logout_token, attempts`,
          [MAX_ATTEMPTS],
        ),
      );
      await Promise.all(leased.map((d) => this.send(d)));
    } catch (err) {
      this.logger.warn(`delivery round failed: ${(err as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  private async send(d: Delivery): Promise<void> {
    try {
      const res = await this.outbound.fetch(d.uri, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Cache-Control': 'no-store' },
        body: new URLSearchParams({ logout_token: d.logout_token }).toString(),
      });
      if (!res.ok) throw new Error(`answered ${res.status}`);
      await this.db.query(`UPDATE auth.logout_deliveries SET delivered_at = now(), attempts = attempts + 1 WHERE id = $1`, [d.id]);
    } catch (err) {
      const message = (err as Error).message;
      this.logger.warn(`logout token to client ${d.client_id} not delivered (attempt ${d.attempts + 1}): ${message}`);
      await this.db.query(
        `UPDATE auth.logout_deliveries SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1`,
        [d.id, message.slice(0, 500), 2 ** d.attempts],
      );
    }
  }
}
