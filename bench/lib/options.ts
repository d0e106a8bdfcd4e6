import { parseArgs } from 'node:util';
import { SCENARIOS, ScenarioName } from './scenarios';

export interface BenchOptions {
  embedded: boolean;
  /** A smoke run: short warm-up and duration, shorter ceilings. */
  quick: boolean;
  duration: number;
  warmup: number;
  connections: number;
  only: ScenarioName[];
  peer: boolean;
  scale: boolean;
  workers?: number;
  bcryptCost: number;
  databaseUrl: string;
  natsUrl?: string;
  out: string;
}

const positive = (name: string, raw: string | undefined, fallback: number, min = 1): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number of at least ${min}, got "${raw}"`);
  return n;
};

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      embedded: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string', multiple: true },
      'no-peer': { type: 'boolean', default: false },
      scale: { type: 'boolean', default: false },
      workers: { type: 'string' },
      'bcrypt-cost': { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const only = (values.only ?? []).flatMap((v) => v.split(',')).filter(Boolean);
  const unknown = only.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
  // --quick only changes the defaults: an explicit --duration or --warmup still wins.
  const quick = values.quick!;
  const duration = positive('duration', values.duration, quick ? 2 : 10);
  return {
    embedded: values.embedded!,
    quick,
    duration,
    warmup: positive('warmup', values.warmup, Math.min(quick ? 0.5 : 2, duration), 0),
    connections: positive('connections', values.connections, 16),
    only: (only.length ? only : [...SCENARIOS]) as ScenarioName[],
    peer: !values['no-peer'],
    scale: values.scale!,
    workers: values.workers !== undefined ? positive('workers', values.workers, 1) : undefined,
    bcryptCost: positive('bcrypt-cost', values['bcrypt-cost'], 10, 4),
    databaseUrl: env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench',
    natsUrl: env.BENCH_NATS_URL || undefined,
    out: values.out ?? 'bench/results',
  };
}
