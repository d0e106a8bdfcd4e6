import { MigrationInterface, QueryRunner } from 'typeorm';

export class ProfileClaims1763901000000 implements MigrationInterface {
  name = 'ProfileClaims1763901000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE accounts.users
        ADD COLUMN email_public text,
        ADD COLUMN password_change_required boolean NOT NULL DEFAULT false,
        ADD COLUMN deleted_at timestamptz,
        ADD COLUMN custom_fields jsonb,
        ADD COLUMN public_external_accounts jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts.users DROP COLUMN email_public, DROP COLUMN password_change_required, DROP COLUMN deleted_at, DROP COLUMN custom_fields, DROP COLUMN public_external_accounts`);
  }
}
