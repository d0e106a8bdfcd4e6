import { MigrationInterface, QueryRunner } from 'typeorm';
import { extendCheck } from '@idp/database';

export class Cabinet1764200000000 implements MigrationInterface {
  name = 'Cabinet1764200000000';

  async up(q: QueryRunner): Promise<void> {
    // The cabinet lists a user's sessions with the browser and address they started from.
    await q.query(`ALTER TABLE auth.sso_sessions ADD COLUMN user_agent text, ADD COLUMN ip text`);
    await q.query(`CREATE INDEX sso_sessions_user_live_idx ON auth.sso_sessions (user_id) WHERE ended_at IS NULL`);
    // A new step: an administrator asked for a new password, which the user sets before going on.
    // The live list is extended, so steps that other migrations add survive in any order.
    await extendCheck(q, 'auth', 'interactions', 'interactions_state_check', 'state', (states) => [...new Set([...states, 'password_change'])]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE auth.interactions SET state = 'aborted' WHERE state = 'password_change'`);
    await extendCheck(q, 'auth', 'interactions', 'interactions_state_check', 'state', (states) => states.filter((s) => s !== 'password_change'));
    await q.query(`DROP INDEX auth.sso_sessions_user_live_idx`);
    await q.query(`ALTER TABLE auth.sso_sessions DROP COLUMN user_agent, DROP COLUMN ip`);
  }
}
