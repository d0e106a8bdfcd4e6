import { Client as Pg } from 'pg';
import { measure, measureFlow } from './load';
import { Fixtures, ScenarioName, plan } from './scenarios';
import { Side } from './sides';

export interface ScaleSize {
  refreshTokens: number;
  users: number;
  clients: number;
}

export const SMALL: ScaleSize = { refreshTokens: 10_000, users: 10_000, clients: 1_000 };
export const LARGE: ScaleSize = { refreshTokens: 1_000_000, users: 100_000, clients: 10_000 };
export const SCALE_SCENARIOS: ScenarioName[] = ['refresh_token', 'introspection_refresh_token', 'password_login'];

const CHUNK = 250_000;

/**
 * Fills the tables with rows made in SQL (generate_series), not through the API: clients copied
 * from the bench client's metadata, users with the bench user's password hash, grants (four
 * refresh tokens each) and refresh tokens, nine in ten of them already rotated, as in a provider
 * that has run for a while. Tops up to `size`, so the large phase adds to the small one.
 */
export async function seedRows(databaseUrl: string, side: Side, size: ScaleSize, log: (l: string) => void): Promise<void> {
  const pg = new Pg({ connectionString: databaseUrl });
  await pg.connect();
  try {
    const count = async (sql: string) => Number((await pg.query(sql)).rows[0].n);
    const have = {
      clients: await count(`SELECT count(*) AS n FROM auth.clients WHERE client_id LIKE 'scale-client-%'`),
      users: await count(`SELECT count(*) AS n FROM accounts.users WHERE login LIKE 'scale-user-%'`),
      tokens: await count(`SELECT count(*) AS n FROM auth.refresh_tokens WHERE client_id LIKE 'scale-client-%'`),
    };
    const started = Date.now();
    await pg.query(
      `INSERT INTO auth.clients (client_id, secret_hash, metadata)
       SELECT 'scale-client-' || i, md5('scale-secret-' || i), (SELECT metadata FROM auth.clients WHERE client_id = $1)
       FROM generate_series($2::int, $3::int) AS i`,
      [side.client.id, have.clients + 1, size.clients],
    );
    await pg.query(
      `INSERT INTO accounts.users (id, login, password_hash, given_name)
       SELECT md5('scale-user-' || i)::uuid, 'scale-user-' || i, (SELECT password_hash FROM accounts.users WHERE login = $1), 'Scale'
       FROM generate_series($2::int, $3::int) AS i`,
      [side.user.login, have.users + 1, size.users],
    );
    for (let from = have.tokens + 1; from <= size.refreshTokens; from += CHUNK) {
      const to = Math.min(size.refreshTokens, from + CHUNK - 1);
      await pg.query(
        `INSERT INTO auth.grants (id, client_id, user_id, scopes, auth_time)
         SELECT md5('scale-grant-' || g)::uuid, 'scale-client-' || (g % $3 + 1), md5('scale-user-' || (g % $4 + 1))::text, '{openid,offline_access}', now()
         FROM generate_series($1::int / 4, $2::int / 4) AS g
         ON CONFLICT (id) DO NOTHING`,
        [from, to, size.clients, size.users],
      );
      await pg.query(
        `INSERT INTO auth.refresh_tokens (token_hash, grant_id, client_id, user_id, scopes, expires_at, consumed_at)
         SELECT encode(sha256(('scale-rt-' || i)::bytea), 'hex'), md5('scale-grant-' || (i / 4))::uuid, 'scale-client-' || ((i / 4) % $3 + 1),
                md5('scale-user-' || ((i / 4) % $4 + 1))::text, '{openid,offline_access}', now() + interval '30 days',
                CASE WHEN i % 10 = 0 THEN NULL ELSE now() END
         FROM generate_series($1::int, $2::int) AS i`,
        [from, to, size.clients, size.users],
      );
      log(`  seeded refresh tokens up to ${to}`);
    }
    // Measure the steady state, not the aftermath of the bulk load: statistics and visibility map
    // up to date, dirty pages written out (CHECKPOINT needs a superuser; without one, skipped).
    // One statement each: VACUUM cannot run in the implicit transaction of a multi-statement query.
    for (const table of ['auth.clients', 'auth.grants', 'auth.refresh_tokens', 'accounts.users']) await pg.query(`VACUUM ANALYZE ${table}`);
    await pg.query('CHECKPOINT').catch(() => undefined);
    log(`seeded ${size.refreshTokens} refresh tokens, ${size.users} users, ${size.clients} clients in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await pg.end();
  }
}

export interface ScalePhase {
  rows: ScaleSize;
  results: Record<string, { rps: number; p50_ms: number; p99_ms: number; errors: number }>;
}

export interface ScaleReport {
  small: ScalePhase;
  large: ScalePhase;
  /** Latency at the large size over the small one, per scenario (p50 and p99). */
  change: Record<string, { p50: number; p99: number }>;
}

async function phase(side: Side, rows: ScaleSize, opts: { connections: number; duration: number; warmup: number }, log: (l: string) => void): Promise<ScalePhase> {
  const fixtures = new Fixtures(side);
  const results: ScalePhase['results'] = {};
  for (const scenario of SCALE_SCENARIOS) {
    const p = await plan(scenario, fixtures, { connections: opts.connections, seconds: opts.duration + opts.warmup, expectedTokenRate: 1000 });
    const lo = { ...opts, label: `${scenario} at ${rows.refreshTokens} refresh tokens` };
    const m = p.flow ? await measureFlow(p.flow, lo) : await measure(p.request!, { ...lo, base: side.base });
    results[scenario] = { rps: Math.round(m.requestsPerSecond * 10) / 10, p50_ms: m.p50, p99_ms: m.p99, errors: m.errors };
    log(`${lo.label}: p50 ${m.p50} ms p99 ${m.p99} ms ${m.requestsPerSecond.toFixed(1)}/s errors ${m.errors}`);
  }
  return { rows, results };
}

export async function runScale(databaseUrl: string, side: Side, opts: { connections: number; duration: number; warmup: number }, log: (l: string) => void): Promise<ScaleReport> {
  await seedRows(databaseUrl, side, SMALL, log);
  const small = await phase(side, SMALL, opts, log);
  await seedRows(databaseUrl, side, LARGE, log);
  const large = await phase(side, LARGE, opts, log);
  const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);
  const change = Object.fromEntries(
    SCALE_SCENARIOS.map((s) => [s, { p50: ratio(large.results[s].p50_ms, small.results[s].p50_ms), p99: ratio(large.results[s].p99_ms, small.results[s].p99_ms) }]),
  );
  return { small, large, change };
}
