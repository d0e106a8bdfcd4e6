import { MigrationInterface, QueryRunner } from 'typeorm';

export class UserIin1764400000000 implements MigrationInterface {
  name = 'UserIin1764400000000';

  async up(q: QueryRunner): Promise<void> {
    // The IIN names one person: unique like the other identifiers.
    await q.query(`ALTER TABLE accounts.users ADD COLUMN iin text`);
    await q.query(`CREATE UNIQUE INDEX users_iin_key ON accounts.users (iin) WHERE iin IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX accounts.users_iin_key`);
    await q.query(`ALTER TABLE accounts.users DROP COLUMN iin`);
  }
}
