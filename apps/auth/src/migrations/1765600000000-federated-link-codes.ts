import { MigrationInterface, QueryRunner } from 'typeorm';

export class FederatedLinkCodes1765600000000 implements MigrationInterface {
  name = 'FederatedLinkCodes1765600000000';

  async up(q: QueryRunner): Promise<void> {
    // The account that already has the upstream's address (never shown), and the one-time code
    // its owner asked for to prove control of it instead of a password.
    await q.query(`ALTER TABLE auth.federated_pending_links ADD COLUMN holder_sub uuid, ADD COLUMN challenge_id uuid, ADD COLUMN challenge_channel text, ADD COLUMN challenge_destination text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth.federated_pending_links DROP COLUMN holder_sub, DROP COLUMN challenge_id, DROP COLUMN challenge_channel, DROP COLUMN challenge_destination`);
  }
}
