import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuthInit1763880000000 implements MigrationInterface {
  name = 'AuthInit1763880000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth.clients (
        client_id text PRIMARY KEY,
        secret_hash text,
        metadata jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE auth.api_resources (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        audience text NOT NULL UNIQUE,
        scopes text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE auth.signing_keys (
        kid text PRIMARY KEY,
        alg text NOT NULL,
        public_jwk jsonb NOT NULL,
        private_jwk_encrypted text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE auth.sso_sessions (
        id uuid PRIMARY KEY,
        token_hash text NOT NULL UNIQUE,
        user_id text NOT NULL,
        auth_time timestamptz NOT NULL,
        amr text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        ended_at timestamptz
      )`);
    await q.query(`CREATE INDEX sso_sessions_user_idx ON auth.sso_sessions (user_id)`);
    await q.query(`
      CREATE TABLE auth.interactions (
        id text PRIMARY KEY,
        state text NOT NULL CHECK (state IN ('login', 'consent', 'completed', 'aborted')),
        client_id text NOT NULL,
        request jsonb NOT NULL,
        csrf_token text NOT NULL,
        user_id text,
        session_id uuid,
        auth_time timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX interactions_expires_idx ON auth.interactions (expires_at)`);
    await q.query(`
      CREATE TABLE auth.grants (
        id uuid PRIMARY KEY,
        client_id text NOT NULL,
        user_id text NOT NULL,
        scopes text[] NOT NULL,
        session_id uuid,
        auth_time timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoked_reason text
      )`);
    await q.query(`CREATE INDEX grants_user_client_idx ON auth.grants (user_id, client_id)`);
    await q.query(`
      CREATE TABLE auth.authorization_codes (
        code_hash text PRIMARY KEY,
        grant_id uuid NOT NULL REFERENCES auth.grants (id) ON DELETE CASCADE,
        client_id text NOT NULL,
        redirect_uri text NOT NULL,
        scopes text[] NOT NULL,
        nonce text,
        code_challenge text,
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE auth.refresh_tokens (
        token_hash text PRIMARY KEY,
        grant_id uuid NOT NULL REFERENCES auth.grants (id) ON DELETE CASCADE,
        client_id text NOT NULL,
        user_id text NOT NULL,
        scopes text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz
      )`);
    await q.query(`CREATE INDEX refresh_tokens_grant_idx ON auth.refresh_tokens (grant_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['refresh_tokens', 'authorization_codes', 'grants', 'interactions', 'sso_sessions', 'signing_keys', 'api_resources', 'clients']) {
      await q.query(`DROP TABLE auth.${t}`);
    }
  }
}
