import { Client } from 'pg';
import { Browserless, basic, postForm } from '@idp/testing';
import { DATABASE_URL, Topology } from '../distributed/topology';

/**
 * `npm run test:chaos`: bounded load (account registrations, consents through the real pages, token
 * grants, revocations) against the distributed topology, on a database and a NATS server of its
 * own, while it kills and restarts NATS, one auth instance and the accounts service. Then it
 * reports errors by kind and recovery times, and reconciles: every acknowledged registration,
 * consent and revocation must still be there. It fails on a lost acknowledged write or on any 5xx
 * other than 503. Fixed seed and fixed schedule; about two minutes.
 */
const SEED = 20261202;
const WORKERS = 4;
const LOAD_SECONDS = 70;
const REDIRECT = 'https://rp.example/cb';

/** Deterministic choice of operations (mulberry32). */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The chaos run's own database on the test server: same server, another database name. */
function ownDatabaseUrl(): { admin: string; own: string; name: string } {
  const url = new URL(DATABASE_URL);
  const name = `idp_chaos_${process.pid}`;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const own = new URL(url);
  own.pathname = `/${name}`;
  return { admin: admin.toString(), own: own.toString(), name };
}

async function onServer(adminUrl: string, sql: string): Promise<void> {
  const pg = new Client({ connectionString: adminUrl });
  await pg.connect();
  try {
    await pg.query(sql);
  } finally {
    await pg.end();
  }
}

type Outcome = { ok: true } | { ok: false; kind: string };

