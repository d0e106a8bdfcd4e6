import { MigrationInterface, QueryRunner } from 'typeorm';

export class UserIdentifiers1765300000000 implements MigrationInterface {
  name = 'UserIdentifiers1765300000000';

  async up(q: QueryRunner): Promise<void> {
    // Every phone and e-mail of an account, the primary ones included. A value belongs to one
    // account at most: the unique indexes decide between two concurrent adds.
    await q.query(`
      CREATE TABLE accounts.user_identifiers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES accounts.users (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('phone', 'email')),
        value text NOT NULL,
        verified boolean NOT NULL DEFAULT false,
        is_primary boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Named after the kind so a violation maps to phone_taken / email_taken like the users columns.
    await q.query(`CREATE UNIQUE INDEX user_identifiers_phone_key ON accounts.user_identifiers (value) WHERE kind = 'phone'`);
    await q.query(`CREATE UNIQUE INDEX user_identifiers_email_key ON accounts.user_identifiers (value) WHERE kind = 'email'`);
    await q.query(`CREATE UNIQUE INDEX user_identifiers_primary_key ON accounts.user_identifiers (user_id, kind) WHERE is_primary`);
    await q.query(`CREATE INDEX user_identifiers_user_idx ON accounts.user_identifiers (user_id)`);
    await q.query(`
      INSERT INTO accounts.user_identifiers (user_id, kind, value, verified, is_primary)
      SELECT id, 'phone', phone, phone_verified, true FROM accounts.users WHERE phone IS NOT NULL
      UNION ALL
      SELECT id, 'email', email, email_verified, true FROM accounts.users WHERE email IS NOT NULL`);
    // users.phone / users.email stay the primary copies that claims and older readers use. Every
    // writer of those columns (registration, code sign-in, federation, deletion, the admin API) is
    // kept in step here, in the same statement, so the two can never disagree and a value another
    // account holds as a secondary identifier is refused by the unique index.
    await q.query(`
      CREATE FUNCTION accounts.sync_primary_identifier(p_user uuid, p_kind text, p_old text, p_new text, p_verified boolean) RETURNS void
      LANGUAGE plpgsql AS $$
      BEGIN
        IF p_old IS DISTINCT FROM p_new THEN
          -- A primary the application has not demoted first goes with the column.
          DELETE FROM accounts.user_identifiers WHERE user_id = p_user AND kind = p_kind AND is_primary;
          IF p_new IS NOT NULL THEN
            UPDATE accounts.user_identifiers SET is_primary = true, verified = p_verified
              WHERE user_id = p_user AND kind = p_kind AND value = p_new;
            IF NOT FOUND THEN
              INSERT INTO accounts.user_identifiers (user_id, kind, value, verified, is_primary) VALUES (p_user, p_kind, p_new, p_verified, true);
            END IF;
          END IF;
        ELSIF p_new IS NOT NULL THEN
          UPDATE accounts.user_identifiers SET verified = p_verified WHERE user_id = p_user AND kind = p_kind AND value = p_new AND verified IS DISTINCT FROM p_verified;
        END IF;
      END $$`);
    await q.query(`
      CREATE FUNCTION accounts.users_identifiers_sync() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM accounts.sync_primary_identifier(NEW.id, 'phone', NULL, NEW.phone, NEW.phone_verified);
          PERFORM accounts.sync_primary_identifier(NEW.id, 'email', NULL, NEW.email, NEW.email_verified);
        ELSE
          PERFORM accounts.sync_primary_identifier(NEW.id, 'phone', OLD.phone, NEW.phone, NEW.phone_verified);
          PERFORM accounts.sync_primary_identifier(NEW.id, 'email', OLD.email, NEW.email, NEW.email_verified);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER users_identifiers_sync AFTER INSERT OR UPDATE OF phone, phone_verified, email, email_verified ON accounts.users
      FOR EACH ROW EXECUTE FUNCTION accounts.users_identifiers_sync()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER users_identifiers_sync ON accounts.users`);
    await q.query(`DROP FUNCTION accounts.users_identifiers_sync()`);
    await q.query(`DROP FUNCTION accounts.sync_primary_identifier(uuid, text, text, text, boolean)`);
    await q.query(`DROP TABLE accounts.user_identifiers`);
  }
}
