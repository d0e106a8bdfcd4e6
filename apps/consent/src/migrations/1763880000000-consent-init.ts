import { MigrationInterface, QueryRunner } from 'typeorm';

export class ConsentInit1763880000000 implements MigrationInterface {
  name = 'ConsentInit1763880000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE consent.consents (
        user_id text NOT NULL,
        client_id text NOT NULL,
        scopes text[] NOT NULL,
        granted_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, client_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consent.consents`);
  }
}
