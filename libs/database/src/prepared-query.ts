import { DataSource } from 'typeorm';

interface PgPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * A statement of a hot path (token endpoint, introspection, UserInfo, device polling), run
 * thousands of times a second. On PostgreSQL it goes as a named prepared statement: each pooled
 * connection parses and plans it once instead of on every request, which takes about 0.3 ms of
 * the database's CPU off a code exchange. The embedded PGlite takes the plain path.
 *
 * Only for statements outside a transaction, and only with explicit result columns: a prepared
 * `SELECT *` fails once a migration adds a column to the table while older instances still run.
 * Answers the rows, for data-modifying statements too (their RETURNING rows).
 */
export async function preparedQuery<T>(db: DataSource, name: string, sql: string, params: unknown[]): Promise<T[]> {
  const pool = (db.driver as unknown as { master?: PgPool }).master;
  if ((db.options as { url?: string }).url && pool && typeof pool.query === 'function') {
    return (await pool.query({ name, text: sql, values: params })).rows as T[];
  }
  const result: unknown = await db.query(sql, params);
  // TypeORM answers [rows, count] for UPDATE and DELETE.
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}
