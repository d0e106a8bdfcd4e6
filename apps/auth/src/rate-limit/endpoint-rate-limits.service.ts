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
    let wait: number | null;
    try {
      wait = await this.limiter.consume([{ key: `ep:${endpoint}:${kind}:${who.slice(0, 200)}`, max }], this.config.rateLimits.windowSeconds);
    } catch (err) {
      this.logger.warn(`rate-limit store unavailable, request let through: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (wait !== null) {
      const whom = kind === 'ip' ? 'this address' : 'this client';
      throw new TooManyRequests(`too many requests from ${whom}; retry after ${wait} seconds`, wait);
    }
  }
}
