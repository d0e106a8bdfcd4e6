import { ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import Redis from 'ioredis';
import { Client } from 'pg';
import { basic, freePort, postForm } from '@idp/testing';
import { Topology } from './topology';

/** A Redis of the test's own on a free loopback port (nothing persisted), or the one TEST_REDIS_URL names. */
async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.TEST_REDIS_URL) return { url: process.env.TEST_REDIS_URL, stop: async () => undefined };
  const port = await freePort();
  const proc: ChildProcess = spawn(process.env.REDIS_SERVER ?? '/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    if (i > 50 || proc.exitCode !== null) throw new Error('redis-server did not start (set REDIS_SERVER or TEST_REDIS_URL)');
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = () => new Promise<void>((r) => (proc.exitCode !== null || proc.signalCode !== null ? r() : (proc.once('exit', () => r()), proc.kill('SIGTERM'))));
  return { url: `redis://127.0.0.1:${port}`, stop };
}

const LIMITS = { RATE_LIMIT_WINDOW: '86400', RATE_LIMIT_TOKEN_PER_CLIENT: '6', RATE_LIMIT_TOKEN_PER_IP: '1000' };

/** Both stores, the same promise: one count across both auth instances. */
describe.each([
  ['PostgreSQL', false],
  ['Redis', true],
])('distributed mode: rate limits shared by the auth instances (%s)', (_store, useRedis) => {
  let redis: { url: string; stop(): Promise<void> } | undefined;
  let topology: Topology;
  let client: { client_id: string; client_secret: string };
  let legacy: { client_id: string; client_secret: string };

  beforeAll(async () => {
    if (useRedis) redis = await startRedis();
    await Topology.resetDatabase();
    topology = new Topology({ ...LIMITS, ...(redis ? { REDIS_URL: redis.url } : {}) });
    await topology.start();
    await topology.admin.createResource({ name: 'Extern API', audience: 'https://api.example/extern', scopes: ['extern.api'] });
    client = await topology.admin.createClient({ client_name: 'Backend', grant_types: ['client_credentials'], scope: 'extern.api' });
    legacy = await topology.admin.createClient({ client_name: 'Legacy', grant_types: ['password'], scope: 'openid' });
    await topology.admin.createUser({ login: 'gulnara', password: 'gulnara-password-1' });
  });

  afterAll(async () => {
    await topology?.stopAll();
    await redis?.stop();
  });

  it('counts one client across both instances: the seventh request, wherever it lands, is 429 slow_down', async () => {
    const token = (base: string) => postForm(`${base}/connect/token`, { grant_type: 'client_credentials', scope: 'extern.api' }, { Authorization: basic(client.client_id, client.client_secret) });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await token(i % 2 ? topology.authA : topology.authB)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    for (const base of [topology.authA, topology.authB]) {
      const refused = await token(base);
      expect(refused.status).toBe(429);
      expect(refused.json.error).toBe('slow_down');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('keeps the counters in the configured store', async () => {
    const pg = new Client({ connectionString: topology.databaseUrl });
    await pg.connect();
    let inPostgres: number;
    try {
      inPostgres = (await pg.query(`SELECT count(*)::int AS n FROM auth.rate_limits WHERE key LIKE 'ep:token:%'`)).rows[0].n;
    } finally {
      await pg.end();
    }
    if (!useRedis) {
      expect(inPostgres).toBe(2); // one per-address and one per-client counter
      return;
    }
    expect(inPostgres).toBe(0);
    const r = new Redis(redis!.url);
    try {
      const keys = await r.keys('idp:rl:ep:token:*');
      expect(keys).toHaveLength(2);
      const values = (await r.mget(keys)).map(Number).sort((a, b) => a - b);
      expect(values).toEqual([8, 8]); // 6 granted + 2 refused, all from one address and one client
      expect(await r.pttl(keys[0])).toBeGreaterThan(0);
    } finally {
      r.disconnect();
    }
  });

  if (useRedis) {
    it('with Redis gone, endpoint limits let requests through while password checks answer 503', async () => {
      await redis!.stop();
      const other = await topology.admin.createClient({ client_name: 'Another backend', grant_types: ['client_credentials'], scope: 'extern.api' });
      const granted = await postForm(`${topology.authB}/connect/token`, { grant_type: 'client_credentials', scope: 'extern.api' }, { Authorization: basic(other.client_id, other.client_secret) });
      expect(granted.status).toBe(200);
      // Without a counter a guesser would have no wall: the password grant refuses to guess blind.
      const password = await postForm(`${topology.authA}/connect/token`, { grant_type: 'password', username: 'gulnara', password: 'gulnara-password-1', scope: 'openid' }, { Authorization: basic(legacy.client_id, legacy.client_secret) });
      expect(password.status).toBe(503);
      expect(password.json).toEqual({ error: 'temporarily_unavailable', error_description: 'the rate-limit store is not answering; try again shortly' });
      for (const name of ['auth-a', 'auth-b']) expect(topology.alive(name)).toBe(true);
    });
  }
});
