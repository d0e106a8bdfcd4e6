import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The integrators' cabinet: who may manage which client, every secret a client has had (hashes
 * only), requests for partner capabilities, uploaded logos, and per-client daily token counts.
 */
export class Developers1765000000000 implements MigrationInterface {
  name = 'Developers1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth.developer_app_members (
        client_id text NOT NULL REFERENCES auth.clients (client_id) ON DELETE CASCADE,
        user_id text NOT NULL,
        role text NOT NULL CHECK (role IN ('owner', 'member')),
        added_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (client_id, user_id)
      )`);
    await q.query(`CREATE INDEX developer_app_members_user_idx ON auth.developer_app_members (user_id)`);
    await q.query(`
      CREATE TABLE auth.client_secrets (
        id uuid PRIMARY KEY,
        client_id text NOT NULL REFERENCES auth.clients (client_id) ON DELETE CASCADE,
        secret_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz
      )`);
    await q.query(`CREATE INDEX client_secrets_lookup_idx ON auth.client_secrets (client_id, secret_hash)`);
    await q.query(`
      CREATE TABLE auth.capability_requests (
        id uuid PRIMARY KEY,
        client_id text NOT NULL REFERENCES auth.clients (client_id) ON DELETE CASCADE,
        capability text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        reason text
      )`);
    await q.query(`CREATE UNIQUE INDEX capability_requests_pending_idx ON auth.capability_requests (client_id, capability) WHERE status = 'pending'`);
    await q.query(`
      CREATE TABLE auth.client_logos (
        id uuid PRIMARY KEY,
        client_id text NOT NULL REFERENCES auth.clients (client_id) ON DELETE CASCADE,
        content_type text NOT NULL,
        data bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE auth.client_usage_daily (
        client_id text NOT NULL REFERENCES auth.clients (client_id) ON DELETE CASCADE,
        day date NOT NULL,
        requests integer NOT NULL DEFAULT 0,
        errors integer NOT NULL DEFAULT 0,
        PRIMARY KEY (client_id, day)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['client_usage_daily', 'client_logos', 'capability_requests', 'client_secrets', 'developer_app_members']) await q.query(`DROP TABLE auth.${table}`);
  }
}
