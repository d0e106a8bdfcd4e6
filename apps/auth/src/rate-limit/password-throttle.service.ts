import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { RateLimiterService } from './rate-limiter.service';

/**
 * Failed password checks, counted per identifier and per IP address in the shared database, so a
 * guesser meets the same wall on every auth instance, on the login page and at the password grant.
 */
@Injectable()
export class PasswordThrottleService {
  constructor(
    private readonly limiter: RateLimiterService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private keys(identifier: string, ip: string): { perIdentifier: string[]; perIp: string[] } {
    return { perIdentifier: [`pwd:id:${identifier.trim().toLowerCase().slice(0, 200)}`], perIp: [`pwd:ip:${ip}`] };
  }

  /** Seconds to wait, or null when another attempt is allowed. */
  async blocked(identifier: string, ip: string): Promise<number | null> {
    const { perIdentifier, perIp } = this.keys(identifier, ip);
    const t = this.config.passwordThrottle;
    const [a, b] = await Promise.all([
      this.limiter.blocked(perIdentifier, { max: t.perIdentifier, windowSeconds: t.windowSeconds }),
      this.limiter.blocked(perIp, { max: t.perIp, windowSeconds: t.windowSeconds }),
    ]);
    return a ?? b;
  }

  async failed(identifier: string, ip: string): Promise<void> {
    const { perIdentifier, perIp } = this.keys(identifier, ip);
    const t = this.config.passwordThrottle;
    await this.limiter.hit(perIdentifier, { max: t.perIdentifier, windowSeconds: t.windowSeconds });
    await this.limiter.hit(perIp, { max: t.perIp, windowSeconds: t.windowSeconds });
  }
}
