import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions } from '../../bench/lib/options';
import { runBench } from '../../bench/lib/run';
import { attachOurs } from '../../bench/lib/sides';
import { startEmbeddedPlatform } from './embedded-platform';

/** The benchmark harness in its smallest mode, so that it keeps working: both providers, one scenario. */
describe('npm run bench, tiny mode', () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('measures discovery on our embedded platform and on oidc-provider and writes the table', async () => {
    const opts = parseOptions(['--embedded', '--duration', '1', '--warmup', '0', '--connections', '2', '--only', 'discovery', '--out', out, '--bcrypt-cost', '4'], {});
    const lines: string[] = [];
    const report = await runBench(opts, {
      startOurs: async () => {
        const platform = await startEmbeddedPlatform();
        return attachOurs(platform.base, 'test-admin-token-0123456789', () => platform.close());
      },
      log: (l) => lines.push(l),
      progress: () => undefined,
    });

    expect(report.rows).toHaveLength(1);
    const [row] = report.rows;
    expect(row.scenario).toBe('discovery');
    expect(row.errors).toBe(0);
    expect(row.ours_rps).toBeGreaterThan(0);
    expect(row.peer_rps).toBeGreaterThan(0);
    expect(row.ratio).toBeCloseTo(row.ours_rps! / row.peer_rps!, 1);
    expect(report.ceilings!.rs256PerSecond).toBeGreaterThan(0);
    expect(report.ceilings!.bcryptPerSecond).toBeGreaterThan(0);
    expect(lines.join('\n')).toMatch(/scenario\s+our req\/s\s+p50 ms\s+p99 ms\s+errors\s+peer req\/s\s+peer p99 ms\s+ratio\s+CPU ms\/req/);

    const json = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
    expect(json.rows).toEqual(report.rows);
    expect(json.options.mode).toBe('embedded');
    expect(existsSync(join(out, 'latest.md'))).toBe(true);
    expect(readFileSync(join(out, 'latest.md'), 'utf8')).toContain('| discovery |');
  });

  it('refuses an unknown scenario and a bad duration', () => {
    expect(() => parseOptions(['--only', 'nonsense'], {})).toThrow(/unknown scenario nonsense/);
    expect(() => parseOptions(['--duration', '0'], {})).toThrow(/--duration/);
  });
});
