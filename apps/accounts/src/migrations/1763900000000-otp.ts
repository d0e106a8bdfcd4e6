import { MigrationInterface, QueryRunner } from 'typeorm';

export class Otp1763900000000 implements MigrationInterface {
  name = 'Otp1763900000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per code sent. Rows outlive their code by a day: the send ceilings count them.
    await q.query(`
      CREATE TABLE accounts.otp_challenges (
        id uuid PRIMARY KEY,
        channel text NOT NULL CHECK (channel IN ('sms', 'email')),
        destination text NOT NULL,
        purpose text NOT NULL CHECK (purpose IN ('login', 'registration', 'recovery', '2fa')),
        code_hash text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        ip text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz
      )`);
    await q.query(`CREATE INDEX otp_challenges_destination_idx ON accounts.otp_challenges (destination, created_at)`);
    await q.query(`CREATE INDEX otp_challenges_ip_idx ON accounts.otp_challenges (ip, created_at)`);
    // Development only: messages no real gateway took, read back through accounts.v1.outbox.list.
    await q.query(`
      CREATE TABLE accounts.outbox (
        id bigserial PRIMARY KEY,
        channel text NOT NULL,
        recipient text NOT NULL,
        text text NOT NULL,
        code text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX outbox_recipient_idx ON accounts.outbox (recipient, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE accounts.outbox`);
    await q.query(`DROP TABLE accounts.otp_challenges`);
  }
}
