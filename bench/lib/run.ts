import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Ceilings, measureCeilings } from './ceilings';
import { measure, measureFlow } from './load';
import { BenchOptions } from './options';
import { Fixtures, ScenarioName, TOKEN_SCENARIOS, plan } from './scenarios';
import { Side, cpuMs, rssMb, startOurs, startPeer } from './sides';
import { ScaleReport, runScale } from './scale';
import { Measurement, Row, ScenarioResult, renderMarkdown, renderText, toRows } from './table';

export interface Target {
  target: string;
  measured: string;
  met: boolean;
}

export interface BenchReport {
  at: string;
  machine: { cpu: string; cores: number; memory_gb: number; node: string };
  options: Omit<BenchOptions, 'databaseUrl' | 'natsUrl'> & { mode: string };
  ceilings?: Ceilings;
  rows: Row[];
  rss_mb?: { max_per_process: number; processes: number };
  targets: Target[];
  scale?: ScaleReport;
}

export interface BenchHooks {
  /** Starts our side instead of spawning the built apps (the embedded e2e runs it in its own process). */
  startOurs?: () => Promise<Side>;
  log?: (line: string) => void;
  progress?: (line: string) => void;
}

export function machine(): BenchReport['machine'] {
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version };
}

/** The issue's targets, judged on this run's figures. */
export function judge(rows: Row[], ceilings: Ceilings | undefined, rss: BenchReport['rss_mb']): Target[] {
  const row = (s: string) => rows.find((r) => r.scenario === s);
  const targets: Target[] = [];
  for (const s of TOKEN_SCENARIOS) {
    const r = row(s);
    if (r?.ratio != null) targets.push({ target: `${s} at least 1.5x oidc-provider`, measured: `${r.ratio.toFixed(2)}x`, met: r.ratio >= 1.5 });
    if (r?.p99_ms != null) targets.push({ target: `${s} p99 under 50 ms`, measured: `${r.p99_ms} ms`, met: r.p99_ms < 50 });
  }
  const cc = row('client_credentials');
  if (ceilings && cc?.ours_rps != null) {
    const share = cc.ours_rps / ceilings.rs256PerSecond;
    targets.push({ target: 'client_credentials at 70% of the RS256 ceiling', measured: `${Math.round(share * 100)}% (${cc.ours_rps} of ${ceilings.rs256PerSecond}/s)`, met: share >= 0.7 });
  }
  const login = row('password_login');
  if (ceilings && login?.ours_rps != null) {
    const share = login.ours_rps / ceilings.bcryptPerSecond;
    targets.push({ target: `password logins at 90% of the bcrypt ceiling (cost ${ceilings.bcryptCost})`, measured: `${Math.round(share * 100)}% (${login.ours_rps} of ${ceilings.bcryptPerSecond}/s)`, met: share >= 0.9 });
  }
  if (rss?.processes) targets.push({ target: 'auth worker RSS under 150 MB under load', measured: `${rss.max_per_process} MB`, met: rss.max_per_process < 150 });
  return targets;
}

export function renderReportMarkdown(report: BenchReport): string {
  const m = report.machine;
  const lines = [
    `# Benchmark ${report.at}`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB, Node ${m.node}. Mode: ${report.options.mode}; ${report.options.connections} connections, ${report.options.warmup} s warm-up, ${report.options.duration} s per scenario.`,
    '',
    renderMarkdown(report.rows),
    '',
  ];
  if (report.ceilings) lines.push(`Ceilings on this machine: RS256 ${report.ceilings.rs256PerSecond} signatures/s, bcrypt cost ${report.ceilings.bcryptCost} ${report.ceilings.bcryptPerSecond} comparisons/s (${report.ceilings.cores} threads).`, '');
  if (report.targets.length) lines.push('| target | measured | met |', '|---|---|---|', ...report.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? 'yes' : 'no'} |`), '');
  if (report.scale) {
    const { small, large, change } = report.scale;
    lines.push(
      `Scale: latency at ${small.rows.refreshTokens} refresh tokens / ${small.rows.users} users / ${small.rows.clients} clients against ${large.rows.refreshTokens} / ${large.rows.users} / ${large.rows.clients}:`,
      '',
      '| scenario | p50 ms small | p99 ms small | p50 ms large | p99 ms large | p50 large/small |',
      '|---|---:|---:|---:|---:|---:|',
      ...Object.keys(change).map((s) => `| ${s} | ${small.results[s].p50_ms} | ${small.results[s].p99_ms} | ${large.results[s].p50_ms} | ${large.results[s].p99_ms} | ${change[s].p50.toFixed(2)}x |`),
      '',
    );
  }
  return lines.join('\n');
}

