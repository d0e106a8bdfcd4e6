import { MigrationInterface, QueryRunner } from 'typeorm';

export class DeviceCodes1763890000000 implements MigrationInterface {
  name = 'DeviceCodes1763890000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth.device_codes (
        device_code_hash text PRIMARY KEY,
        user_code text NOT NULL UNIQUE,
        client_id text NOT NULL,
        scopes text[] NOT NULL,
        resource text,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
        user_id text,
        session_id uuid,
        auth_time timestamptz,
        poll_interval integer NOT NULL,
        last_polled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX device_codes_expires_idx ON auth.device_codes (expires_at)`);
    // Fixed-window counters shared by every auth instance (wrong user-code entries, for now).
    await q.query(`
      CREATE TABLE auth.rate_limits (
        key text NOT NULL,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL,
        PRIMARY KEY (key, window_start)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.rate_limits`);
    await q.query(`DROP TABLE auth.device_codes`);
  }
}
