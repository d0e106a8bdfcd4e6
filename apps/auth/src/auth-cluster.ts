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
 * cheap, scavenges.
 */
export const WORKER_SEMI_SPACE_MB = 4;

/**
 * With the default heap limit (gigabytes, from the machine's memory) V8 lets the old generation grow
 * to about four times what is live before it compacts; at 256 MB or less it allows only 1.3 times.
 * A worker keeps 50 to 60 MB live, so this limit halves its resident memory under load and still
 * leaves four times the live set before the limit is reached.
 */
export const WORKER_OLD_SPACE_MB = 256;

/** The heap flags of a worker; either one given explicitly (execArgv or NODE_OPTIONS) is the operator's, and wins. */
export function workerExecArgv(execArgv: string[], nodeOptions = ''): string[] {
  const given = (flag: string) => [...execArgv, ...nodeOptions.split(/\s+/)].some((a) => a.startsWith(flag));
  return [
    ...execArgv,
    ...(given('--max-semi-space-size') ? [] : [`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`]),
    ...(given('--max-old-space-size') ? [] : [`--max-old-space-size=${WORKER_OLD_SPACE_MB}`]),
  ];
}

/**
 * glibc hands threads that allocate at the same time separate malloc arenas, up to eight per core,
 * and libuv's pool threads sign tokens concurrently; every arena keeps freed memory resident. Two
 * are enough for a worker. An operator's MALLOC_ARENA_MAX wins.
 */
export function workerEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return env.MALLOC_ARENA_MAX ? {} : { MALLOC_ARENA_MAX: '2' };
}

export function runPrimary(workers: number, log: (line: string) => void = (l) => process.stderr.write(l + '\n')): void {
  let stopping = false;
  serveClusterMetrics();
  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, process.env.NODE_OPTIONS) });
  const fork = (): Worker => cluster.fork(workerEnv(process.env));
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
