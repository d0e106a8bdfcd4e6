import { MigrationInterface, QueryRunner } from 'typeorm';

export class AccountsInit1763880000000 implements MigrationInterface {
  name = 'AccountsInit1763880000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE accounts.users (
        id uuid PRIMARY KEY,
        login text NOT NULL UNIQUE,
        email text,
        email_verified boolean NOT NULL DEFAULT false,
        phone text,
        phone_verified boolean NOT NULL DEFAULT false,
        password_hash text,
        password_updated_at timestamptz,
        given_name text,
        family_name text,
        middle_name text,
        nickname text,
        birthdate text,
        picture text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON accounts.users (email) WHERE email IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX users_phone_key ON accounts.users (phone) WHERE phone IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE accounts.users`);
  }
}
