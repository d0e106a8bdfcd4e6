import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The language the user saved in the profile, copied onto the SSO session at sign-in (and on every
 * change in the cabinet) and onto the interaction once the user is known, so pages pick it without
 * asking the accounts app on every request.
 */
export class SavedLocale1765100000000 implements MigrationInterface {
  name = 'SavedLocale1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth.sso_sessions ADD COLUMN locale text`);
    await q.query(`ALTER TABLE auth.interactions ADD COLUMN user_locale text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth.interactions DROP COLUMN user_locale`);
    await q.query(`ALTER TABLE auth.sso_sessions DROP COLUMN locale`);
  }
}
