import { DataSource } from 'typeorm';
import { RateLimitStore } from './rate-limit.store';

/** Counters in `auth.rate_limits`: one upsert statement for all the keys of a check. */
export class PostgresRateLimitStore extends RateLimitStore {
  constructor(private readonly db: DataSource) {
    super();
  }

  async hit(keys: string[], windowStart: Date, _windowSeconds?: number, increments?: number[], batched = false): Promise<number[]> {
    // Sorted, so two checks upserting the same rows lock them in the same order (no deadlock).
    const by = new Map<string, number>();
    keys.forEach((k, i) => by.set(k, (by.get(k) ?? 0) + (increments?.[i] ?? 1)));
    const sorted = [...by.keys()].sort();
    const rows: Array<{ key: string; hits: number }> = await this.db.query(
      `${batched ? '/* batched rate-limit hits */ ' : ''}INSERT INTO auth.rate_limits (key, window_start, hits)
       SELECT k, $2, n FROM unnest($1::text[], $3::int[]) AS t(k, n) ORDER BY k
       ON CONFLICT (key, window_start) DO UPDATE SET hits = auth.rate_limits.hits + EXCLUDED.hits
       RETURNING key, hits`,
      [sorted, windowStart, sorted.map((k) => by.get(k)!)],
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
