import { DynamicModule, Global, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { JetStreamClient, NatsConnection, StringCodec, connect } from 'nats';
import { AppConfig } from '@idp/config';
import { DomainEvent, DomainEventType, DomainEvents, EVENT_STREAM, EVENT_SUBJECTS, EVENT_SUBJECT_PREFIX } from '@idp/contracts';

/**
 * Publishes domain events. Publishing never fails the request that caused the event: events are
 * at most once today (a failed publish is logged).
 */
export abstract class EventPublisher {
  protected readonly logger = new Logger('events');

  publish<T extends DomainEventType>(type: T, data: DomainEvents[T]): void {
    const event: DomainEvent<T> = { id: randomUUID(), type, at: new Date().toISOString(), data };
    this.send(event).catch((err) => this.logger.warn(`event ${type} not published: ${(err as Error).message}`));
  }

  protected abstract send(event: DomainEvent): Promise<void>;
}

/** Embedded mode: listeners in the same process. */
export class InProcessEventPublisher extends EventPublisher {
  readonly emitter = new EventEmitter();

  protected async send(event: DomainEvent): Promise<void> {
    this.emitter.emit('event', event);
  }
}

/** Distributed mode: JetStream, stream IDP_EVENTS, the event id as the message id (publish is de-duplicated). */
export class JetStreamEventPublisher extends EventPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private connection?: Promise<{ nc: NatsConnection; js: JetStreamClient }>;
  private readonly codec = StringCodec();

  constructor(private readonly url: string) {
    super();
  }

  private connect() {
    this.connection ??= (async () => {
      const nc = await connect({ servers: this.url.split(','), maxReconnectAttempts: -1, reconnectTimeWait: 500 });
      try {
        const jsm = await nc.jetstreamManager();
        const info = await jsm.streams.info(EVENT_STREAM).catch(() => null);
        if (!info) {
          await jsm.streams.add({ name: EVENT_STREAM, subjects: EVENT_SUBJECTS }).catch(() => jsm.streams.info(EVENT_STREAM));
        } else if (info.config.subjects?.join() !== EVENT_SUBJECTS.join()) {
          // A stream made with other subjects could capture bus requests; put it right.
          await jsm.streams.update(EVENT_STREAM, { ...info.config, subjects: EVENT_SUBJECTS });
        }
        return { nc, js: nc.jetstream() };
      } catch (err) {
        // No JetStream (yet): close this connection; the next event tries again.
        await nc.close().catch(() => undefined);
        throw err;
      }
    })().catch((err) => {
      this.connection = undefined;
      throw err;
    });
    return this.connection;
  }

  /** Connects (and checks the stream) at start, not at the first event. */
  onApplicationBootstrap(): void {
    this.connect().catch((err) => this.logger.warn(`JetStream not available yet: ${(err as Error).message}`));
  }

  protected async send(event: DomainEvent): Promise<void> {
    const { js } = await this.connect();
    await js.publish(EVENT_SUBJECT_PREFIX + event.type, this.codec.encode(JSON.stringify(event)), { msgID: event.id, timeout: 2000 });
  }

  async onApplicationShutdown(): Promise<void> {
    const open = this.connection;
    this.connection = undefined;
    if (open) await (await open.catch(() => undefined))?.nc.drain().catch(() => undefined);
  }
}

@Global()
@Module({})
export class EventsModule {
  static forRoot(config: AppConfig): DynamicModule {
    const provider = { provide: EventPublisher, useFactory: () => (config.natsUrl ? new JetStreamEventPublisher(config.natsUrl) : new InProcessEventPublisher()) };
    return { module: EventsModule, providers: [provider], exports: [EventPublisher] };
  }
}
