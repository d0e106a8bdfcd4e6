import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface Limit {
  /** At most this many hits per window. */
  max: number;
  windowSeconds: number;
}

/**
 * Fixed-window counters in PostgreSQL, so every auth instance sees the same count. One statement
 * per hit; old windows are swept as new ones open.
 */
@Injectable()
export class RateLimiterService {
  constructor(@InjectDataSource('auth') private readonly db: DataSource) {}

  private window(limit: Limit): Date {
    const ms = limit.windowSeconds * 1000;
    return new Date(Math.floor(Date.now() / ms) * ms);
  }

  /** Seconds until the window ends, if any of the keys is over its limit; otherwise null. */
  async blocked(keys: string[], limit: Limit): Promise<number | null> {
    const start = this.window(limit);
    const rows: Array<{ hits: number }> = await this.db.query(
      `SELECT hits FROM auth.rate_limits WHERE key = ANY($1) AND window_start = $2 AND hits >= $3 LIMIT 1`,
      [keys, start, limit.max],
    );
    return rows.length ? Math.ceil((start.getTime() + limit.windowSeconds * 1000 - Date.now()) / 1000) : null;
  }

  async hit(keys: string[], limit: Limit): Promise<void> {
    const start = this.window(limit);
    for (const key of keys) {
      await this.db.query(
        `INSERT INTO auth.rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (key, window_start) DO UPDATE SET hits = auth.rate_limits.hits + 1`,
        [key, start],
      );
    }
    // An occasional sweep keeps the table small without a scheduler.
    if (Math.random() < 0.02) await this.db.query(`DELETE FROM auth.rate_limits WHERE window_start < now() - interval '1 day'`);
  }
}
