import cluster, { Worker } from 'node:cluster';
import { serveClusterMetrics } from './ops/cluster-metrics';

/**
 * The primary of the auth app when AUTH_WORKERS > 1: forks the workers, which share the HTTP port
 * (the primary hands out connections in turn), replaces one that dies, and on SIGTERM or SIGINT
 * stops them all gracefully before exiting. The workers are ordinary auth instances: they share
 * nothing but PostgreSQL and NATS, as separate instances behind a load balancer would; only
 * /metrics asks the primary, which adds up every worker's figures.
 */
/**
 * V8 lets a process's young generation grow to 16 MB semi-spaces under a steady stream of short-lived
 * request objects; a smaller semi-space keeps a worker's resident memory down for a few more,
 * cheap, scavenges. Given explicitly (execArgv or NODE_OPTIONS), the operator's value wins.
 */
export const WORKER_SEMI_SPACE_MB = 4;

export function workerExecArgv(execArgv: string[], nodeOptions = ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].some((a) => a.startsWith('--max-semi-space-size'));
  return given ? execArgv : [...execArgv, `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`];
}

export function runPrimary(workers: number, log: (line: string) => void = (l) => process.stderr.write(l + '\n')): void {
  let stopping = false;
  serveClusterMetrics();
  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, process.env.NODE_OPTIONS) });
  const fork = (): Worker => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (!Object.keys(cluster.workers ?? {}).length) process.exit(0);
      return;
    }
    log(`auth worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(fork, 1000).unref();
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    if (!alive.length) process.exit(0);
    for (const w of alive) w.process.kill('SIGTERM');
    setTimeout(() => process.exit(1), 15_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (let i = 0; i < workers; i++) fork();
}
