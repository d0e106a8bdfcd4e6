import { Injectable } from '@nestjs/common';
import { RateLimitStore } from './rate-limit.store';

export interface Limit {
  /** At most this many hits per window. */
  max: number;
  windowSeconds: number;
}

/** Start of the fixed window `now` falls in; windows are aligned to the epoch, so every instance agrees. */
export function windowStart(limit: Pick<Limit, 'windowSeconds'>, now = Date.now()): Date {
  const ms = limit.windowSeconds * 1000;
  return new Date(Math.floor(now / ms) * ms);
}

/** Whole seconds until the window that began at `start` ends (at least 1). */
export function secondsLeft(start: Date, limit: Pick<Limit, 'windowSeconds'>, now = Date.now()): number {
  return Math.max(1, Math.ceil((start.getTime() + limit.windowSeconds * 1000 - now) / 1000));
}

/**
 * Fixed-window counters in the shared store (PostgreSQL, or Redis when configured), so every auth
 * instance sees the same count. One round trip per check and per hit.
 */
@Injectable()
export class RateLimiterService {
  constructor(private readonly store: RateLimitStore) {}

  /** Seconds until the window ends, if any of the keys is over its limit; otherwise null. */
  async blocked(keys: string[], limit: Limit): Promise<number | null> {
    const start = windowStart(limit);
    const counts = await this.store.peek(keys, start);
    return counts.some((c) => c >= limit.max) ? secondsLeft(start, limit) : null;
  }

  async hit(keys: string[], limit: Limit): Promise<void> {
    await this.store.hit(keys, windowStart(limit), limit.windowSeconds);
  }

  /**
   * Counts this request (or `increments[i]` hits) against each key, answering each key's count in
   * the window that starts at `start` (the current one by default): one round trip. `batched` marks
   * the hits of many requests sent together, not by a request.
   */
  counts(keys: string[], windowSeconds: number, increments?: number[], start = windowStart({ windowSeconds }), batched = false): Promise<number[]> {
    return this.store.hit(keys, start, windowSeconds, increments, batched);
  }

  /**
   * Counts this request against each key and says whether any is now past its own maximum: the
   * seconds to wait, or null. A single round trip whatever the number of keys.
   */
  async consume(checks: Array<{ key: string; max: number }>, windowSeconds: number): Promise<number | null> {
    if (!checks.length) return null;
    const start = windowStart({ windowSeconds });
    const counts = await this.store.hit(checks.map((c) => c.key), start, windowSeconds);
    return counts.some((c, i) => c > checks[i].max) ? secondsLeft(start, { windowSeconds }) : null;
  }
}
