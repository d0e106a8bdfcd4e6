/** One side's figures for one scenario. Latencies in milliseconds. */
export interface Measurement {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  /** CPU time the provider's processes spent per request (ms), when the bench could read it. */
  cpuMsPerRequest?: number;
  /** What the first failed flow threw, so an error in the table can be told apart from the others. */
  firstError?: string;
}

export interface ScenarioResult {
  scenario: string;
  ours?: Measurement;
  peer?: Measurement;
  /** Why a side has no figure, or what the scenario's unit is (logins/s rather than requests/s). */
  note?: string;
}

export interface Row {
  scenario: string;
  ours_rps: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  errors: number | null;
  peer_rps: number | null;
  peer_p50_ms: number | null;
  peer_p99_ms: number | null;
  /** CPU milliseconds per request of our auth processes and of the peer: robust to a busy machine. */
  cpu_ms: number | null;
  peer_cpu_ms: number | null;
  /** ours / peer throughput; null when either side has no figure or the peer did nothing. */
  ratio: number | null;
  note?: string;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Our throughput over the peer's. A peer that answered nothing gives no ratio rather than infinity. */
export function ratio(ours: Measurement | undefined, peer: Measurement | undefined): number | null {
  if (!ours || !peer || !(peer.requestsPerSecond > 0)) return null;
  return round(ours.requestsPerSecond / peer.requestsPerSecond, 2);
}

export function toRows(results: ScenarioResult[]): Row[] {
  return results.map((r) => ({
    scenario: r.scenario,
    ours_rps: r.ours ? round(r.ours.requestsPerSecond, 1) : null,
    p50_ms: r.ours ? round(r.ours.p50, 2) : null,
    p99_ms: r.ours ? round(r.ours.p99, 2) : null,
    errors: r.ours ? r.ours.errors : null,
    peer_rps: r.peer ? round(r.peer.requestsPerSecond, 1) : null,
    peer_p50_ms: r.peer ? round(r.peer.p50, 2) : null,
    peer_p99_ms: r.peer ? round(r.peer.p99, 2) : null,
    cpu_ms: r.ours?.cpuMsPerRequest !== undefined ? round(r.ours.cpuMsPerRequest, 3) : null,
    peer_cpu_ms: r.peer?.cpuMsPerRequest !== undefined ? round(r.peer.cpuMsPerRequest, 3) : null,
    ratio: ratio(r.ours, r.peer),
    ...(r.note ? { note: r.note } : {}),
  }));
}

const COLUMNS: Array<[keyof Row, string]> = [
  ['scenario', 'scenario'],
  ['ours_rps', 'our req/s'],
  ['p50_ms', 'p50 ms'],
  ['p99_ms', 'p99 ms'],
  ['errors', 'errors'],
  ['peer_rps', 'peer req/s'],
  ['peer_p99_ms', 'peer p99 ms'],
  ['ratio', 'ratio'],
  ['cpu_ms', 'CPU ms/req'],
  ['peer_cpu_ms', 'peer CPU ms/req'],
];

const cell = (row: Row, key: keyof Row): string => {
  const v = row[key];
  if (v === null || v === undefined) return '-';
  return key === 'ratio' ? `${(v as number).toFixed(2)}x` : String(v);
};

/** The table as aligned plain text, for the terminal. */
export function renderText(rows: Row[]): string {
  const cells = [COLUMNS.map(([, title]) => title), ...rows.map((r) => COLUMNS.map(([k]) => cell(r, k)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** The same table in Markdown; notes go under it. */
export function renderMarkdown(rows: Row[]): string {
  const head = `| ${COLUMNS.map(([, t]) => t).join(' | ')} |`;
  const rule = `|${COLUMNS.map(([k]) => (k === 'scenario' ? '---' : '---:')).join('|')}|`;
  const body = rows.map((r) => `| ${COLUMNS.map(([k]) => cell(r, k)).join(' | ')} |`);
  const notes = rows.filter((r) => r.note).map((r) => `* \`${r.scenario}\`: ${r.note}`);
  return [head, rule, ...body, ...(notes.length ? ['', ...notes] : [])].join('\n');
}
