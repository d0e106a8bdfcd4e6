import { MigrationInterface, QueryRunner } from 'typeorm';

/** An API resource may ask for its access tokens to be signed with ES256 or EdDSA instead of RS256. */
export class ResourceSigningAlg1765200000000 implements MigrationInterface {
  name = 'ResourceSigningAlg1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth.api_resources ADD COLUMN access_token_signing_alg text NOT NULL DEFAULT 'RS256'`);
    await q.query(`ALTER TABLE auth.api_resources ADD CONSTRAINT api_resources_access_token_signing_alg_check CHECK (access_token_signing_alg IN ('RS256', 'ES256', 'EdDSA'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth.api_resources DROP COLUMN access_token_signing_alg`);
  }
}
