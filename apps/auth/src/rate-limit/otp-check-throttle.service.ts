import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { RateLimiterService } from './rate-limiter.service';

/**
 * Wrong one-time codes, counted per destination (phone or address) and per IP address across all
 * codes, in the shared store. A code dies after its own 5 attempts; this stops a guesser who asks
 * for code after code, on every auth instance alike.
 */
@Injectable()
export class OtpCheckThrottleService {
  constructor(
    private readonly limiter: RateLimiterService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private limits() {
    const t = this.config.otpCheckThrottle;
    return { destination: { max: t.perDestination, windowSeconds: t.windowSeconds }, ip: { max: t.perIp, windowSeconds: t.windowSeconds } };
  }

  /** Seconds to wait, or null when another code may be checked. */
  async blocked(destination: string, ip: string): Promise<number | null> {
    const l = this.limits();
    const [a, b] = await Promise.all([this.limiter.blocked([`otp:dest:${destination}`], l.destination), this.limiter.blocked([`otp:ip:${ip}`], l.ip)]);
    return a ?? b;
  }

  async failed(destination: string, ip: string): Promise<void> {
    const l = this.limits();
    // Both windows are the same length, so one round trip counts both.
    await this.limiter.hit([`otp:dest:${destination}`, `otp:ip:${ip}`], l.destination);
  }
}
