import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { BusClient } from '@idp/bus';
import { ConsentKey, ConsentSubjects } from '@idp/contracts';

/** How long touches are gathered before they go to the consent service in one message. */
export const TOUCH_BATCH_MS = 250;
/** A batch this large goes at once. */
const MAX_BATCH = 500;

/**
 * Tells the consent service that tokens were issued or refreshed for a user and client, so the
 * "connected apps" list can show when each was last used. Fire and forget: the token response
 * never waits for it, and the consent service writes at most once a minute per consent. Touches
 * are gathered for a quarter of a second and sent together, each pair once: a busy client no longer
 * costs a bus message (and a socket write) per token.
 */
@Injectable()
export class ConsentUsageService implements OnModuleDestroy {
  private readonly log = new Logger(ConsentUsageService.name);
  private pending = new Map<string, ConsentKey>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly bus: BusClient) {}

  touch(userId: string, clientId: string): void {
    this.pending.set(`${userId}\n${clientId}`, { userId, clientId });
    if (this.pending.size >= MAX_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), TOUCH_BATCH_MS).unref();
  }

  /** Sends what was gathered; answers when the consent service has it (or it failed). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.size) return;
    const touches = [...this.pending.values()];
    this.pending = new Map();
    await this.bus.request(ConsentSubjects.consentTouchMany, { touches }).catch((err: unknown) => {
      this.log.warn(`consent last-used time not recorded: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }
}