export async function runBench(opts: BenchOptions, hooks: BenchHooks = {}): Promise<BenchReport> {
  const log = hooks.log ?? ((l: string) => process.stdout.write(l + '\n'));
  const progress = hooks.progress ?? ((l: string) => process.stderr.write(`\r${l}\x1b[K`));
  const at = new Date().toISOString();
  log(`machine: ${JSON.stringify(machine())}`);
  log('measuring the RS256 and bcrypt ceilings ...');
  const ceilings = await measureCeilings(opts.bcryptCost, opts.quick ? 1 : Math.min(3, opts.duration));
  log(`ceilings: RS256 ${ceilings.rs256PerSecond}/s, bcrypt cost ${ceilings.bcryptCost} ${ceilings.bcryptPerSecond}/s on ${ceilings.cores} threads`);

  const sides: Side[] = [];
  const results: ScenarioResult[] = [];
  const rss: number[] = [];
  let scale: ScaleReport | undefined;
  try {
    sides.push(hooks.startOurs ? await hooks.startOurs() : await startOurs({ embedded: opts.embedded, workers: opts.workers, bcryptCost: opts.bcryptCost, databaseUrl: opts.databaseUrl, natsUrl: opts.natsUrl, log }));
    if (opts.peer) sides.push(await startPeer(opts.bcryptCost, log));
    const fixtures = new Map(sides.map((s) => [s.name, new Fixtures(s)]));
    const tokenRate = new Map<string, number>();
    for (const scenario of opts.only) {
      const result: ScenarioResult = { scenario };
      for (const side of sides) {
        const label = `${scenario} [${side.name}]`;
        progress(`  ${label} preparing`);
        const p = await plan(scenario as ScenarioName, fixtures.get(side.name)!, {
          connections: opts.connections,
          seconds: opts.duration + opts.warmup,
          expectedTokenRate: tokenRate.get(side.name) ?? 1000,
        });
        const sampler = side.name === 'ours' ? setInterval(() => rss.push(...rssMb(side.pids())), 500) : undefined;
        let cpu = 0;
        const measured = { start: () => (cpu = -cpuMs(side.pids())), stop: () => (cpu += cpuMs(side.pids())) };
        const lo = { connections: opts.connections, duration: opts.duration, warmup: opts.warmup, label, progress, measured };
        let m: Measurement;
        try {
          m = p.flow ? await measureFlow(p.flow, lo) : await measure(p.request!, { ...lo, base: side.base });
        } finally {
          clearInterval(sampler);
        }
        if (side.pids().length && m.requests) m.cpuMsPerRequest = cpu / m.requests;
        if (scenario === 'client_credentials') tokenRate.set(side.name, m.requestsPerSecond);
        result[side.name] = m;
        if (p.note) result.note = p.note;
        progress('');
        log(`${label}: ${m.requestsPerSecond.toFixed(1)}/s p50 ${m.p50} ms p99 ${m.p99} ms errors ${m.errors}${m.cpuMsPerRequest !== undefined ? ` CPU ${m.cpuMsPerRequest.toFixed(3)} ms/req` : ''}`);
        if (m.firstError) log(`  first error: ${m.firstError}`);
      }
      results.push(result);
    }
    if (opts.scale) {
      if (opts.embedded || hooks.startOurs) throw new Error('--scale needs the distributed mode (PostgreSQL)');
      // A failure here must not lose the table measured above.
      scale = await runScale(opts.databaseUrl, sides[0], { connections: opts.connections, duration: opts.duration, warmup: Math.min(opts.warmup, 1) }, log).catch((err) => {
        log(`scale comparison failed: ${err?.message ?? err}`);
        return undefined;
      });
    }
  } finally {
    for (const s of sides.reverse()) await s.stop().catch(() => undefined);
  }

  const rows = toRows(results);
  const rssSummary = rss.length ? { max_per_process: Math.max(...rss), processes: sides.find((s) => s.name === 'ours')?.pids().length ?? 0 } : undefined;
  const report: BenchReport = {
    at,
    machine: machine(),
    options: { embedded: opts.embedded, quick: opts.quick, duration: opts.duration, warmup: opts.warmup, connections: opts.connections, only: opts.only, peer: opts.peer, scale: opts.scale, workers: opts.workers, bcryptCost: opts.bcryptCost, out: opts.out, mode: opts.embedded ? 'embedded' : 'distributed' },
    ceilings,
    rows,
    rss_mb: rssSummary,
    targets: judge(rows, ceilings, rssSummary),
    ...(scale ? { scale } : {}),
  };
  for (const [scenario, change] of Object.entries(scale?.change ?? {})) {
    if (scenario === 'password_login') continue;
    report.targets.push({ target: `${scenario} p50 at 1M rows within 20% of 10k rows`, measured: `${change.p50.toFixed(2)}x (p99 ${change.p99.toFixed(2)}x)`, met: change.p50 <= 1.2 });
  }

  log('');
  log(renderText(rows));
  log('');
  for (const t of report.targets) log(`${t.met ? 'met    ' : 'NOT met'}  ${t.target}: ${t.measured}`);
  mkdirSync(opts.out, { recursive: true });
  writeFileSync(join(opts.out, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(opts.out, 'latest.md'), renderReportMarkdown(report));
  log(`written: ${join(opts.out, 'latest.json')}, ${join(opts.out, 'latest.md')}`);
  return report;
}
