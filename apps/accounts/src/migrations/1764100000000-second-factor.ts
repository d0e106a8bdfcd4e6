import { MigrationInterface, QueryRunner } from 'typeorm';

export class SecondFactor1764100000000 implements MigrationInterface {
  name = 'SecondFactor1764100000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per account that has touched 2FA. The TOTP secret is AES-256-GCM sealed; the last
    // accepted time step makes a code single use; failures and blocked_until throttle guessing.
    await q.query(`
      CREATE TABLE accounts.second_factors (
        user_id uuid PRIMARY KEY REFERENCES accounts.users (id) ON DELETE CASCADE,
        totp_secret_sealed text,
        totp_pending_sealed text,
        totp_last_step bigint,
        sms_enabled boolean NOT NULL DEFAULT false,
        required boolean NOT NULL DEFAULT false,
        failures integer NOT NULL DEFAULT 0,
        blocked_until timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Shown once; only a keyed hash is kept. used_at makes each single use.
    await q.query(`
      CREATE TABLE accounts.backup_codes (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES accounts.users (id) ON DELETE CASCADE,
        code_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(`CREATE INDEX backup_codes_user_idx ON accounts.backup_codes (user_id, code_hash)`);
    // "Trust this browser": the cookie holds a random token, the row its hash. A device created
    // before the account's password_updated_at no longer counts.
    await q.query(`
      CREATE TABLE accounts.trusted_devices (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES accounts.users (id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        label text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX trusted_devices_user_idx ON accounts.trusted_devices (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE accounts.trusted_devices`);
    await q.query(`DROP TABLE accounts.backup_codes`);
    await q.query(`DROP TABLE accounts.second_factors`);
  }
}
