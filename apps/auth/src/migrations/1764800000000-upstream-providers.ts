import { MigrationInterface, QueryRunner } from 'typeorm';

export class UpstreamProviders1764800000000 implements MigrationInterface {
  name = 'UpstreamProviders1764800000000';

  async up(q: QueryRunner): Promise<void> {
    // An organisation's own identity provider; the client secret is AES-256-GCM sealed under KEY_ENCRYPTION_KEY.
    await q.query(`CREATE TABLE auth.upstream_providers (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('oidc', 'oauth2')),
      name text NOT NULL,
      issuer text,
      discovery_url text,
      authorization_endpoint text NOT NULL,
      token_endpoint text NOT NULL,
      userinfo_endpoint text,
      jwks_uri text,
      end_session_endpoint text,
      client_id text NOT NULL,
      client_secret_sealed text NOT NULL,
      scopes text NOT NULL,
      claim_mapping jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX upstream_providers_org ON auth.upstream_providers (organization_id)`);
    // One trip to an upstream and back: state (hashed), nonce and PKCE verifier, single use.
    await q.query(`CREATE TABLE auth.federated_logins (
      state_hash text PRIMARY KEY,
      interaction_id text NOT NULL,
      provider_id uuid NOT NULL,
      organization_id uuid NOT NULL,
      nonce text NOT NULL,
      code_verifier text NOT NULL,
      browser_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      consumed_at timestamptz
    )`);
    // An upstream identity waiting to be linked to an existing account once its owner signs in to it.
    await q.query(`CREATE TABLE auth.federated_pending_links (
      interaction_id text PRIMARY KEY,
      provider_id uuid NOT NULL,
      organization_id uuid NOT NULL,
      profile jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    // Which upstream an interaction's sign-in came through; its session (once started, after any
    // second factor) carries the ID token's idp and continues logout at the upstream.
    await q.query(`CREATE TABLE auth.federated_interactions (
      interaction_id text PRIMARY KEY,
      provider_id uuid NOT NULL,
      idp text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX interactions_session_idx ON auth.interactions (session_id) WHERE session_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX auth.interactions_session_idx`);
    await q.query(`DROP TABLE auth.federated_interactions`);
    await q.query(`DROP TABLE auth.federated_pending_links`);
    await q.query(`DROP TABLE auth.federated_logins`);
    await q.query(`DROP TABLE auth.upstream_providers`);
  }
}
