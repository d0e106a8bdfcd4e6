import { MigrationInterface, QueryRunner } from 'typeorm';

export class Cabinet1764200000000 implements MigrationInterface {
  name = 'Cabinet1764200000000';

  async up(q: QueryRunner): Promise<void> {
    // The cabinet lists a user's sessions with the browser and address they started from.
    await q.query(`ALTER TABLE auth.sso_sessions ADD COLUMN user_agent text, ADD COLUMN ip text`);
    await q.query(`CREATE INDEX sso_sessions_user_live_idx ON auth.sso_sessions (user_id) WHERE ended_at IS NULL`);
    // A new step: an administrator asked for a new password, which the user sets before going on.
    await q.query(`ALTER TABLE auth.interactions DROP CONSTRAINT interactions_state_check`);
    await q.query(`
      ALTER TABLE auth.interactions ADD CONSTRAINT interactions_state_check
        CHECK (state IN ('login', 'otp', 'profile', 'password_change', 'consent', 'completed', 'aborted'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE auth.interactions SET state = 'aborted' WHERE state = 'password_change'`);
    await q.query(`ALTER TABLE auth.interactions DROP CONSTRAINT interactions_state_check`);
    await q.query(`ALTER TABLE auth.interactions ADD CONSTRAINT interactions_state_check CHECK (state IN ('login', 'otp', 'profile', 'consent', 'completed', 'aborted'))`);
    await q.query(`DROP INDEX auth.sso_sessions_user_live_idx`);
    await q.query(`ALTER TABLE auth.sso_sessions DROP COLUMN user_agent, DROP COLUMN ip`);
  }
}
