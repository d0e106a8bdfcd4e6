import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { clusterMetrics, joinClusterMetrics } from './cluster-metrics';

/** Prometheus metrics of this process (of every worker, in a cluster), served at /metrics. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  private readonly tokens = new Counter({
    name: 'oauth_token_requests_total',
    help: 'Token endpoint requests by grant type, client and outcome (issued or the error code)',
    labelNames: ['grant_type', 'client_id', 'outcome'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    joinClusterMetrics(this.registry);
  }

  /** The text /metrics answers: this process, or the sum over every worker of the cluster. */
  exposition(): Promise<string> {
    return clusterMetrics(this.registry);
  }

  observeHttp(route: string, method: string, status: number, seconds: number): void {
    this.httpDuration.observe({ route, method, status: String(status) }, seconds);
  }

  tokenRequest(grantType: string, clientId: string, outcome: string): void {
    this.tokens.inc({ grant_type: grantType, client_id: clientId.slice(0, 64), outcome });
  }
}
