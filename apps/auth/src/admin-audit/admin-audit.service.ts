import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';

export type AuditOutcome = 'ok' | 'unauthorized' | 'refused' | 'error';

export interface AuditEntry {
  id: string;
  at: string;
  method: string;
  route: string;
  path: string;
  status: number;
  outcome: AuditOutcome;
  ip: string;
}

export function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'ok';
  if (status === 401 || status === 403) return 'unauthorized';
  return status < 500 ? 'refused' : 'error';
}

const isAdmin = (url: string) => /^\/admin(\/|\?|$)/.test(url);
/** Changes integrators make to their clients (pages and JSON API) are kept beside the admin calls. */
const isDeveloperChange = (method: string, url: string) => method !== 'GET' && method !== 'HEAD' && /^\/(api\/)?developers(\/|\?|$)/.test(url);

/**
 * Writes one row per admin API call, including calls refused for a wrong token and calls to routes
 * that do not exist, and one per change in the integrators' cabinet (a client created, a secret
 * issued or revoked, keys, team, capability requests). The row is written before the answer leaves (an `onSend` hook), so an
 * administrator who got an answer can find the call in the audit.
 */
@Injectable()
export class AdminAuditService implements OnModuleInit {
  private readonly logger = new Logger('admin-audit');

  constructor(
    @InjectDataSource('auth') private readonly db: DataSource,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addHook) return;
    fastify.addHook('onSend', async (req, reply, payload) => {
      if (isAdmin(req.url) || isDeveloperChange(req.method, req.url)) await this.record(req, reply);
      return payload;
    });
  }

  private async record(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const path = req.url.split('?')[0].slice(0, 500);
    try {
      await this.db.query(
        `INSERT INTO auth.admin_audit (method, route, path, status, outcome, ip) VALUES ($1, $2, $3, $4, $5, $6)`,
        [req.method, req.routeOptions?.url ?? 'unmatched', path, reply.statusCode, outcomeOf(reply.statusCode), req.ip],
      );
    } catch (err) {
      // The call itself already happened; losing its audit row is logged loudly, not hidden.
      this.logger.error(`admin call ${req.method} ${path} (${reply.statusCode}) could not be audited: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Newest first; `beforeId` pages further back. */
  async list(limit: number, beforeId?: string): Promise<AuditEntry[]> {
    const rows: Array<Omit<AuditEntry, 'at'> & { at: Date }> = await this.db.query(
      `SELECT id::text AS id, at, method, route, path, status, outcome, ip FROM auth.admin_audit
        WHERE ($1::bigint IS NULL OR id < $1::bigint) ORDER BY id DESC LIMIT $2`,
      [beforeId ?? null, limit],
    );
    return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
  }
}
