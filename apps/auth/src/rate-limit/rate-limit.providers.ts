import { Inject, Injectable, Logger, OnApplicationShutdown, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { EndpointRateLimits } from './endpoint-rate-limits.service';
import { PasswordThrottleService } from './password-throttle.service';
import { PostgresRateLimitStore } from './postgres-rate-limit.store';
import { RateLimitStore } from './rate-limit.store';
import { RateLimiterService } from './rate-limiter.service';
import { RedisRateLimitStore } from './redis-rate-limit.store';
import { OtpCheckThrottleService } from './otp-check-throttle.service';

/** Closes the Redis connection, if there is one, when the app stops. */
@Injectable()
class RateLimitStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(RateLimitStore) private readonly store: RateLimitStore) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.store instanceof RedisRateLimitStore) await this.store.close();
  }
}

/** PostgreSQL by default; Redis when REDIS_URL is set. */
const store: Provider = {
  provide: RateLimitStore,
  useFactory: (config: AppConfig, db: DataSource) => {
    if (!config.redisUrl) return new PostgresRateLimitStore(db);
    new Logger('rate-limits').log('rate-limit counters in Redis');
    return new RedisRateLimitStore(config.redisUrl);
  },
  inject: [APP_CONFIG, getDataSourceToken('auth')],
};

/** Everything that counts requests: the store, the counters, and the limits built on them. */
export const rateLimitProviders: Provider[] = [store, RateLimitStoreCloser, RateLimiterService, PasswordThrottleService, EndpointRateLimits, OtpCheckThrottleService];