describe('chaos: load while NATS, an auth instance and accounts are killed and restarted', () => {
  const db = ownDatabaseUrl();
  let topology: Topology;
  const clients: Array<{ client_id: string; client_secret: string }> = [];
  const people: Array<{ id: string; login: string; password: string }> = [];

  const errors = new Map<string, number>();
  const counts = { registrations: 0, consents: 0, grants: 0, revocations: 0, attempts: 0 };
  const acknowledged = { users: [] as Array<{ login: string }>, consents: [] as Array<{ userId: string; clientId: string }>, revoked: [] as Array<{ refresh: string; client: number }> };
  const refreshPool: Array<{ refresh: string; client: number }> = [];
  const recoveries: Record<string, number> = {};
  const badServerErrors: string[] = [];

  beforeAll(async () => {
    await onServer(db.admin, `DROP DATABASE IF EXISTS ${db.name}`);
    await onServer(db.admin, `CREATE DATABASE ${db.name}`);
    topology = new Topology({ BCRYPT_COST: '4', RATE_LIMITS: 'off' }, { privateNats: true, databaseUrl: db.own });
    await topology.start();
    await topology.admin.createResource({ name: 'Extern API', audience: 'https://api.example/extern', scopes: ['extern.api'] });
    for (let i = 0; i < 4; i++) {
      clients.push(
        await topology.admin.createClient({
          client_name: `Chaos app ${i}`,
          redirect_uris: [REDIRECT],
          grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
          scope: 'openid profile offline_access extern.api',
        }),
      );
    }
    for (let i = 0; i < 40; i++) {
      const login = `person-${i}`;
      const user = await topology.admin.createUser({ login, password: `${login}-password` });
      people.push({ id: user.id, login, password: `${login}-password` });
    }
  }, 120000);

  afterAll(async () => {
    await topology?.stopAll();
    await onServer(db.admin, `DROP DATABASE IF EXISTS ${db.name}`).catch(() => undefined);
  });

  function note(kind: string): Outcome {
    errors.set(kind, (errors.get(kind) ?? 0) + 1);
    return { ok: false, kind };
  }

  /** Classifies an answer: a 5xx other than 503 is a failure of the run. */
  function judge(what: string, status: number, json: unknown): Outcome | undefined {
    if (status >= 500) {
      if (status !== 503) badServerErrors.push(`${what}: ${status} ${JSON.stringify(json).slice(0, 200)}`);
      return note(`${what}: ${status} ${(json as { error?: string })?.error ?? ''}`.trim());
    }
    return undefined;
  }

  async function guarded(what: string, run: () => Promise<Outcome>): Promise<Outcome> {
    counts.attempts++;
    try {
      return await run();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      return note(`${what}: network ${cause?.code ?? (err as Error).message}`);
    }
  }

  const base = (random: () => number) => (random() < 0.5 ? topology.authA : topology.authB);
  let userSeq = 0;
  let pairSeq = 0;

  const operations: Record<string, (random: () => number) => Promise<Outcome>> = {
    registration: (random) =>
      guarded('registration', async () => {
        const login = `chaos-${userSeq++}`;
        const res = await fetch(`${base(random)}/admin/users`, { method: 'POST', headers: { Authorization: `Bearer ${topology.adminToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password: `${login}-password` }) });
        const json = await res.json().catch(() => null);
        if (res.status === 201) {
          acknowledged.users.push({ login });
          counts.registrations++;
          return { ok: true };
        }
        return judge('registration', res.status, json) ?? note(`registration: ${res.status}`);
      }),
    consent: () =>
      guarded('consent', async () => {
        // Each person consents to each client once: a fresh pair every time.
        const pair = pairSeq++ % (people.length * clients.length);
        const person = people[pair % people.length];
        const client = Math.floor(pair / people.length);
        const browser = new Browserless(topology.authA);
        const url = `/connect/authorize?${new URLSearchParams({ client_id: clients[client].client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid offline_access', state: `state-${pair}-chaos`, prompt: 'consent' })}`;
        let page = await browser.follow(url);
        if (page.status >= 500) return judge('consent page', page.status, page.body.slice(0, 100))!;
        if (page.body.includes('/login"')) page = await browser.submit(page, '/login', { username: person.login, password: person.password });
        if (page.status >= 500) return judge('consent login', page.status, page.body.slice(0, 100))!;
        if (!page.body.includes('/consent"')) return note(`consent: no consent page (${page.status})`);
        page = await browser.submit(page, '/consent', {}, 'allow');
        if (page.status >= 500) return judge('consent allow', page.status, page.body.slice(0, 100))!;
        const code = page.location ? new URL(page.location).searchParams.get('code') : null;
        if (!code) return note(`consent: no code (${page.status})`);
        acknowledged.consents.push({ userId: person.id, clientId: clients[client].client_id });
        counts.consents++;
        // The code goes straight to the token endpoint: its refresh token feeds the revocations.
        const tokens = await postForm(`${topology.authA}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, { Authorization: basic(clients[client].client_id, clients[client].client_secret) });
        if (tokens.status === 200 && tokens.json.refresh_token) refreshPool.push({ refresh: tokens.json.refresh_token, client });
        else judge('code redemption', tokens.status, tokens.json);
        return { ok: true };
      }),
    grant: (random) =>
      guarded('token grant', async () => {
        const client = Math.floor(random() * clients.length);
        const res = await postForm(`${base(random)}/connect/token`, { grant_type: 'client_credentials', scope: 'extern.api' }, { Authorization: basic(clients[client].client_id, clients[client].client_secret) });
        if (res.status === 200) {
          counts.grants++;
          return { ok: true };
        }
        return judge('token grant', res.status, res.json) ?? note(`token grant: ${res.status} ${res.json?.error}`);
      }),
    revocation: (random) =>
      guarded('revocation', async () => {
        const item = refreshPool.shift();
        if (!item) return { ok: true };
        const c = clients[item.client];
        const res = await postForm(`${base(random)}/connect/revocation`, { token: item.refresh, token_type_hint: 'refresh_token' }, { Authorization: basic(c.client_id, c.client_secret) });
        if (res.status === 200) {
          acknowledged.revoked.push(item);
          counts.revocations++;
          return { ok: true };
        }
        refreshPool.push(item);
        return judge('revocation', res.status, res.json) ?? note(`revocation: ${res.status} ${res.json?.error}`);
      }),
  };
  const mix: Array<keyof typeof operations> = ['registration', 'consent', 'grant', 'grant', 'revocation'];

  /** Polls `probe` until it succeeds; records how long that took under `name`. */
  async function recovery(name: string, probe: () => Promise<boolean>): Promise<void> {
    const from = Date.now();
    for (;;) {
      if (await probe().catch(() => false)) break;
      if (Date.now() - from > 30000) throw new Error(`${name}: no recovery within 30 s`);
      await sleep(100);
    }
    recoveries[name] = Date.now() - from;
  }

  const accountsWork = async () => (await fetch(`${topology.authA}/admin/users?query=person-0`, { headers: { Authorization: `Bearer ${topology.adminToken}` } })).status === 200;

  it('keeps every acknowledged write and answers nothing but 503 when it cannot serve', async () => {
    const deadline = Date.now() + LOAD_SECONDS * 1000;
    const workers = Array.from({ length: WORKERS }, async (_, w) => {
      const random = prng(SEED + w);
      while (Date.now() < deadline) {
        await operations[mix[Math.floor(random() * mix.length)]](random);
      }
    });

    const faults = (async () => {
      await sleep(8000);
      await topology.stopNats();
      await sleep(6000);
      await topology.startNats();
      await recovery('NATS restarted -> accounts reachable', accountsWork);
      await sleep(6000);
      await topology.kill('auth-b', 'SIGKILL');
      await sleep(5000);
      const restartAt = Date.now();
      await topology.restart('auth-b');
      recoveries['auth-b killed -> restarted and ready'] = Date.now() - restartAt;
      await sleep(6000);
      await topology.kill('accounts', 'SIGKILL');
      await sleep(5000);
      const restarted = Date.now();
      await topology.restart('accounts');
      await recovery('accounts killed -> restarted and answering', accountsWork);
      recoveries['accounts killed -> restarted and answering'] = Date.now() - restarted;
    })();

    await Promise.all([...workers, faults]);

    // Reconciliation, once everything is back.
    await topology.waitReady(topology.authA);
    await topology.waitReady(topology.authB);
    const lost: string[] = [];
    // Accounts are read straight from the run's own database: the search API pages by prefix.
    const pg = new Client({ connectionString: db.own });
    await pg.connect();
    try {
      const logins = acknowledged.users.map((u) => u.login);
      const found = new Set((await pg.query('SELECT login FROM accounts.users WHERE login = ANY($1)', [logins])).rows.map((r) => r.login));
      for (const login of logins) if (!found.has(login)) lost.push(`registration ${login}`);
    } finally {
      await pg.end();
    }
    for (const { userId, clientId } of acknowledged.consents) {
      const res = await topology.admin.call('GET', `/admin/users/${userId}/consents`);
      if (!(res.json as Array<{ client_id: string }>).some((c) => c.client_id === clientId)) lost.push(`consent ${userId} -> ${clientId}`);
    }
    for (const item of acknowledged.revoked) {
      const c = clients[item.client];
      const res = await postForm(`${topology.authB}/connect/token`, { grant_type: 'refresh_token', refresh_token: item.refresh }, { Authorization: basic(c.client_id, c.client_secret) });
      if (res.json?.error !== 'invalid_grant') lost.push(`revocation of a refresh token of ${c.client_id} (refresh answered ${res.status})`);
    }

    const report = {
      seed: SEED,
      attempts: counts.attempts,
      acknowledged: { registrations: counts.registrations, consents: counts.consents, token_grants: counts.grants, revocations: counts.revocations },
      errors_by_kind: Object.fromEntries([...errors.entries()].sort((a, b) => b[1] - a[1])),
      recovery_ms: recoveries,
      reconciliation: { checked: acknowledged.users.length + acknowledged.consents.length + acknowledged.revoked.length, lost },
      server_errors_other_than_503: badServerErrors,
    };
    // eslint-disable-next-line no-console
    console.log(`chaos report\n${JSON.stringify(report, null, 2)}`);

    expect(lost).toEqual([]);
    expect(badServerErrors).toEqual([]);
    // The run must have done something under each fault, or it proves nothing.
    expect(counts.registrations).toBeGreaterThan(0);
    expect(counts.consents).toBeGreaterThan(0);
    expect(counts.grants).toBeGreaterThan(0);
    expect(counts.revocations).toBeGreaterThan(0);
  }, 180000);
});
