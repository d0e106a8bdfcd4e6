import { MigrationInterface, QueryRunner } from 'typeorm';

export class Organizations1764800000000 implements MigrationInterface {
  name = 'Organizations1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE accounts.organizations (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE accounts.organization_members (
      organization_id uuid NOT NULL REFERENCES accounts.organizations (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES accounts.users (id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
      joined_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (organization_id, user_id)
    )`);
    await q.query(`CREATE INDEX organization_members_user ON accounts.organization_members (user_id)`);
    // Accepted when someone signs in with the identifier verified.
    await q.query(`CREATE TABLE accounts.organization_invitations (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES accounts.organizations (id) ON DELETE CASCADE,
      email text,
      phone text,
      role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
      created_at timestamptz NOT NULL DEFAULT now(),
      accepted_at timestamptz,
      accepted_by uuid,
      CHECK ((email IS NULL) <> (phone IS NULL))
    )`);
    await q.query(`CREATE INDEX organization_invitations_email ON accounts.organization_invitations (email) WHERE accepted_at IS NULL`);
    await q.query(`CREATE INDEX organization_invitations_phone ON accounts.organization_invitations (phone) WHERE accepted_at IS NULL`);
    // The primary key makes a domain belong to one organisation only.
    await q.query(`CREATE TABLE accounts.organization_domains (
      domain text PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES accounts.organizations (id) ON DELETE CASCADE,
      verification_token text NOT NULL,
      verified_at timestamptz,
      method text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    // Upstream identities (provider id from the auth service, its subject) linked to accounts.
    await q.query(`CREATE TABLE accounts.federated_identities (
      provider_id uuid NOT NULL,
      subject text NOT NULL,
      user_id uuid NOT NULL REFERENCES accounts.users (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (provider_id, subject)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE accounts.federated_identities`);
    await q.query(`DROP TABLE accounts.organization_domains`);
    await q.query(`DROP TABLE accounts.organization_invitations`);
    await q.query(`DROP TABLE accounts.organization_members`);
    await q.query(`DROP TABLE accounts.organizations`);
  }
}
