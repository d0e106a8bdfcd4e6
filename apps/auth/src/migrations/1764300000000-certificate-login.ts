import { MigrationInterface, QueryRunner } from 'typeorm';

/** Certificate login: the trust store (CA certificates, CRLs) and the single-use challenges of step 1. */
export class CertificateLogin1764300000000 implements MigrationInterface {
  name = 'CertificateLogin1764300000000';

  async up(q: QueryRunner): Promise<void> {
    // Trusted CA certificates: from CERT_TRUST_BUNDLE (source config, re-read at every start) or the admin API.
    await q.query(`
      CREATE TABLE auth.trust_anchors (
        id uuid PRIMARY KEY,
        sha256 text NOT NULL UNIQUE,
        sha1 text NOT NULL,
        subject text NOT NULL,
        not_after timestamptz NOT NULL,
        pem text NOT NULL,
        source text NOT NULL CHECK (source IN ('config', 'admin')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The newest CRL of each issuer (a newer upload replaces the older one).
    await q.query(`
      CREATE TABLE auth.crls (
        issuer text PRIMARY KEY,
        this_update timestamptz NOT NULL,
        next_update timestamptz,
        revoked_count integer NOT NULL,
        der bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Step 1's random key, kept as a hash; consumed once by step 2, the login page or the cabinet.
    await q.query(`
      CREATE TABLE auth.certificate_challenges (
        id uuid PRIMARY KEY,
        key_hash text NOT NULL,
        purpose text NOT NULL CHECK (purpose IN ('token', 'interaction', 'bind')),
        client_id text,
        interaction_id text,
        user_id text,
        sha1 text NOT NULL,
        sha256 text NOT NULL,
        pem text NOT NULL,
        -- The JWE itself (encrypted to the certificate, so no secret): pages show it again after a wrong answer.
        jwe text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz
      )`);
    await q.query(`CREATE INDEX certificate_challenges_sha1_idx ON auth.certificate_challenges (sha1)`);
    await q.query(`CREATE INDEX certificate_challenges_sha256_idx ON auth.certificate_challenges (sha256)`);
    await q.query(`CREATE INDEX certificate_challenges_expires_idx ON auth.certificate_challenges (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.certificate_challenges`);
    await q.query(`DROP TABLE auth.crls`);
    await q.query(`DROP TABLE auth.trust_anchors`);
  }
}
