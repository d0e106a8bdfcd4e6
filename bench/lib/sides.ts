import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Client as Pg } from 'pg';
import { AdminApi, freePort } from '@idp/testing';

export const ROOT = join(__dirname, '..', '..');
export const API = 'https://api.bench.example';
export const API_SCOPE = 'bench.api';
export const REDIRECT_URI = 'http://127.0.0.1:9/cb';
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** A provider under test, started and seeded by the bench: ours or the peer. */
export interface Side {
  name: 'ours' | 'peer';
  base: string;
  /** Paths of the endpoints, from its discovery document. */
  endpoints: { discovery: string; jwks: string; token: string; introspection: string; userinfo: string; authorization: string; device: string };
  client: { id: string; secret: string };
  user: { login: string; password: string };
  /** Processes whose memory the bench samples (the auth app and its workers). */
  pids(): number[];
  stop(): Promise<void>;
}

export interface OursOptions {
  embedded: boolean;
  workers?: number;
  bcryptCost: number;
  databaseUrl: string;
  natsUrl?: string;
  log?: (line: string) => void;
}

const path = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

async function endpointsOf(base: string): Promise<Side['endpoints']> {
  const d = (await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as Record<string, string>;
  return {
    discovery: '/.well-known/openid-configuration',
    jwks: path(d.jwks_uri),
    token: path(d.token_endpoint),
    introspection: path(d.introspection_endpoint),
    userinfo: path(d.userinfo_endpoint),
    authorization: path(d.authorization_endpoint),
    device: path(d.device_authorization_endpoint),
  };
}

function waitForLine(child: ChildProcess, pattern: RegExp, name: string, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start in time:\n${seen.slice(-2000)}`)), timeoutMs);
    const onData = (d: Buffer) => {
      seen += String(d);
      const line = seen.split('\n').find((l) => pattern.test(l));
      if (line) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(line);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (seen += String(d)));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${seen.slice(-2000)}`));
    });
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The process and its children (cluster workers), read from /proc. */
export function processTree(pid: number): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return [pid, ...children.flatMap(processTree)];
  } catch {
    return [pid];
  }
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The bench's own database: created when missing, our three schemas dropped so every run starts empty. */
export async function resetDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  if (name === 'test') throw new Error('the bench never uses the shared test database; set BENCH_DATABASE_URL');
  const admin = new Pg({ connectionString: Object.assign(new URL(databaseUrl), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
  const pg = new Pg({ connectionString: databaseUrl });
  await pg.connect();
  try {
    await pg.query('DROP SCHEMA IF EXISTS auth CASCADE; DROP SCHEMA IF EXISTS accounts CASCADE; DROP SCHEMA IF EXISTS consent CASCADE');
  } finally {
    await pg.end();
  }
}

/** Registers the bench's API, client and user through the admin API, as an operator would. */
async function seedOurs(base: string, adminToken: string): Promise<Pick<Side, 'client' | 'user'>> {
  const admin = new AdminApi(base, adminToken);
  await admin.createResource({ name: 'Bench API', audience: API, scopes: [API_SCOPE] });
  const client = await admin.createClient({
    client_name: 'Bench client',
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_GRANT],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: `openid profile offline_access ${API_SCOPE}`,
  });
  const user = { login: 'bench-user', password: 'bench-password-1' };
  await admin.createUser({ ...user, given_name: 'Bench', family_name: 'User' });
  return { client: { id: client.client_id, secret: client.client_secret }, user };
}

/** Our platform from the built apps: distributed (accounts, consent, auth with its workers) or embedded. */
export async function startOurs(opts: OursOptions): Promise<Side> {
  const procs: ChildProcess[] = [];
  const adminToken = 'bench-admin-' + randomBytes(12).toString('hex');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let nats: ChildProcess | undefined;
  let natsUrl = opts.natsUrl;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ADMIN_TOKEN: adminToken,
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PAIRWISE_SALT: randomBytes(16).toString('hex'),
    ISSUER: base,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    BCRYPT_COST: String(opts.bcryptCost),
    DEMO: 'off',
    // The counters stay on (their round trip is part of every token request in production), with
    // limits no load from one address reaches; the defaults refuse a fast run within seconds.
    RATE_LIMIT_TOKEN_PER_IP: '1000000000',
    RATE_LIMIT_TOKEN_PER_CLIENT: '1000000000',
    RATE_LIMIT_INTROSPECTION_PER_IP: '1000000000',
    RATE_LIMIT_INTROSPECTION_PER_CLIENT: '1000000000',
    RATE_LIMIT_DEVICE_AUTHORIZATION_PER_IP: '1000000000',
    RATE_LIMIT_DEVICE_AUTHORIZATION_PER_CLIENT: '1000000000',
    ...(opts.workers ? { AUTH_WORKERS: String(opts.workers) } : {}),
  };
  const launch = async (app: string, extra: Record<string, string>) => {
    // BENCH_PROFILE_DIR: CPU profiles (--cpu-prof) of the auth app, written when it stops.
    const profile = process.env.BENCH_PROFILE_DIR && (app === 'auth' || app === 'embedded') ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
    const child = spawn(process.execPath, [...profile, join(ROOT, 'dist', 'apps', app, 'main.js')], { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(child);
    await waitForLine(child, app === 'embedded' ? /is up in/ : /listening/, app);
    child.stdout!.resume();
    child.stderr!.resume();
    return child;
  };
  let auth: ChildProcess;
  try {
    if (opts.embedded) {
      auth = await launch('embedded', { DATA_DIR: 'memory://', PORT: String(port) });
    } else {
      await resetDatabase(opts.databaseUrl);
      if (!natsUrl) {
        const natsPort = await freePort();
        nats = spawn(process.env.NATS_SERVER ?? '/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', `/tmp/bench-nats-${natsPort}`], { stdio: 'ignore' });
        await waitForPort(natsPort);
        natsUrl = `nats://127.0.0.1:${natsPort}`;
      }
      const shared = { DATABASE_URL: opts.databaseUrl, NATS_URL: natsUrl };
      await Promise.all([launch('accounts', { ...shared, PORT: '0' }), launch('consent', { ...shared, PORT: '0' })]);
      auth = await launch('auth', { ...shared, PORT: String(port) });
    }
    opts.log?.(`ours: ${opts.embedded ? 'embedded' : 'distributed'} on ${base}`);
    const seeded = await seedOurs(base, adminToken);
    return {
      name: 'ours',
      base,
      endpoints: await endpointsOf(base),
      ...seeded,
      pids: () => processTree(auth.pid!),
      stop: async () => {
        await Promise.all(procs.reverse().map(stopProcess));
        if (nats) await stopProcess(nats);
      },
    };
  } catch (err) {
    await Promise.all(procs.map(stopProcess));
    if (nats) await stopProcess(nats);
    throw err;
  }
}

/** An already running platform (the embedded e2e starts one in its own process). */
export async function attachOurs(base: string, adminToken: string, stop: () => Promise<void> = async () => undefined): Promise<Side> {
  const seeded = await seedOurs(base, adminToken);
  return { name: 'ours', base, endpoints: await endpointsOf(base), ...seeded, pids: () => [], stop };
}

/** node-oidc-provider, configured like us (bench/peer/oidc-provider.mjs). */
export async function startPeer(bcryptCost: number, log?: (line: string) => void): Promise<Side> {
  const child = spawn(process.execPath, [join(ROOT, 'bench', 'peer', 'oidc-provider.mjs'), '--port', '0', '--bcrypt-cost', String(bcryptCost)], {
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const line = await waitForLine(child, /^\{"peer"/, 'oidc-provider');
    child.stdout!.resume();
    if (process.env.PEER_DEBUG) child.stderr!.pipe(process.stderr);
    else child.stderr!.resume();
    const info = JSON.parse(line);
    log?.(`peer: oidc-provider on ${info.issuer}`);
    return {
      name: 'peer',
      base: info.issuer,
      endpoints: await endpointsOf(info.issuer),
      client: { id: info.client.client_id, secret: info.client.client_secret },
      user: info.user,
      pids: () => [child.pid!],
      stop: () => stopProcess(child),
    };
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
}

/** Resident memory of processes, in MB (Linux). */
export function rssMb(pids: number[]): number[] {
  return pids.flatMap((pid) => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? [Math.round(Number(m[1]) / 1024)] : [];
    } catch {
      return [];
    }
  });
}

/** CPU time (user + system) used so far by processes, in milliseconds (Linux, 100 ticks a second). */
export function cpuMs(pids: number[]): number {
  return pids.reduce((sum, pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return sum + (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return sum;
    }
  }, 0);
}
