import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, chmodSync, chownSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@idp/testing';

const run = promisify(execFile);

/** The bin folder of an installed PostgreSQL server (initdb, pg_ctl), or null. */
function serverBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'initdb'))) return join(root, v, 'bin');
  return null;
}

/**
 * A throwaway PostgreSQL cluster of the test's own, under /tmp on a free loopback port, so a test
 * can stop and start "the database" while the machine's shared server stays up for everyone else.
 * As root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
 */
export class PrivatePostgres {
  private readonly bin = serverBin();
  private dir = '';
  port = 0;

  static available(): boolean {
    return serverBin() !== null;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private async as(cmd: string, args: string[]): Promise<void> {
    const exe = join(this.bin!, cmd);
    if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', exe, ...args]);
    else await run(exe, args);
  }

  async init(): Promise<void> {
    if (!this.bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
    this.dir = mkdtempSync('/tmp/idp-private-pg-');
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(this.dir, Number(stdout), Number(gid));
    }
    chmodSync(this.dir, 0o700);
    this.port = await freePort();
    await this.as('initdb', ['-D', join(this.dir, 'data'), '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
    await this.start();
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off -c full_page_writes=off -c max_connections=200`;
    await this.as('pg_ctl', ['-D', join(this.dir, 'data'), '-o', options, '-l', join(this.dir, 'log'), '-w', '-t', '30', 'start']);
  }

  /** `fast`: clients are disconnected and in-flight transactions rolled back, as a restart does. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.as('pg_ctl', ['-D', join(this.dir, 'data'), '-m', mode, '-w', '-t', '30', 'stop']);
  }

  async destroy(): Promise<void> {
    if (!this.dir) return;
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
    this.dir = '';
  }
}
