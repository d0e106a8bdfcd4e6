import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

let instance: { dir: string; db: Promise<PGlite> } | undefined;

/**
 * The embedded mode's one PostgreSQL (PGlite), shared by the three apps' DataSources. Persisted
 * under DATA_DIR/pg, or in memory when DATA_DIR is memory:// (tests).
 */
export function embeddedDatabase(dataDir: string): Promise<PGlite> {
  if (instance && instance.dir === dataDir) return instance.db;
  if (instance) throw new Error(`the embedded database is already open at ${instance.dir}`);
  let target: string | undefined;
  if (!dataDir.startsWith('memory://')) {
    target = join(dataDir, 'pg');
    mkdirSync(target, { recursive: true });
  }
  instance = { dir: dataDir, db: PGlite.create(target ? { dataDir: target } : {}) };
  return instance.db;
}

export async function closeEmbeddedDatabase(): Promise<void> {
  const current = instance;
  instance = undefined;
  if (current) await (await current.db).close();
}
