import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AuthClock } from '../clock';
import { presentedCredentials } from '../oidc/clients/client-credentials';

/** Counts are written in one statement this often; a crash loses at most these seconds of counts. */
const FLUSH_EVERY_MS = 5000;
/** Distinct (client, day) pairs held between flushes; unknown client ids cannot grow it past this. */
const MAX_PENDING = 5000;

export interface UsageDay {
  day: string;
  requests: number;
  errors: number;
}

/**
 * Token requests and errors per client and day. Metrics in memory are per process, so the counts
 * go to the database, but in batches: the token path only bumps a number in a map, and a timer
 * adds the map to auth.client_usage_daily in one statement (rows only for clients that exist).
 */
@Injectable()
export class ClientUsageService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('client-usage');
  private pending = new Map<string, { clientId: string; day: string; requests: number; errors: number }>();
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource('auth') private readonly db: DataSource,
    private readonly adapterHost: HttpAdapterHost,
    private readonly clock: AuthClock,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify?.addHook) {
      fastify.addHook('onResponse', async (req, reply) => {
        if (req.method === 'POST' && req.url.split('?')[0] === '/connect/token') this.count(req, reply.statusCode >= 400);
      });
    }
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private count(req: FastifyRequest, failed: boolean): void {
    let clientId: string;
    try {
      clientId = presentedCredentials(req, (req.body ?? {}) as Record<string, unknown>).clientId;
    } catch {
      return;
    }
    if (!clientId) return;
    const day = this.clock.now().toISOString().slice(0, 10);
    const key = `${clientId}\n${day}`;
    let entry = this.pending.get(key);
    if (!entry) {
      if (this.pending.size >= MAX_PENDING) return;
      entry = { clientId, day, requests: 0, errors: 0 };
      this.pending.set(key, entry);
    }
    entry.requests++;
    if (failed) entry.errors++;
  }

  /** Writes what was counted since the last flush; counts that fail to write are kept for the next. */
  async flush(): Promise<void> {
    if (!this.pending.size) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      await this.db.query(
        `INSERT INTO auth.client_usage_daily (client_id, day, requests, errors)
         SELECT u.client_id, u.day, u.requests, u.errors
           FROM unnest($1::text[], $2::date[], $3::int[], $4::int[]) AS u (client_id, day, requests, errors)
           JOIN auth.clients c ON c.client_id = u.client_id
         ON CONFLICT (client_id, day) DO UPDATE
           SET requests = auth.client_usage_daily.requests + EXCLUDED.requests, errors = auth.client_usage_daily.errors + EXCLUDED.errors`,
        [batch.map((b) => b.clientId), batch.map((b) => b.day), batch.map((b) => b.requests), batch.map((b) => b.errors)],
      );
    } catch (err) {
      this.logger.warn(`token counts not written, kept for the next try: ${err instanceof Error ? err.message : String(err)}`);
      for (const b of batch) {
        const key = `${b.clientId}\n${b.day}`;
        const e = this.pending.get(key);
        if (e) { e.requests += b.requests; e.errors += b.errors; }
        else if (this.pending.size < MAX_PENDING) this.pending.set(key, b);
      }
    }
  }

  /** The last `days` days (today included), oldest first, zero where nothing was counted. */
  async daily(clientId: string, days = 14): Promise<UsageDay[]> {
    await this.flush();
    const today = this.clock.now();
    const from = new Date(today.getTime() - (days - 1) * 86400_000).toISOString().slice(0, 10);
    const rows: Array<{ day: string; requests: number; errors: number }> = await this.db.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, requests, errors FROM auth.client_usage_daily WHERE client_id = $1 AND day >= $2::date`,
      [clientId, from],
    );
    const byDay = new Map(rows.map((r) => [r.day, r]));
    return Array.from({ length: days }, (_, i) => {
      const day = new Date(today.getTime() - (days - 1 - i) * 86400_000).toISOString().slice(0, 10);
      const r = byDay.get(day);
      return { day, requests: Number(r?.requests ?? 0), errors: Number(r?.errors ?? 0) };
    });
  }
}
