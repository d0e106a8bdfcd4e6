import { MigrationInterface, QueryRunner } from 'typeorm';
import { extendCheck } from '@idp/database';

export class Cabinet1764200000000 implements MigrationInterface {
  name = 'Cabinet1764200000000';

  async up(q: QueryRunner): Promise<void> {
    // The user's own choices: page language, which sign-in methods are on (null: all), and which
    // identifier is the main contact.
    await q.query(`ALTER TABLE accounts.users ADD COLUMN locale text, ADD COLUMN login_methods text[], ADD COLUMN primary_identifier text`);
    // Codes that prove a phone or address the user adds in the cabinet.
    // The live list is extended, so purposes that other migrations add survive in any order.
    await extendCheck(q, 'accounts', 'otp_challenges', 'otp_challenges_purpose_check', 'purpose', (purposes) => [...new Set([...purposes, 'verification'])]);
    // Which account a verification code was sent for (a code proves the destination, not the account).
    await q.query(`ALTER TABLE accounts.otp_challenges ADD COLUMN user_id uuid`);
    await q.query(`
      CREATE TABLE accounts.user_photos (
        user_id uuid PRIMARY KEY REFERENCES accounts.users (id) ON DELETE CASCADE,
        content_type text NOT NULL,
        data bytea NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // A photo crosses the bus in parts (a NATS message is at most 1 MB); parts wait here until the last.
    await q.query(`
      CREATE TABLE accounts.photo_uploads (
        upload_id uuid NOT NULL,
        part integer NOT NULL,
        user_id uuid NOT NULL,
        data bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (upload_id, part)
      )`);
    await q.query(`
      CREATE TABLE accounts.audit_events (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        type text NOT NULL,
        user_id uuid NOT NULL,
        ip text,
        user_agent text,
        client_id text,
        data jsonb
      )`);
    await q.query(`CREATE INDEX audit_events_user_idx ON accounts.audit_events (user_id, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE accounts.audit_events`);
    await q.query(`DROP TABLE accounts.photo_uploads`);
    await q.query(`DROP TABLE accounts.user_photos`);
    await q.query(`ALTER TABLE accounts.otp_challenges DROP COLUMN user_id`);
    await q.query(`DELETE FROM accounts.otp_challenges WHERE purpose = 'verification'`);
    await extendCheck(q, 'accounts', 'otp_challenges', 'otp_challenges_purpose_check', 'purpose', (purposes) => purposes.filter((p) => p !== 'verification'));
    await q.query(`ALTER TABLE accounts.users DROP COLUMN locale, DROP COLUMN login_methods, DROP COLUMN primary_identifier`);
  }
}
