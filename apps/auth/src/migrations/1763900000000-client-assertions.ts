import { MigrationInterface, QueryRunner } from 'typeorm';

/** client_secret_jwt and private_key_jwt (RFC 7523): the HMAC key kept encrypted, and used assertion ids. */
export class ClientAssertions1763900000000 implements MigrationInterface {
  name = 'ClientAssertions1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth.clients ADD COLUMN secret_encrypted text`);
    // One row per accepted assertion; the primary key makes a replay lose the INSERT on every instance.
    await q.query(`
      CREATE TABLE auth.client_assertion_jtis (
        client_id text NOT NULL,
        jti text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (client_id, jti)
      )`);
    await q.query(`CREATE INDEX client_assertion_jtis_expires_idx ON auth.client_assertion_jtis (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.client_assertion_jtis`);
    await q.query(`ALTER TABLE auth.clients DROP COLUMN secret_encrypted`);
  }
}
