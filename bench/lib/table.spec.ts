import { Measurement, ratio, renderMarkdown, renderText, toRows } from './table';
import { judge } from './run';

const m = (requestsPerSecond: number, p99 = 10, errors = 0): Measurement => ({ requestsPerSecond, p50: p99 / 2, p99, errors, requests: requestsPerSecond * 10 });

describe('bench table', () => {
  it('ratio is our throughput over the peer, to two decimals', () => {
    expect(ratio(m(1500), m(1000))).toBe(1.5);
    expect(ratio(m(1000), m(3000))).toBe(0.33);
  });

  it('has no ratio when a side is missing or the peer answered nothing', () => {
    expect(ratio(m(1000), undefined)).toBeNull();
    expect(ratio(undefined, m(1000))).toBeNull();
    expect(ratio(m(1000), m(0))).toBeNull();
  });

  it('rows carry both sides, rounded, and the note', () => {
    const [row] = toRows([{ scenario: 'client_credentials', ours: { ...m(1234.567, 12.345, 2), cpuMsPerRequest: 0.41234 }, peer: m(617.2), note: 'n' }]);
    expect(row).toEqual({
      scenario: 'client_credentials', ours_rps: 1234.6, p50_ms: 6.17, p99_ms: 12.35, errors: 2,
      peer_rps: 617.2, peer_p50_ms: 5, peer_p99_ms: 10, cpu_ms: 0.412, peer_cpu_ms: null, ratio: 2, note: 'n',
    });
  });

  it('renders Markdown and text with a dash where a side has no figure', () => {
    const rows = toRows([{ scenario: 'discovery', ours: m(5000) }, { scenario: 'userinfo', ours: m(900), peer: m(450) }]);
    const md = renderMarkdown(rows).split('\n');
    expect(md[0]).toBe('| scenario | our req/s | p50 ms | p99 ms | errors | peer req/s | peer p99 ms | ratio | CPU ms/req | peer CPU ms/req |');
    expect(md[2]).toBe('| discovery | 5000 | 5 | 10 | 0 | - | - | - | - | - |');
    expect(md[3]).toBe('| userinfo | 900 | 5 | 10 | 0 | 450 | 10 | 2.00x | - | - |');
    const text = renderText(rows).split('\n');
    expect(text).toHaveLength(4);
    expect(text[3]).toMatch(/^userinfo\s+900\s+5\s+10\s+0\s+450\s+10\s+2\.00x\s+-\s+-$/);
  });

  it('judges the targets against the ceilings and the peer', () => {
    const rows = toRows([
      { scenario: 'client_credentials', ours: m(1600, 40), peer: m(1000) },
      { scenario: 'refresh_token', ours: m(1200, 60), peer: m(1000) },
      { scenario: 'password_login', ours: m(36) },
    ]);
    const targets = judge(rows, { cores: 2, rs256PerSecond: 2000, bcryptCost: 10, bcryptPerSecond: 40 }, { max_per_process: 120, processes: 3 });
    const met = Object.fromEntries(targets.map((t) => [t.target, t.met]));
    expect(met).toEqual({
      'client_credentials at least 1.5x oidc-provider': true,
      'client_credentials p99 under 50 ms': true,
      'refresh_token at least 1.5x oidc-provider': false,
      'refresh_token p99 under 50 ms': false,
      'client_credentials at 70% of the RS256 ceiling': true,
      'password logins at 90% of the bcrypt ceiling (cost 10)': true,
      'auth worker RSS under 150 MB under load': true,
    });
  });
});
