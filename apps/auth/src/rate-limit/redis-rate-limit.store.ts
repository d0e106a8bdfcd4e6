import Redis from 'ioredis';
import { RateLimitStore } from './rate-limit.store';

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

  async hit(keys: string[], windowStart: Date, windowSeconds: number): Promise<number[]> {
    const multi = this.redis.multi();
    for (const key of keys) {
      const name = this.name(key, windowStart);
      multi.incr(name).pexpire(name, windowSeconds * 1000 + 1000);
    }
    const results = await multi.exec();
    if (!results) throw new Error('the Redis transaction was aborted');
    return keys.map((_, i) => {
      const [err, count] = results[i * 2];
      if (err) throw err;
      return Number(count);
    });
  }

  async peek(keys: string[], windowStart: Date): Promise<number[]> {
    const values = await this.redis.mget(keys.map((k) => this.name(k, windowStart)));
    return values.map((v) => Number(v ?? 0));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
