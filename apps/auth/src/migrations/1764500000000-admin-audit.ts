import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every call to the admin API: when, what, how it ended, from where. No bodies, no tokens. */
export class AdminAudit1764500000000 implements MigrationInterface {
  name = 'AdminAudit1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth.admin_audit (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        method text NOT NULL,
        route text NOT NULL,
        path text NOT NULL,
        status integer NOT NULL,
        outcome text NOT NULL,
        ip text NOT NULL
      )`);
    await q.query(`CREATE INDEX admin_audit_at_idx ON auth.admin_audit (at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.admin_audit`);
  }
}
