import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig, RateLimitsConfig } from '@idp/config';
import { TooManyRequests } from '../oidc/errors/oauth.errors';
import { RateLimiterService } from './rate-limiter.service';

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
    return this.check(endpoint, 'ip', ip, this.config.rateLimits[endpoint].perIp);
  }

  perClient(endpoint: LimitedEndpoint, clientId: string): Promise<void> {
    return this.check(endpoint, 'client', clientId, this.config.rateLimits[endpoint].perClient);
  }

  private async check(endpoint: LimitedEndpoint, kind: 'ip' | 'client', who: string, max: number): Promise<void> {
    if (max <= 0) return;
    const key = `ep:${endpoint}:${kind}:${who.slice(0, 200)}`;
    const until = this.over.get(key);
    if (until !== undefined) {
      if (until > Date.now()) throw this.refusal(kind, Math.max(1, Math.ceil((until - Date.now()) / 1000)));
      this.over.delete(key);
    }
    let wait: number | null;
    try {
      wait = await this.limiter.consume([{ key, max }], this.config.rateLimits.windowSeconds);
    } catch (err) {
      this.logger.warn(`rate-limit store unavailable, request let through: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (wait !== null) {
      if (this.over.size >= 10000) this.over.clear(); // bounded, whatever the number of addresses
      this.over.set(key, Date.now() + wait * 1000);
      throw this.refusal(kind, wait);
    }
  }

  private refusal(kind: 'ip' | 'client', wait: number): TooManyRequests {
    const whom = kind === 'ip' ? 'this address' : 'this client';
    return new TooManyRequests(`too many requests from ${whom}; retry after ${wait} seconds`, wait);
  }
}
