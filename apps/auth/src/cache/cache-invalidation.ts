import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { NatsConnection, StringCodec, connect } from 'nats';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { EventPublisher, InProcessEventPublisher } from '@idp/bus';
import { DomainEvent, EVENT_SUBJECT_PREFIX } from '@idp/contracts';
import { usersChangedBy } from './user-events';

/**
 * What an auth instance keeps a copy of. `key` names one entry; none means all of the topic.
 * 'user' (a user's claims, keyed by the user id) is dropped on the accounts app's domain events.
 */
export type CacheTopic = 'client' | 'resources' | 'keys' | 'user';
export interface Invalidation {
  topic: CacheTopic;
  key?: string;
  /** The instance (process) that changed the row; it has already dropped its own copy. */
  origin: string;
}

/** Plain NATS (no JetStream: a missed message is covered by the caches' lifetime). */
export const CACHE_INVALIDATION_SUBJECT = 'idp.cache.v1.invalidate';

/** How long a cached row may live without an invalidation reaching us. */
export const CACHE_TTL_MS = 30_000;

/**
 * Tells every auth instance (and every worker of each) that a cached row changed. The instance
 * that made the change drops its copy before answering; the others on the bus message.
 */
export abstract class CacheInvalidation {
  protected readonly origin = randomUUID();
  private readonly handlers = new Map<CacheTopic, Array<(key?: string) => void>>();

  on(topic: CacheTopic, handler: (key?: string) => void): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  async publish(topic: CacheTopic, key?: string): Promise<void> {
    this.deliver({ topic, key, origin: this.origin });
    await this.send({ topic, key, origin: this.origin });
  }

  protected deliver(message: Invalidation): void {
    for (const handler of this.handlers.get(message.topic) ?? []) handler(message.key);
  }

  /** A domain event from the accounts app (or any app): drops the copies of the users it changed. */
  protected deliverEvent(event: Pick<DomainEvent, 'type' | 'data'>): void {
    const changed = usersChangedBy(event);
    if (changed) this.deliver({ topic: 'user', key: changed === 'all' ? undefined : changed.sub, origin: this.origin });
  }

  /** Drops every copy: after a bus outage, when messages may have been missed. */
  protected deliverAll(): void {
    for (const topic of this.handlers.keys()) this.deliver({ topic, origin: this.origin });
  }

  protected abstract send(message: Invalidation): Promise<void>;
}

/** Embedded mode: one process, so dropping the local copy is all there is; events come in-process. */
export class InProcessCacheInvalidation extends CacheInvalidation {
  constructor(events?: EventPublisher) {
    super();
    if (events instanceof InProcessEventPublisher) events.emitter.on('event', (event: DomainEvent) => this.deliverEvent(event));
  }

  protected async send(): Promise<void> {}
}

export class NatsCacheInvalidation extends CacheInvalidation implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('cache');
  private readonly codec = StringCodec();
  private connection?: Promise<NatsConnection>;

  constructor(private readonly url: string) {
    super();
  }

  private connect(): Promise<NatsConnection> {
    this.connection ??= (async () => {
      const nc = await connect({ servers: this.url.split(','), maxReconnectAttempts: -1, reconnectTimeWait: 500, waitOnFirstConnect: true });
      nc.subscribe(CACHE_INVALIDATION_SUBJECT, {
        callback: (err, msg) => {
          if (err) return;
          try {
            const message = JSON.parse(this.codec.decode(msg.data)) as Invalidation;
            if (message.origin !== this.origin) this.deliver(message);
          } catch {
            /* not ours to read */
          }
        },
      });
      // Domain events go to JetStream for their consumers; a plain subscription sees them too, at
      // most once, which is all a copy that expires anyway needs.
      nc.subscribe(`${EVENT_SUBJECT_PREFIX}>`, {
        callback: (err, msg) => {
          if (err) return;
          try {
            this.deliverEvent(JSON.parse(this.codec.decode(msg.data)) as DomainEvent);
          } catch {
            /* not an event */
          }
        },
      });
      void (async () => {
        for await (const status of nc.status()) if (status.type === 'reconnect') this.deliverAll();
      })();
      return nc;
    })();
    return this.connection;
  }

  onApplicationBootstrap(): void {
    this.connect().catch((err) => this.logger.warn(`cache invalidation bus not available yet: ${(err as Error).message}`));
  }

  protected async send(message: Invalidation): Promise<void> {
    try {
      const nc = await Promise.race([this.connect(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no NATS connection')), 2000).unref())]);
      nc.publish(CACHE_INVALIDATION_SUBJECT, this.codec.encode(JSON.stringify(message)));
      await nc.flush();
    } catch (err) {
      // The others' copies expire within CACHE_TTL_MS anyway; the change itself is stored.
      this.logger.warn(`cache invalidation not published: ${(err as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const open = this.connection;
    this.connection = undefined;
    if (open) await (await open.catch(() => undefined))?.drain().catch(() => undefined);
  }
}

/** The provider: NATS between instances in distributed mode, nothing to send in embedded mode. */
export const cacheInvalidationProvider = {
  provide: CacheInvalidation,
  useFactory: (config: AppConfig, events: EventPublisher) => (config.natsUrl ? new NatsCacheInvalidation(config.natsUrl) : new InProcessCacheInvalidation(events)),
  inject: [APP_CONFIG, EventPublisher],
};
