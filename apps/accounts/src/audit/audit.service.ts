import { EventPublisher } from '@idp/bus';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditContext, AuditEntry, DomainEventType, DomainEvents } from '@idp/contracts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Long enough for any real user agent; a longer one is cut, not refused. */
const MAX_TEXT = 400;

const clip = (v: unknown): string | null => (typeof v === 'string' && v ? v.slice(0, MAX_TEXT) : null);

/**
 * The security trail of each account: what happened (user.* event types and cabinet actions),
 * when, from which address, browser and client. Kept in accounts.audit_events, newest first.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('audit');

  constructor(
    @InjectDataSource('accounts') private readonly db: DataSource,
    private readonly events: EventPublisher,
  ) {}

  /** Publishes the domain event as before, and keeps it in the user's trail. */
  async event<T extends DomainEventType>(type: T, data: DomainEvents[T] & { sub: string }, context: AuditContext = {}): Promise<void> {
    this.events.publish(type, data);
    const { sub, ...rest } = data;
    await this.record(type, sub, context, rest);
  }

  /**
   * A change of the user's claims that the trail names in its own words (a new login, photo or
   * flag), or not at all: only the event, so whoever keeps a copy of the claims drops it.
   */
  claimsChanged(sub: string, fields: string[]): void {
    this.events.publish('user.profile_updated', { sub, fields });
  }

  /** A trail entry; a failure to write it is logged and never fails the action it describes. */
  async record(type: string, sub: string, context: AuditContext = {}, data: Record<string, unknown> = {}): Promise<boolean> {
    if (!UUID.test(String(sub)) || typeof type !== 'string' || !/^[a-z0-9_.]{1,64}$/.test(type)) return false;
    try {
      await this.db.query(
        `INSERT INTO accounts.audit_events (type, user_id, ip, user_agent, client_id, data) VALUES ($1, $2, $3, $4, $5, $6)`,
        [type, sub, clip(context?.ip), clip(context?.user_agent), clip(context?.client_id), Object.keys(data ?? {}).length ? JSON.stringify(data) : null],
      );
      return true;
    } catch (err) {
      this.logger.warn(`audit entry ${type} not kept: ${(err as Error).message}`);
      return false;
    }
  }

  async list(sub: string, limit = 50): Promise<AuditEntry[]> {
    if (!UUID.test(String(sub))) return [];
    const take = Math.min(Math.max(Number(limit) || 50, 1), 500);
    const rows: Array<{ at: Date; type: string; ip: string | null; user_agent: string | null; client_id: string | null; data: Record<string, unknown> | null }> = await this.db.query(
      `SELECT at, type, ip, user_agent, client_id, data FROM accounts.audit_events WHERE user_id = $1 ORDER BY id DESC LIMIT $2`,
      [sub, take],
    );
    return rows.map((r) => ({ at: new Date(r.at).toISOString(), type: r.type, ip: r.ip, user_agent: r.user_agent, client_id: r.client_id, data: r.data }));
  }
}
