import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

let instance: { dir: string; db: Promise<PGlite> } | undefined;

/** Names the process holding an embedded data folder (PGlite allows one process at a time). */
export const EMBEDDED_PID_FILE = 'embedded.pid';

/** The live process (other than this one) that has the embedded database under dataDir open, if any. */
export function embeddedDatabaseHolder(dataDir: string): number | undefined {
  const file = join(dataDir, EMBEDDED_PID_FILE);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/**
 * The embedded mode's one PostgreSQL (PGlite), shared by the three apps' DataSources. Persisted
 * under DATA_DIR/pg, or in memory when DATA_DIR is memory:// (tests). A second process on the
 * same folder would corrupt it, so the holder's pid is kept in DATA_DIR/embedded.pid.
 */
export function embeddedDatabase(dataDir: string): Promise<PGlite> {
  if (instance && instance.dir === dataDir) return instance.db;
  if (instance) throw new Error(`the embedded database is already open at ${instance.dir}`);
  let target: string | undefined;
  if (!dataDir.startsWith('memory://')) {
    const holder = embeddedDatabaseHolder(dataDir);
    if (holder) throw new Error(`the embedded database under ${dataDir} is in use by process ${holder}`);
    target = join(dataDir, 'pg');
    mkdirSync(target, { recursive: true });
    writeFileSync(join(dataDir, EMBEDDED_PID_FILE), `${process.pid}\n`);
  }
  instance = { dir: dataDir, db: PGlite.create(target ? { dataDir: target } : {}) };
  return instance.db;
}

export async function closeEmbeddedDatabase(): Promise<void> {
  const current = instance;
  instance = undefined;
  if (!current) return;
  await (await current.db).close();
  if (!current.dir.startsWith('memory://')) {
    const file = join(current.dir, EMBEDDED_PID_FILE);
    if (existsSync(file) && readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
  }
}
