import { MigrationInterface, QueryRunner } from 'typeorm';

/** Introspection (RFC 7662) by API resources with their own credentials, and revocation (RFC 7009) of access tokens. */
export class IntrospectionRevocation1763910000000 implements MigrationInterface {
  name = 'IntrospectionRevocation1763910000000';

  async up(q: QueryRunner): Promise<void> {
    // Null for resources created before they had credentials.
    await q.query(`ALTER TABLE auth.api_resources ADD COLUMN client_id text UNIQUE, ADD COLUMN secret_hash text`);
    // Access tokens are self-contained JWTs; a revoked one is refused by its jti until it would have expired anyway.
    await q.query(`
      CREATE TABLE auth.revoked_access_tokens (
        jti text PRIMARY KEY,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX revoked_access_tokens_expires_idx ON auth.revoked_access_tokens (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.revoked_access_tokens`);
    await q.query(`ALTER TABLE auth.api_resources DROP COLUMN secret_hash, DROP COLUMN client_id`);
  }
}
