import autocannon from 'autocannon';
import { Measurement } from './table';

/** One kind of request a scenario sends; `next` may hand out a fresh token or code per request. */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /** A fixed form body, or one built per request. */
  form?: Record<string, string> | (() => Record<string, string>);
  /** Whether the answer is the one the scenario expects (status and body); anything else is an error. */
  expect: (status: number, body: string) => boolean;
  /** Called with every answer, e.g. to put a rotated refresh token back into the pool. */
  onAnswer?: (status: number, body: string) => void;
}

export interface LoadOptions {
  base: string;
  connections: number;
  duration: number;
  warmup: number;
  label: string;
  progress?: (line: string) => void;
  /** Called right before and after the measured phase (not the warm-up): CPU accounting. */
  measured?: { start(): void; stop(): void };
}

const encode = (form: Record<string, string>) => new URLSearchParams(form).toString();

function run(request: LoadRequest, opts: LoadOptions, duration: number, phase: string): Promise<{ result: autocannon.Result; unexpected: number }> {
  let unexpected = 0;
  const dynamic = typeof request.form === 'function';
  const headers: Record<string, string> = { ...(request.headers ?? {}) };
  if (request.form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const spec: any = {
    method: request.method,
    path: request.path,
    headers,
    onResponse: (status: number, body: string) => {
      if (!request.expect(status, body)) unexpected++;
      request.onAnswer?.(status, body);
    },
  };
  if (dynamic) spec.setupRequest = (req: any) => ({ ...req, body: encode((request.form as () => Record<string, string>)()) });
  else if (request.form) spec.body = encode(request.form as Record<string, string>);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let count = 0;
    const instance = autocannon({ url: opts.base, connections: opts.connections, duration, requests: [spec], timeout: 10 }, (err, result) =>
      err ? reject(err) : resolve({ result, unexpected }),
    );
    instance.on('response', () => count++);
    const timer = setInterval(() => opts.progress?.(`  ${opts.label} ${phase} ${Math.round((Date.now() - started) / 1000)}/${duration}s ${count} requests`), 1000);
    instance.on('done', () => clearInterval(timer));
  });
}

/** Warm-up (discarded), then the measured run of a fixed duration. */
export async function measure(request: LoadRequest, opts: LoadOptions): Promise<Measurement> {
  if (opts.warmup > 0) await run(request, opts, opts.warmup, 'warm-up');
  opts.measured?.start();
  const { result, unexpected } = await run(request, opts, opts.duration, 'measuring');
  opts.measured?.stop();
  const total = result.requests.total;
  return {
    requestsPerSecond: total / opts.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + unexpected,
    requests: total,
  };
}

/** The value at a percentile of sorted numbers (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Multi-step flows (a whole browserless login) that autocannon cannot express: `connections`
 * workers repeat the flow until the time is up; each flow counts once.
 */
export async function measureFlow(flow: () => Promise<void>, opts: Omit<LoadOptions, 'base'>): Promise<Measurement> {
  const loop = async (seconds: number, phase: string) => {
    const until = Date.now() + seconds * 1000;
    const latencies: number[] = [];
    let errors = 0;
    let firstError: string | undefined;
    const started = Date.now();
    const timer = setInterval(() => opts.progress?.(`  ${opts.label} ${phase} ${Math.round((Date.now() - started) / 1000)}/${seconds}s ${latencies.length} flows`), 1000);
    await Promise.all(
      Array.from({ length: opts.connections }, async () => {
        while (Date.now() < until) {
          const t = performance.now();
          try {
            await flow();
            latencies.push(performance.now() - t);
          } catch (err) {
            errors++;
            firstError ??= err instanceof Error ? err.message.slice(0, 300) : String(err);
          }
        }
      }),
    );
    clearInterval(timer);
    return { latencies: latencies.sort((a, b) => a - b), errors, firstError, elapsed: (Date.now() - started) / 1000 };
  };
  if (opts.warmup > 0) await loop(opts.warmup, 'warm-up');
  opts.measured?.start();
  const { latencies, errors, firstError, elapsed } = await loop(opts.duration, 'measuring');
  opts.measured?.stop();
  const ms = (v: number) => Math.round(v * 100) / 100;
  return { requestsPerSecond: latencies.length / elapsed, p50: ms(percentile(latencies, 50)), p99: ms(percentile(latencies, 99)), errors, requests: latencies.length, ...(firstError ? { firstError } : {}) };
}
