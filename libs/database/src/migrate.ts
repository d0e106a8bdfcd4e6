import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';

/** A stable 63-bit advisory lock key per schema, so migrations of one app never block another's. */
function lockKey(schema: string): string {
  return BigInt.asIntN(64, BigInt('0x' + createHash('sha256').update(`idp-migrate:${schema}`).digest('hex').slice(0, 16))).toString();
}

/**
 * Creates the app's schema and runs its pending migrations. On PostgreSQL this happens under an
 * advisory lock, so several instances starting at once migrate exactly once. PGlite has one
 * process and one session; it needs (and allows) no lock.
 */
export async function migrate(ds: DataSource, schema: string, embedded: boolean): Promise<void> {
  if (embedded) {
    await ds.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await ds.runMigrations({ transaction: 'each' });
    return;
  }
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [lockKey(schema)]);
    try {
      await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [lockKey(schema)]);
    }
  } finally {
    await runner.release();
  }
}
