import { MigrationInterface, QueryRunner } from 'typeorm';

/** Dynamic client registration (RFC 7591, RFC 7592) behind initial access tokens. */
export class Registration1763921000000 implements MigrationInterface {
  name = 'Registration1763921000000';

  async up(q: QueryRunner): Promise<void> {
    // Created by an administrator and shown once; null uses_left or expires_at means no limit.
    // scope: what clients registered with it may ask for (null: the OpenID Connect user scopes only).
    await q.query(`
      CREATE TABLE auth.initial_access_tokens (
        id uuid PRIMARY KEY,
        token_hash text NOT NULL UNIQUE,
        description text,
        scope text,
        uses_left integer CHECK (uses_left >= 0),
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Only clients that registered themselves have a registration access token; admin-made ones are managed by the admin API.
    await q.query(`
      CREATE TABLE auth.client_registrations (
        client_id text PRIMARY KEY REFERENCES auth.clients (client_id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        initial_access_token_id uuid,
        allowed_scope text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.client_registrations`);
    await q.query(`DROP TABLE auth.initial_access_tokens`);
  }
}
