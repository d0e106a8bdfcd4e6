import { MigrationInterface, QueryRunner } from 'typeorm';

export class ConsentUsageTrustedPhone1764400000000 implements MigrationInterface {
  name = 'ConsentUsageTrustedPhone1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE consent.consents ADD COLUMN resources text[] NOT NULL DEFAULT '{}', ADD COLUMN last_used_at timestamptz`);
    // A partner's confirmation that it verified a phone: only the hash of the secret is kept.
    await q.query(`
      CREATE TABLE consent.trusted_phone_confirmations (
        secret_hash text PRIMARY KEY,
        client_id text NOT NULL,
        phone text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz
      )`);
    await q.query(`CREATE INDEX trusted_phone_confirmations_expires_at ON consent.trusted_phone_confirmations (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consent.trusted_phone_confirmations`);
    await q.query(`ALTER TABLE consent.consents DROP COLUMN resources, DROP COLUMN last_used_at`);
  }
}
