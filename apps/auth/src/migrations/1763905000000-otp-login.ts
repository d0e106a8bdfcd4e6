import { MigrationInterface, QueryRunner } from 'typeorm';

export class OtpLogin1763905000000 implements MigrationInterface {
  name = 'OtpLogin1763905000000';

  async up(q: QueryRunner): Promise<void> {
    // Two new steps: a code was sent and is awaited (otp); a new account is asked for its name (profile).
    await q.query(`ALTER TABLE auth.interactions DROP CONSTRAINT interactions_state_check`);
    await q.query(`
      ALTER TABLE auth.interactions ADD CONSTRAINT interactions_state_check
        CHECK (state IN ('login', 'otp', 'profile', 'consent', 'completed', 'aborted'))`);
    await q.query(`ALTER TABLE auth.interactions ADD COLUMN otp jsonb, ADD COLUMN amr text[]`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth.interactions DROP COLUMN otp, DROP COLUMN amr`);
    await q.query(`ALTER TABLE auth.interactions DROP CONSTRAINT interactions_state_check`);
    await q.query(`ALTER TABLE auth.interactions ADD CONSTRAINT interactions_state_check CHECK (state IN ('login', 'consent', 'completed', 'aborted'))`);
  }
}
