import Redis from 'ioredis';
import { TemporarilyUnavailable } from '../oidc/errors/oauth.errors';
import { RateLimitStore } from './rate-limit.store';

/** Redis gone or slow: the caller decides (endpoint limits let the request through, guessing limits answer 503). */
const unavailable = (): never => {
  throw new TemporarilyUnavailable('the rate-limit store is not answering; try again shortly');
};

/**
 * Counters in Redis (`REDIS_URL`): INCR and PEXPIRE of every key in one MULTI, so a counter never
 * outlives its window by more than a second. Commands time out quickly rather than hold a request.
 */
export class RedisRateLimitStore extends RateLimitStore {
  private readonly redis: Redis;

  constructor(url: string) {
    super();
    this.redis = new Redis(url, { commandTimeout: 1000, maxRetriesPerRequest: 1, lazyConnect: false });
    // Connection errors surface on the commands; without a listener ioredis would log each retry.
    this.redis.on('error', () => undefined);
  }

  private name(key: string, windowStart: Date): string {
    return `idp:rl:${key}:${windowStart.getTime()}`;
  }

  async hit(keys: string[], windowStart: Date, windowSeconds: number, increments?: number[]): Promise<number[]> {
    const multi = this.redis.multi();
    keys.forEach((key, i) => {
      const name = this.name(key, windowStart);
      multi.incrby(name, increments?.[i] ?? 1).pexpire(name, windowSeconds * 1000 + 1000);
    });
    const results = await multi.exec().catch(unavailable);
    if (!results) throw new Error('the Redis transaction was aborted');
    return keys.map((_, i) => {
      const [err, count] = results[i * 2];
      if (err) unavailable();
      return Number(count);
    });
  }

  async peek(keys: string[], windowStart: Date): Promise<number[]> {
    const values = await this.redis.mget(keys.map((k) => this.name(k, windowStart))).catch(unavailable);
    return values.map((v) => Number(v ?? 0));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
