import { MigrationInterface, QueryRunner } from 'typeorm';

/** RFC 8707: the resource an authorization was given for, kept so its codes and refresh tokens honour it. */
export class ResourceIndicators1763931000000 implements MigrationInterface {
  name = 'ResourceIndicators1763931000000';

  async up(q: QueryRunner): Promise<void> {
    // Null: not bound, tokens go to the APIs of the scopes as before.
    await q.query(`ALTER TABLE auth.grants ADD COLUMN resource text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth.grants DROP COLUMN resource`);
  }
}
