import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { CompactEncrypt, importX509 } from 'jose';
import { DataSource } from 'typeorm';
import * as x509 from '@peculiar/x509';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { CertificateRefused } from './certificate-errors';
import { Thumbprints, toPem } from './certificate-parse';

export type ChallengePurpose = 'token' | 'interaction' | 'bind';

/** Who may answer a challenge: the client of step 1, the browser's interaction, or the signed-in user. */
export type ChallengeOwner = { purpose: 'token'; clientId: string } | { purpose: 'interaction'; interactionId: string } | { purpose: 'bind'; userId: string };

export interface ChallengeRow {
  id: string;
  sha1: string;
  sha256: string;
  pem: string;
  expires_at: Date;
}

const KEY_BYTES = 32;
const hashKey = (key: Buffer) => createHash('sha256').update(key).digest('hex');
const OWNER_COLUMN = { token: 'client_id', interaction: 'interaction_id', bind: 'user_id' } as const;
const ownerValue = (o: ChallengeOwner) => (o.purpose === 'token' ? o.clientId : o.purpose === 'interaction' ? o.interactionId : o.userId);

/** Reads `decrypted_key`: standard or URL-safe base64 of the 32 random bytes; null otherwise. */
export function decodeKey(value: unknown): Buffer | null {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_=-]{40,64}$/.test(value.trim())) return null;
  const key = Buffer.from(value.trim().replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === KEY_BYTES ? key : null;
}

/**
 * Proof of possession of a certificate's private key: a fresh random key encrypted to the
 * certificate's public key as a compact JWE (RSA-OAEP-256 or ECDH-ES, A256GCM). Only the key's hash
 * is stored; the challenge is consumed once, atomically, by whoever owns it.
 */
@Injectable()
export class CertificateChallengesService {
  constructor(
    @InjectDataSource('auth') private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get ttl(): number {
    return this.config.certificates.challengeTtl;
  }

  async create(cert: x509.X509Certificate, prints: Thumbprints, owner: ChallengeOwner, now = new Date()): Promise<{ id: string; encryptedKey: string; expiresAt: Date }> {
    const key = randomBytes(KEY_BYTES);
    const isRsa = (cert.publicKey.algorithm as { name: string }).name.startsWith('RSA');
    const alg = isRsa ? 'RSA-OAEP-256' : 'ECDH-ES';
    // jose refuses RSA keys under 2048 bits (and RSA-PSS-only keys) for RSA-OAEP: not a key to sign in with.
    const publicKey = await importX509(toPem(cert), alg).catch(() => {
      throw new CertificateRefused('unsupported_key');
    });
    const encryptedKey = await new CompactEncrypt(key)
      .setProtectedHeader({ alg, enc: 'A256GCM', 'x5t#S256': Buffer.from(prints.sha256, 'hex').toString('base64url') })
      .encrypt(publicKey);
    const id = randomUUID();
    const expiresAt = new Date(now.getTime() + this.ttl * 1000);
    await this.db.query(
      `INSERT INTO auth.certificate_challenges (id, key_hash, purpose, ${OWNER_COLUMN[owner.purpose]}, sha1, sha256, pem, jwe, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [id, hashKey(key), owner.purpose, ownerValue(owner), prints.sha1, prints.sha256, toPem(cert), encryptedKey, now, expiresAt],
    );
    return { id, encryptedKey, expiresAt };
  }

  /**
   * Consumes the owner's live challenge for this certificate whose key this is (one UPDATE, so of
   * two racing answers one wins); throws wrong_key, replayed or challenge_expired otherwise.
   */
  async consume(owner: ChallengeOwner, key: Buffer | null, thumbprint: string, now = new Date()): Promise<ChallengeRow> {
    if (!key) throw new CertificateRefused('wrong_key');
    const column = thumbprint.length === 40 ? 'sha1' : 'sha256';
    const where = `key_hash = $1 AND ${column} = $2 AND purpose = $3 AND ${OWNER_COLUMN[owner.purpose]} = $4`;
    const args = [hashKey(key), thumbprint, owner.purpose, ownerValue(owner)];
    const result = await this.db.query(
      `UPDATE auth.certificate_challenges SET consumed_at = $5 WHERE ${where} AND consumed_at IS NULL AND expires_at > $5
       RETURNING id, sha1, sha256, pem, expires_at`,
      [...args, now],
    );
    const rows: ChallengeRow[] = Array.isArray(result[0]) ? result[0] : result;
    if (rows[0]) return rows[0];
    const [seen] = await this.db.query(`SELECT consumed_at, expires_at FROM auth.certificate_challenges WHERE ${where}`, args);
    if (!seen) throw new CertificateRefused('wrong_key');
    throw new CertificateRefused(seen.consumed_at ? 'replayed' : 'challenge_expired');
  }

  /** The owner's newest live challenge (the login page and the cabinet show it again after a wrong answer). */
  async live(owner: ChallengeOwner, id: string, now = new Date()): Promise<{ id: string; sha1: string; jwe: string; expires_at: Date } | null> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return null;
    const [row] = await this.db.query(
      `SELECT id, sha1, jwe, expires_at FROM auth.certificate_challenges WHERE id = $1 AND purpose = $2 AND ${OWNER_COLUMN[owner.purpose]} = $3 AND consumed_at IS NULL AND expires_at > $4`,
      [id, owner.purpose, ownerValue(owner), now],
    );
    return row ?? null;
  }

  /** Expired challenges are of no use to anyone; called on each new one, cheap with the index. */
  async sweep(now = new Date()): Promise<void> {
    await this.db.query(`DELETE FROM auth.certificate_challenges WHERE expires_at < $1`, [new Date(now.getTime() - 24 * 3600 * 1000)]);
  }
}
