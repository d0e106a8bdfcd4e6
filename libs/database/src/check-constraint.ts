import { QueryRunner } from 'typeorm';

/**
 * Rewrites a `column IN (...)` check constraint from its live list of values, so migrations of
 * different features that each add a value (an interaction step, a code purpose) compose in any
 * order instead of the last one setting a list that forgets the others'.
 */
export async function extendCheck(q: QueryRunner, schema: string, table: string, constraint: string, column: string, change: (values: string[]) => string[]): Promise<void> {
  const rows: Array<{ def: string }> = await q.query(
    `SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND t.relname = $2 AND c.conname = $3`,
    [schema, table, constraint],
  );
  const current = rows[0] ? [...rows[0].def.matchAll(/'([a-z0-9_]+)'/g)].map((m) => m[1]) : [];
  const values = change(current).map((v) => v.replace(/[^a-z0-9_]/g, ''));
  const ident = (s: string) => `"${s.replace(/"/g, '')}"`;
  if (rows[0]) await q.query(`ALTER TABLE ${ident(schema)}.${ident(table)} DROP CONSTRAINT ${ident(constraint)}`);
  await q.query(`ALTER TABLE ${ident(schema)}.${ident(table)} ADD CONSTRAINT ${ident(constraint)} CHECK (${ident(column)} IN (${values.map((v) => `'${v}'`).join(', ')}))`);
}
