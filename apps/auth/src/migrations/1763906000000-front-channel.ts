import { MigrationInterface, QueryRunner } from 'typeorm';

export class FrontChannel1763906000000 implements MigrationInterface {
  name = 'FrontChannel1763906000000';

  async up(q: QueryRunner): Promise<void> {
    // How the user authenticated travels with the grant into every ID token issued from it.
    await q.query(`ALTER TABLE auth.grants ADD COLUMN amr text[] NOT NULL DEFAULT '{}', ADD COLUMN acr text`);
    // Back-channel logout deliveries still owed to clients, retried with backoff.
    await q.query(`
      CREATE TABLE auth.logout_deliveries (
        id uuid PRIMARY KEY,
        client_id text NOT NULL,
        uri text NOT NULL,
        logout_token text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz
      )`);
    await q.query(`CREATE INDEX logout_deliveries_due_idx ON auth.logout_deliveries (next_attempt_at) WHERE delivered_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.logout_deliveries`);
    await q.query(`ALTER TABLE auth.grants DROP COLUMN amr, DROP COLUMN acr`);
  }
}
