import { DataSource } from 'typeorm';
import { RateLimitStore } from './rate-limit.store';

/** Counters in `auth.rate_limits`: one upsert statement for all the keys of a check. */
export class PostgresRateLimitStore extends RateLimitStore {
  constructor(private readonly db: DataSource) {
    super();
  }

  async hit(keys: string[], windowStart: Date): Promise<number[]> {
    // Sorted, so two checks upserting the same rows lock them in the same order (no deadlock).
    const sorted = [...new Set(keys)].sort();
    const rows: Array<{ key: string; hits: number }> = await this.db.query(
      `INSERT INTO auth.rate_limits (key, window_start, hits)
       SELECT k, $2, 1 FROM unnest($1::text[]) AS k ORDER BY k
       ON CONFLICT (key, window_start) DO UPDATE SET hits = auth.rate_limits.hits + 1
       RETURNING key, hits`,
      [sorted, windowStart],
    );
    // An occasional sweep keeps the table small without a scheduler.
    if (Math.random() < 0.001) void this.db.query(`DELETE FROM auth.rate_limits WHERE window_start < now() - interval '1 day'`).catch(() => undefined);
    const counts = new Map(rows.map((r) => [r.key, Number(r.hits)]));
    return keys.map((k) => counts.get(k) ?? 0);
  }

  async peek(keys: string[], windowStart: Date): Promise<number[]> {
    const rows: Array<{ key: string; hits: number }> = await this.db.query(
      `SELECT key, hits FROM auth.rate_limits WHERE key = ANY($1) AND window_start = $2`,
      [keys, windowStart],
    );
    const counts = new Map(rows.map((r) => [r.key, Number(r.hits)]));
    return keys.map((k) => counts.get(k) ?? 0);
  }
}
