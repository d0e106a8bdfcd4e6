import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { AdminApi, freePort } from '@idp/testing';

const ROOT = join(__dirname, '..', '..');
export const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

type App = 'auth' | 'accounts' | 'consent';

/**
 * The distributed topology, from the built artifacts: accounts and consent on NATS, two auth
 * instances on different ports sharing one issuer, all on one PostgreSQL database.
 */
export class Topology {
  readonly adminToken = 'distributed-admin-token-' + randomBytes(8).toString('hex');
  private readonly kek = randomBytes(32).toString('base64');
  private readonly pairwiseSalt = randomBytes(16).toString('hex');
  private readonly procs = new Map<string, ChildProcess>();
  private readonly logs = new Map<string, string[]>();
  private readonly ports = new Map<string, { app: App; port?: number }>();
  authA = '';
  authB = '';
  admin!: AdminApi;

  private nats?: ChildProcess;
  private natsUrl = NATS_URL;

  /**
   * Extra environment for every process (e.g. DEV_OUTBOX=on for the one-time code tests);
   * `privateNats` runs a NATS server of the topology's own, which the fault tests may stop.
   */
  constructor(
    private readonly env: Record<string, string> = {},
    private readonly options: { privateNats?: boolean; databaseUrl?: string } = {},
  ) {}

  /** The database the topology runs on: the shared test database unless given its own. */
  get databaseUrl(): string {
    return this.options.databaseUrl ?? DATABASE_URL;
  }

  /** Starts (or restarts, on the same port) the topology's own NATS server. */
  async startNats(): Promise<void> {
    const port = this.nats?.spawnargs.includes('-p') ? Number(this.nats.spawnargs[this.nats.spawnargs.indexOf('-p') + 1]) : await freePort();
    this.natsUrl = `nats://127.0.0.1:${port}`;
    this.nats = spawn(process.env.NATS_SERVER ?? '/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    const until = Date.now() + 5000;
    for (;;) {
      const up = await new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
        socket.on('error', () => resolve(false));
      });
      if (up) return;
      if (Date.now() > until) throw new Error('private NATS did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stopNats(): Promise<void> {
    const nats = this.nats;
    if (!nats || nats.exitCode !== null) return;
    const exited = new Promise((r) => nats.once('exit', r));
    nats.kill('SIGKILL');
    await exited;
  }

  static async resetDatabase(): Promise<void> {
    const pg = new Client({ connectionString: DATABASE_URL });
    await pg.connect();
    try {
      await pg.query('DROP SCHEMA IF EXISTS auth CASCADE; DROP SCHEMA IF EXISTS accounts CASCADE; DROP SCHEMA IF EXISTS consent CASCADE');
    } finally {
      await pg.end();
    }
  }

  async start(): Promise<void> {
    const [a, b] = [await freePort(), await freePort()];
    this.authA = `http://127.0.0.1:${a}`;
    this.authB = `http://127.0.0.1:${b}`;
    if (this.options.privateNats) await this.startNats();
    // Both auth instances start at once: migrations and the first signing key must happen exactly once.
    await Promise.all([this.spawn('accounts', 'accounts'), this.spawn('consent', 'consent'), this.spawn('auth-a', 'auth', a), this.spawn('auth-b', 'auth', b)]);
    await Promise.all([this.waitReady(this.authA), this.waitReady(this.authB)]);
    this.admin = new AdminApi(this.authA, this.adminToken);
  }

  spawn(name: string, app: App, port?: number): Promise<void> {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', app, 'main.js')], {
      env: {
        ...process.env,
        DATABASE_URL: this.databaseUrl,
        NATS_URL: this.natsUrl,
        ADMIN_TOKEN: this.adminToken,
        KEY_ENCRYPTION_KEY: this.kek,
        PAIRWISE_SALT: this.pairwiseSalt,
        ISSUER: this.authA,
        PORT: String(port ?? 0),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        BCRYPT_COST: '6',
        OUTBOUND_ALLOW_PRIVATE: 'true',
        BUS_TIMEOUT_MS: '2000',
        // One process per auth instance unless a suite asks for the cluster (AUTH_WORKERS defaults to the cores).
        AUTH_WORKERS: '1',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.ports.set(name, { app, port });
    const log: string[] = this.logs.get(name) ?? [];
    this.logs.set(name, log);
    child.stdout!.on('data', (d) => log.push(String(d)));
    child.stderr!.on('data', (d) => log.push(String(d)));
    this.procs.set(name, child);
    return new Promise((resolve, reject) => {
      const onData = (d: Buffer) => {
        if (/listening/.test(String(d))) {
          child.stdout!.off('data', onData);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${log.join('')}`)));
    });
  }

  async stop(name: string): Promise<void> {
    const child = this.procs.get(name);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    this.procs.delete(name);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.procs.keys()].map((n) => this.stop(n)));
    await this.stopNats();
  }

  log(name: string): string {
    return (this.logs.get(name) ?? []).join('');
  }

  async waitReady(base: string, timeoutMs = 20000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      try {
        if ((await fetch(`${base}/health/ready`)).status === 200) return;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${base} not ready after ${timeoutMs} ms`);
  }

  /** Sends a signal to one process (SIGKILL: no goodbye, no cleanup) and waits for it to exit. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.procs.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
    this.procs.delete(name);
  }

  /** Sends a signal without waiting, for a test that watches what the process does meanwhile. */
  signal(name: string, signal: NodeJS.Signals): Promise<number | null> {
    const child = this.procs.get(name)!;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill(signal);
    return exited;
  }

  /** Starts a process again under its name, on the same port. */
  async restart(name: string): Promise<void> {
    const { app, port } = this.ports.get(name)!;
    await this.spawn(name, app, port);
    if (app === 'auth') await this.waitReady(name === 'auth-a' ? this.authA : this.authB);
  }

  /** Drops the schemas of this topology's own database (see resetDatabase for the shared one). */
  async resetOwnDatabase(): Promise<void> {
    const pg = new Client({ connectionString: this.databaseUrl });
    await pg.connect();
    try {
      await pg.query('DROP SCHEMA IF EXISTS auth CASCADE; DROP SCHEMA IF EXISTS accounts CASCADE; DROP SCHEMA IF EXISTS consent CASCADE');
    } finally {
      await pg.end();
    }
  }

  /** Whether the named process is still running (it has neither exited nor been killed). */
  alive(name: string): boolean {
    const child = this.procs.get(name);
    return !!child && child.exitCode === null && child.signalCode === null;
  }
}
