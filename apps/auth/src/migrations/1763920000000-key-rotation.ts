import { MigrationInterface, QueryRunner } from 'typeorm';

/** Signing keys published ahead of use: a key signs from activated_at on, until its successor activates. */
export class KeyRotation1763920000000 implements MigrationInterface {
  name = 'KeyRotation1763920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth.signing_keys ADD COLUMN activated_at timestamptz`);
    // Keys made before rotation existed signed from their creation.
    await q.query(`UPDATE auth.signing_keys SET activated_at = created_at`);
    await q.query(`ALTER TABLE auth.signing_keys ALTER COLUMN activated_at SET NOT NULL, ALTER COLUMN activated_at SET DEFAULT now()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth.signing_keys DROP COLUMN activated_at`);
  }
}
