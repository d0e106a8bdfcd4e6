import { MigrationInterface, QueryRunner } from 'typeorm';

/** Partner grants (`trusted`, RFC 7523 jwt-bearer): partner user links and the ids of used grant assertions. */
export class PartnerGrants1763930000000 implements MigrationInterface {
  name = 'PartnerGrants1763930000000';

  async up(q: QueryRunner): Promise<void> {
    // A partner's own user id, linked to an account; per client, since each partner numbers its users its own way.
    await q.query(`
      CREATE TABLE auth.external_accounts (
        client_id text NOT NULL,
        service_user_id text NOT NULL,
        user_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (client_id, service_user_id)
      )`);
    await q.query(`CREATE INDEX external_accounts_user_idx ON auth.external_accounts (user_id)`);
    // Apart from client_assertion_jtis: a grant assertion lives up to 24 hours, a client assertion 5 minutes,
    // and one jti must not block the other kind.
    await q.query(`
      CREATE TABLE auth.grant_assertion_jtis (
        client_id text NOT NULL,
        jti text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (client_id, jti)
      )`);
    await q.query(`CREATE INDEX grant_assertion_jtis_expires_idx ON auth.grant_assertion_jtis (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.grant_assertion_jtis`);
    await q.query(`DROP TABLE auth.external_accounts`);
  }
}
