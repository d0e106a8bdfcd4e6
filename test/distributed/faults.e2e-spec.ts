import { createServer, Server } from 'node:http';
import { Client } from 'pg';
import { JWT_BEARER, assertion, basic, Browserless, clientKey, freePort, parseForms, postForm } from '@idp/testing';
import { PrivatePostgres } from './private-postgres';
import { Topology } from './topology';

const REDIRECT = 'https://rp.example/cb';
const poll = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Faults that need a database of the test's own: a PostgreSQL cluster under /tmp on a free port
 * (the machine's shared server stays up), a NATS of the topology's own, and processes killed with
 * SIGKILL or stopped with SIGTERM mid-request.
 */
describe('distributed mode: database restart, killed processes, graceful shutdown, OTP races', () => {
  const pg = new PrivatePostgres();
  let topology: Topology;
  let backend: { client_id: string; client_secret: string };
  let legacy: { client_id: string; client_secret: string };
  let phoneApp: { client_id: string };

  beforeAll(async () => {
    if (!PrivatePostgres.available()) throw new Error('this suite needs the PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql');
    await pg.init();
    topology = new Topology({ DEV_OUTBOX: 'on' }, { privateNats: true, databaseUrl: pg.url });
    await topology.start();
    await topology.admin.createResource({ name: 'Extern API', audience: 'https://api.example/extern', scopes: ['extern.api'] });
    backend = await topology.admin.createClient({ client_name: 'Backend', grant_types: ['client_credentials'], scope: 'extern.api' });
    legacy = await topology.admin.createClient({ client_name: 'Legacy desktop', grant_types: ['password'], scope: 'openid' });
    phoneApp = await topology.admin.createClient({
      client_name: 'Phone app',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      scope: 'openid',
      allowed_login_methods: ['phone_otp'],
    });
  });

  afterAll(async () => {
    await topology?.stopAll();
    await pg.destroy();
  });

  const clientCredentials = (base: string) =>
    postForm(`${base}/connect/token`, { grant_type: 'client_credentials', scope: 'extern.api' }, { Authorization: basic(backend.client_id, backend.client_secret) });

  it('PostgreSQL restart: requests answer 503 temporarily_unavailable, no process dies, and everything recovers by itself', async () => {
    const issued = await clientCredentials(topology.authA);
    expect(issued.status).toBe(200);
    // Both instances have read the client once, so each holds it in its cache.
    expect((await clientCredentials(topology.authB)).status).toBe(200);
    await pg.stop('fast');

    for (const base of [topology.authA, topology.authB]) {
      // client_credentials needs no database (the client, its APIs and the keys are cached), so it
      // keeps working; introspection has to read the revocations and says the database is away.
      expect((await clientCredentials(base)).status).toBe(200);
      const refused = await postForm(`${base}/connect/introspect`, { token: issued.json.access_token }, { Authorization: basic(backend.client_id, backend.client_secret) });
      expect(refused.status).toBe(503);
      expect(refused.json).toEqual({ error: 'temporarily_unavailable', error_description: 'the database is not answering; try again shortly' });
      expect(refused.headers.get('retry-after')).toBe('5');
      expect((await fetch(`${base}/health/ready`)).status).toBe(503);
    }
    // A write that goes through the bus: accounts cannot reach the database either.
    const user = await topology.admin.call('POST', '/admin/users', { login: 'during-outage', password: 'during-outage-pass' });
    expect(user.status).toBe(503);
    expect(user.json.error).toBe('temporarily_unavailable');
    // A person gets a page, not a stack trace.
    const page = await fetch(`${topology.authA}/connect/authorize?${new URLSearchParams({ client_id: phoneApp.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'state-12345', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' })}`, { headers: { Accept: 'text/html' } });
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toContain('text/html');

    for (const name of ['auth-a', 'auth-b', 'accounts', 'consent']) expect(topology.alive(name)).toBe(true);

    await pg.start();
    const back = Date.now();
    let recovered = false;
    while (!recovered && Date.now() - back < 15000) {
      const introspect = (base: string) => postForm(`${base}/connect/introspect`, { token: issued.json.access_token }, { Authorization: basic(backend.client_id, backend.client_secret) });
      const [a, b] = await Promise.all([introspect(topology.authA), introspect(topology.authB)]);
      recovered = a.status === 200 && b.status === 200 && a.json.active === true;
      if (!recovered) await poll(200);
    }
    expect(recovered).toBe(true);
    const tokensBack = Date.now() - back;
    let created = await topology.admin.call('POST', '/admin/users', { login: 'after-outage', password: 'after-outage-pass' });
    while (created.status === 503 && Date.now() - back < 15000) {
      await poll(200);
      created = await topology.admin.call('POST', '/admin/users', { login: 'after-outage', password: 'after-outage-pass' });
    }
    expect(created.status).toBe(201);
    // eslint-disable-next-line no-console
    console.log(`PostgreSQL restart: tokens again ${tokensBack} ms after the database returned, accounts ${Date.now() - back} ms`);
    await topology.waitReady(topology.authA, 5000);
  });

  it('kill -9 of accounts amid registrations: every acknowledged account signs in, every other one is whole or absent', async () => {
    const logins = Array.from({ length: 60 }, (_, i) => `killed-${String(i).padStart(2, '0')}`);
    const outcomes = new Map<string, number>();
    let acknowledged = 0;
    let killed: Promise<void> | undefined;
    // Ten at a time; accounts dies by SIGKILL right after the tenth acknowledged account.
    for (let i = 0; i < logins.length; i += 10) {
      await Promise.all(
        logins.slice(i, i + 10).map(async (login) => {
          const res = await topology.admin.call('POST', '/admin/users', { login, password: `${login}-password` });
          outcomes.set(login, res.status);
          if (res.status === 201 && ++acknowledged === 10) killed = topology.kill('accounts', 'SIGKILL');
        }),
      );
      if (killed) break;
    }
    await killed;
    // Those sent while accounts is gone are refused cleanly, and not acknowledged.
    const during = await topology.admin.call('POST', '/admin/users', { login: 'killed-during', password: 'killed-during-password' });
    expect(during.status).toBe(503);
    outcomes.set('killed-during', during.status);
    await topology.restart('accounts');

    const signIn = (login: string) => postForm(`${topology.authB}/connect/token`, { grant_type: 'password', username: login, password: `${login}-password`, scope: 'openid' }, { Authorization: basic(legacy.client_id, legacy.client_secret) });
    const db = new Client({ connectionString: pg.url });
    await db.connect();
    try {
      for (const [login, status] of outcomes) {
        const [row] = (await db.query('SELECT count(*)::int AS n FROM accounts.users WHERE login = $1', [login])).rows;
        const answer = await signIn(login);
        if (status === 201) {
          expect({ login, answer: answer.status }).toEqual({ login, answer: 200 });
        } else {
          expect([503]).toContain(status);
          // Unacknowledged: either nothing was written, or the whole account was (the reply was lost).
          expect({ login, rows: row.n, signsIn: answer.status === 200 }).toEqual(row.n === 0 ? { login, rows: 0, signsIn: false } : { login, rows: 1, signsIn: true });
        }
      }
    } finally {
      await db.end();
    }
    expect(acknowledged).toBeGreaterThanOrEqual(10);
  });

  it('kill -9 of consent amid consent grants: every acknowledged consent is kept, the rest are whole or absent', async () => {
    const app = await topology.admin.createClient({ client_name: 'Consenting app', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], scope: 'openid profile' });
    const people = [];
    for (let i = 0; i < 24; i++) people.push({ login: `consenter-${i}`, id: (await topology.admin.createUser({ login: `consenter-${i}`, password: `consenter-${i}-password` })).id as string });
    const outcomes = new Map<string, boolean>();
    let acknowledged = 0;
    let killed: Promise<void> | undefined;
    const consent = async (person: { login: string; id: string }) => {
      const browser = new Browserless(topology.authA);
      let ok = false;
      try {
        let page = await browser.follow(`/connect/authorize?${new URLSearchParams({ client_id: app.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid profile', state: 'state-12345' })}`);
        page = await browser.submit(page, '/login', { username: person.login, password: `${person.login}-password` });
        page = await browser.submit(page, '/consent', {}, 'allow');
        ok = !!page.location && new URL(page.location).searchParams.has('code');
        if (!ok) expect(page.status).toBe(503);
      } catch (err) {
        // A page without the expected form: the flow broke off when consent went away (a 503 page).
        expect(String(err)).toMatch(/status 503/);
      }
      outcomes.set(person.id, ok);
      if (ok && ++acknowledged === 4) killed = topology.kill('consent', 'SIGKILL');
    };
    // Four at a time; consent dies by SIGKILL right after the fourth acknowledged consent.
    for (let i = 0; i < people.length && !killed; i += 4) await Promise.all(people.slice(i, i + 4).map(consent));
    await killed;
    await topology.restart('consent');
    // The restarted consent app answers on the bus a moment after it says it listens.
    for (let tries = 0; tries < 50; tries++) {
      if ((await topology.admin.call('GET', `/admin/users/${people[0].id}/consents`)).status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }

    for (const [userId, ok] of outcomes) {
      const listed = await topology.admin.call('GET', `/admin/users/${userId}/consents`);
      expect(listed.status).toBe(200);
      const mine = (listed.json as Array<{ client_id: string; scopes: string[] }>).filter((c) => c.client_id === app.client_id);
      if (ok) expect({ userId, consents: mine.length }).toEqual({ userId, consents: 1 });
      else expect({ userId, consents: mine.length }).toEqual({ userId, consents: mine.length === 0 ? 0 : 1 });
      if (mine.length) expect([...mine[0].scopes].sort()).toEqual(['openid', 'profile']);
    }
    expect(acknowledged).toBeGreaterThanOrEqual(4);
  });

  it('SIGTERM during a slow request: new connections are refused, the request in flight completes, then the process exits', async () => {
    const key = await clientKey('RS256');
    let received!: () => void;
    const arrived = new Promise<void>((r) => (received = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const port = await freePort();
    const jwks: Server = createServer((_req, res) => {
      received();
      void released.then(() => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ keys: [key.publicJwk] }));
      });
    });
    await new Promise<void>((r) => jwks.listen(port, '127.0.0.1', () => r()));
    try {
      const partner = await topology.admin.createClient({ client_name: 'Slow keys', grant_types: ['client_credentials'], scope: 'extern.api', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `http://127.0.0.1:${port}/jwks` });
      const slow = postForm(`${topology.authB}/connect/token`, {
        grant_type: 'client_credentials',
        scope: 'extern.api',
        client_id: partner.client_id,
        client_assertion_type: JWT_BEARER,
        client_assertion: await assertion(partner.client_id, key, topology.authA),
      });
      await arrived; // auth-b is now inside the request, waiting for the partner's keys
      const exited = topology.signal('auth-b', 'SIGTERM');
      // Wait until auth-b stops taking new connections: it is shutting down, with the request in flight.
      let closing = false;
      while (!closing) {
        closing = await fetch(`${topology.authB}/health/live`).then((r) => r.status === 503, () => true);
        if (!closing) await poll(50);
      }
      release();
      const answer = await slow;
      expect(answer.status).toBe(200);
      expect(answer.json.token_type).toBe('Bearer');
      // Its keep-alive socket closes with it, so the process need not wait out the keep-alive timeout.
      expect(answer.headers.get('connection')).toBe('close');
      await exited;
      expect(topology.alive('auth-b')).toBe(false);
    } finally {
      release();
      await new Promise<void>((r) => jwks.close(() => r()));
    }
    await topology.restart('auth-b');
    expect((await clientCredentials(topology.authB)).status).toBe(200);
  });

  it('parallel wrong one-time codes on two auth instances never exceed the attempt limit', async () => {
    const browser = new Browserless(topology.authA);
    const login = await browser.follow(`/connect/authorize?${new URLSearchParams({ client_id: phoneApp.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'state-12345', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`);
    const codePage = await browser.submit(login, '/otp/phone', { phone: '+77075559911' });
    expect(codePage.status).toBe(200);
    const outbox = await fetch(`${topology.authA}/dev/outbox?to=${encodeURIComponent('+77075559911')}`).then((r) => r.json());
    const code: string = outbox[0].code;
    const wrong = String((Number(code) + 1) % 1000000).padStart(6, '0');
    const form = parseForms(codePage.body).find((f) => f.action.includes('/otp/verify'))!;
    const action = new URL(form.action, codePage.url);
    const cookie = browser.jar.header(codePage.url)!;
    const post = (base: string, value: string) =>
      fetch(new URL(action.pathname, base), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html', Cookie: cookie },
        body: new URLSearchParams({ ...form.fields, code: value }).toString(),
      });

    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i % 2 ? topology.authA : topology.authB, wrong)));
    // Wrong (400), or refused before checking once the destination's wrong codes pile up (429).
    expect(answers.filter((a) => a.status !== 400 && a.status !== 429)).toEqual([]);
    // The right code after them is too late: the five attempts are gone, on both instances.
    const late = await post(topology.authB, code);
    expect([400, 429]).toContain(late.status);
    expect(late.headers.get('location')).toBeNull();
    const db = new Client({ connectionString: pg.url });
    await db.connect();
    try {
      const rows = (await db.query(`SELECT attempts, consumed_at FROM accounts.otp_challenges WHERE destination = '+77075559911'`)).rows;
      expect(rows).toEqual([{ attempts: 5, consumed_at: null }]);
    } finally {
      await db.end();
    }
  });
});
