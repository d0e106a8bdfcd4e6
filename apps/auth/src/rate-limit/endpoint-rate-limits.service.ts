import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig, RateLimitsConfig } from '@idp/config';
import { TooManyRequests } from '../oidc/errors/oauth.errors';
import { RateLimiterService, secondsLeft, windowStart } from './rate-limiter.service';

export type LimitedEndpoint = Exclude<keyof RateLimitsConfig, 'windowSeconds'>;

/** Limits this large are counted in the process while far from them (see EndpointRateLimits). */
export const LOCAL_COUNTING_MIN = 1000;
/** How often the hits counted in the process are added to the shared store. */
export const FLUSH_EVERY_MS = 100;

/** A counter as this process knows it: the shared count at the last round trip, plus its own hits since. */
interface LocalCount {
  window: number;
  known: number;
  pending: number;
}

/**
 * Built-in limits of the protocol endpoints: per client address before anything else is done, per
 * client once the client is known. Over a limit the request is refused with 429 `slow_down` and
 * `Retry-After`; a counter set to 0 costs nothing. If the counter store itself is unreachable the
 * request goes on (logged): an outage of the limiter must not become an outage of sign-in.
 *
 * A large limit (LOCAL_COUNTING_MIN and more: the defaults are) is counted in the process while the
 * count is under half of it: the hit is added to the shared store with the others of the last
 * FLUSH_EVERY_MS in one statement, not by the request, so a busy token endpoint costs no round
 * trip per request for its limits. Past half the limit every request counts in the shared store
 * again, its own unsent hits with it, so the limit itself is enforced as exactly as before (other
 * instances' hits of the last FLUSH_EVERY_MS aside). Small limits are always counted in the store.
 */
@Injectable()
export class EndpointRateLimits implements OnModuleDestroy {
  private readonly logger = new Logger('rate-limits');
  /**
   * Keys this instance has seen over their limit, until their window ends: a flood is refused
   * without a round trip per request (the window cannot reopen early, whatever other instances do).
   */
  private readonly over = new Map<string, number>();
  private readonly local = new Map<string, LocalCount>();
  private flushTimer?: NodeJS.Timeout;

  constructor(
    private readonly limiter: RateLimiterService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  perIp(endpoint: LimitedEndpoint, ip: string): Promise<void> {
    return this.count(endpoint, ip);
  }

  perClient(endpoint: LimitedEndpoint, clientId: string): Promise<void> {
    return this.count(endpoint, undefined, clientId);
  }

  /**
   * Refuses at once, without a round trip, an address (or client) this instance has already seen
   * over its limit in the current window.
   */
  precheck(endpoint: LimitedEndpoint, ip: string | undefined, clientId?: string): void {
    for (const c of this.checks(endpoint, ip, clientId)) {
      const until = this.over.get(c.key);
      if (until === undefined) continue;
      if (until > Date.now()) throw this.refusal(c.kind, Math.max(1, Math.ceil((until - Date.now()) / 1000)));
      this.over.delete(c.key);
    }
  }

  /**
   * Counts one request against the address and, once it is known, the client, in a single round
   * trip to the store, so a token request costs one statement for both counters.
   */
  async count(endpoint: LimitedEndpoint, ip: string | undefined, clientId?: string): Promise<void> {
    const checks = this.checks(endpoint, ip, clientId);
    if (!checks.length) return;
    this.precheck(endpoint, ip, clientId);
    const windowSeconds = this.config.rateLimits.windowSeconds;
    const start = windowStart({ windowSeconds });
    const states = checks.map((c) => this.localCount(c.key, start.getTime()));
    if (checks.every((c, i) => c.max >= LOCAL_COUNTING_MIN && states[i].known + states[i].pending + 1 <= c.max / 2)) {
      for (const state of states) state.pending++;
      this.scheduleFlush();
      return;
    }
    let counts: number[];
    try {
      const increments = states.map((state) => state.pending + 1);
      for (const state of states) state.pending = 0;
      counts = await this.limiter.counts(checks.map((c) => c.key), windowSeconds, increments, start);
    } catch (err) {
      this.logger.warn(`rate-limit store unavailable, request let through: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    states.forEach((state, i) => (state.known = Math.max(state.known, counts[i])));
    const overIndex = counts.findIndex((n, i) => n > checks[i].max);
    if (overIndex < 0) return;
    const wait = secondsLeft(start, { windowSeconds });
    if (this.over.size >= 10000) this.over.clear(); // bounded, whatever the number of addresses
    checks.forEach((c, i) => counts[i] > c.max && this.over.set(c.key, Date.now() + wait * 1000));
    throw this.refusal(checks[overIndex].kind, wait);
  }

  /** Sends what is still counted only here, so nothing is lost when the instance stops. */
  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.flush();
  }

  /** Adds the hits counted here since the last round trip to the shared store, one statement per window. */
  async flush(): Promise<void> {
    this.flushTimer = undefined;
    const windows = new Map<number, { keys: string[]; increments: number[]; states: LocalCount[] }>();
    for (const [key, state] of this.local) {
      if (state.pending === 0) continue;
      const batch = windows.get(state.window) ?? { keys: [], increments: [], states: [] };
      batch.keys.push(key);
      batch.increments.push(state.pending);
      batch.states.push(state);
      windows.set(state.window, batch);
      state.pending = 0;
    }
    const current = windowStart({ windowSeconds: this.config.rateLimits.windowSeconds }).getTime();
    for (const [key, state] of this.local) if (state.window < current) this.local.delete(key);
    for (const [window, batch] of windows) {
      try {
        const counts = await this.limiter.counts(batch.keys, this.config.rateLimits.windowSeconds, batch.increments, new Date(window), true);
        batch.states.forEach((state, i) => (state.known = Math.max(state.known, counts[i])));
      } catch (err) {
        this.logger.warn(`rate-limit store unavailable, ${batch.keys.length} counters not added: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private localCount(key: string, window: number): LocalCount {
    let state = this.local.get(key);
    if (!state || state.window !== window) {
      if (!state && this.local.size >= 10000) {
        // Bounded, whatever the number of addresses: send what is pending and forget the rest.
        void this.flush();
        this.local.clear();
      }
      state = { window, known: 0, pending: 0 };
      this.local.set(key, state);
    }
    return state;
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
    this.flushTimer.unref();
  }

  private checks(endpoint: LimitedEndpoint, ip: string | undefined, clientId: string | undefined) {
    const limits = this.config.rateLimits[endpoint];
    const checks: Array<{ kind: 'ip' | 'client'; key: string; max: number }> = [];
    if (ip !== undefined && limits.perIp > 0) checks.push({ kind: 'ip', key: `ep:${endpoint}:ip:${ip.slice(0, 200)}`, max: limits.perIp });
    if (clientId !== undefined && limits.perClient > 0) checks.push({ kind: 'client', key: `ep:${endpoint}:client:${clientId.slice(0, 200)}`, max: limits.perClient });
    return checks;
  }

  private refusal(kind: 'ip' | 'client', wait: number): TooManyRequests {
    const whom = kind === 'ip' ? 'this address' : 'this client';
    return new TooManyRequests(`too many requests from ${whom}; retry after ${wait} seconds`, wait);
  }
}
