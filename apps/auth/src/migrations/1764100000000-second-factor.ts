import { MigrationInterface, QueryRunner } from 'typeorm';

/** The states the interactions table allows now, read from its check constraint. */
async function allowedStates(q: QueryRunner): Promise<string[]> {
  const [row] = await q.query(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'interactions_state_check' AND conrelid = 'auth.interactions'::regclass`,
  );
  return [...String(row?.def ?? '').matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
}

async function setStates(q: QueryRunner, states: string[]): Promise<void> {
  await q.query(`ALTER TABLE auth.interactions DROP CONSTRAINT IF EXISTS interactions_state_check`);
  await q.query(`ALTER TABLE auth.interactions ADD CONSTRAINT interactions_state_check CHECK (state IN (${states.map((s) => `'${s}'`).join(', ')}))`);
}

export class SecondFactor1764100000000 implements MigrationInterface {
  name = 'SecondFactor1764100000000';

  async up(q: QueryRunner): Promise<void> {
    // A new step after the first factor. The list is extended rather than restated, so steps other
    // migrations add are kept whatever order they run in.
    const states = await allowedStates(q);
    if (!states.includes('second_factor')) await setStates(q, [...states, 'second_factor']);
    await q.query(`ALTER TABLE auth.interactions ADD COLUMN second_factor jsonb`);
    // The password grant's continuation: single use, short-lived, bound to the client and the user.
    await q.query(`
      CREATE TABLE auth.partial_factor_tokens (
        token_hash text PRIMARY KEY,
        client_id text NOT NULL,
        user_id text NOT NULL,
        scopes text[] NOT NULL,
        amr text[] NOT NULL,
        sms_challenge_id text,
        failures integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz
      )`);
    await q.query(`CREATE INDEX partial_factor_tokens_expires_idx ON auth.partial_factor_tokens (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.partial_factor_tokens`);
    await q.query(`ALTER TABLE auth.interactions DROP COLUMN second_factor`);
    await setStates(q, (await allowedStates(q)).filter((s) => s !== 'second_factor'));
  }
}
