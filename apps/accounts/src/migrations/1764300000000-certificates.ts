import { MigrationInterface, QueryRunner } from 'typeorm';

/** Certificates bound to accounts: one account per certificate, found by either thumbprint. */
export class Certificates1764300000000 implements MigrationInterface {
  name = 'Certificates1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE accounts.certificates (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES accounts.users (id) ON DELETE CASCADE,
        sha1 text NOT NULL UNIQUE,
        sha256 text NOT NULL UNIQUE,
        subject text NOT NULL,
        issuer text NOT NULL,
        serial_number text NOT NULL,
        not_before timestamptz NOT NULL,
        not_after timestamptz NOT NULL,
        pem text NOT NULL,
        source text NOT NULL CHECK (source IN ('challenge', 'admin')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX certificates_user_idx ON accounts.certificates (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE accounts.certificates`);
  }
}
