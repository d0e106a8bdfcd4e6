import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig, RateLimitsConfig } from '@idp/config';
import { TooManyRequests } from '../oidc/errors/oauth.errors';
import { RateLimiterService, secondsLeft, windowStart } from './rate-limiter.service';

export type LimitedEndpoint = Exclude<keyof RateLimitsConfig, 'windowSeconds'>;

/**
 * Built-in limits of the protocol endpoints: per client address before anything else is done, per
 * client once the client is known. Over a limit the request is refused with 429 `slow_down` and
 * `Retry-After`; a counter set to 0 costs nothing. If the counter store itself is unreachable the
 * request goes on (logged): an outage of the limiter must not become an outage of sign-in.
 */
@Injectable()
export class EndpointRateLimits {
  private readonly logger = new Logger('rate-limits');
  /**
   * Keys this instance has seen over their limit, until their window ends: a flood is refused
   * without a round trip per request (the window cannot reopen early, whatever other instances do).
   */
  private readonly over = new Map<string, number>();

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
    let counts: number[];
    const start = windowStart({ windowSeconds: this.config.rateLimits.windowSeconds });
    try {
      counts = await this.limiter.counts(checks.map((c) => c.key), this.config.rateLimits.windowSeconds);
    } catch (err) {
      this.logger.warn(`rate-limit store unavailable, request let through: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const overIndex = counts.findIndex((n, i) => n > checks[i].max);
    if (overIndex < 0) return;
    const wait = secondsLeft(start, { windowSeconds: this.config.rateLimits.windowSeconds });
    if (this.over.size >= 10000) this.over.clear(); // bounded, whatever the number of addresses
    checks.forEach((c, i) => counts[i] > c.max && this.over.set(c.key, Date.now() + wait * 1000));
    throw this.refusal(checks[overIndex].kind, wait);
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
