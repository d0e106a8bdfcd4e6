import { MigrationInterface, QueryRunner } from 'typeorm';

export class UserLocks1763950000000 implements MigrationInterface {
  name = 'UserLocks1763950000000';

  async up(q: QueryRunner): Promise<void> {
    // A locked account keeps its data but cannot sign in by any method.
    await q.query(`ALTER TABLE accounts.users ADD COLUMN locked_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts.users DROP COLUMN locked_at`);
  }
}
