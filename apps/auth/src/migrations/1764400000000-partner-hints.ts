import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The organisation number (`bin`) travels with a grant; interactions gain the `iin` step. The
 * state list is read from the live constraint and extended, so steps other migrations add survive
 * in whatever order the migrations run.
 */
export class PartnerHints1764400000000 implements MigrationInterface {
  name = 'PartnerHints1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth.grants ADD COLUMN bin text`);
    await this.setStates(q, (states) => [...new Set([...states, 'iin'])]);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.setStates(q, (states) => states.filter((s) => s !== 'iin'));
    await q.query(`ALTER TABLE auth.grants DROP COLUMN bin`);
  }

  private async setStates(q: QueryRunner, change: (states: string[]) => string[]): Promise<void> {
    const rows: Array<{ def: string }> = await q.query(
      `SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
         JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'auth' AND t.relname = 'interactions' AND c.conname = 'interactions_state_check'`,
    );
    const current = rows[0] ? [...rows[0].def.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]) : [];
    const states = change(current);
    if (rows[0]) await q.query(`ALTER TABLE auth.interactions DROP CONSTRAINT interactions_state_check`);
    const list = states.map((s) => `'${s.replace(/[^a-z_]/g, '')}'`).join(', ');
    await q.query(`ALTER TABLE auth.interactions ADD CONSTRAINT interactions_state_check CHECK (state IN (${list}))`);
  }
}
