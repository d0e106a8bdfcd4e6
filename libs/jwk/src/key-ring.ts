import { createHash } from 'node:crypto';
import { JWK, KeyLike, exportJWK, generateKeyPair, importJWK, jwtVerify, JWTPayload, JWTVerifyOptions, calculateJwkThumbprint } from 'jose';
import { KeyStatus, keyStatuses } from './key-states';
import { signRs256 } from './sign-off-loop';

export interface SigningKey {
  kid: string;
  alg: 'RS256';
  publicJwk: JWK;
  privateKey: KeyLike;
  publicKey: KeyLike;
  /** Unset: active since forever (a ring of one key). */
  activatedAt?: Date;
  retiredAt?: Date | null;
}

export interface KeyRingOptions {
  /** How long a superseded key stays published and verifying. */
  retainSeconds?: number;
  /** Injectable for tests. */
  now?: () => Date;
}

/** Creates a fresh RSA-2048 RS256 key; the kid is its RFC 7638 thumbprint. */
export async function generateSigningKey(): Promise<{ kid: string; alg: 'RS256'; publicJwk: JWK; privateJwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    alg: 'RS256',
    publicJwk: { ...publicJwk, kid, use: 'sig', alg: 'RS256' },
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256' },
  };
}

export async function loadSigningKey(kid: string, publicJwk: JWK, privateJwk: JWK): Promise<SigningKey> {
  return {
    kid,
    alg: 'RS256',
    publicJwk,
    privateKey: (await importJWK(privateJwk, 'RS256')) as KeyLike,
    publicKey: (await importJWK(publicJwk, 'RS256')) as KeyLike,
  };
}

/**
 * The keys in use, chosen by the clock on every call: the newest activated key signs, every
 * published one verifies (so tokens outlive a rotation), a key not yet activated is published only.
 */
export class KeyRing {
  private readonly retainSeconds: number;
  private readonly now: () => Date;

  constructor(
    private readonly keys: SigningKey[],
    options: KeyRingOptions = {},
  ) {
    if (!keys.length) throw new Error('a key ring needs at least one key');
    this.retainSeconds = options.retainSeconds ?? Number.MAX_SAFE_INTEGER / 1000;
    this.now = options.now ?? (() => new Date());
  }

  statuses(): Map<string, KeyStatus> {
    return keyStatuses(
      this.keys.map((k) => ({ kid: k.kid, activatedAt: k.activatedAt ?? new Date(0), retiredAt: k.retiredAt ?? null })),
      this.now(),
      this.retainSeconds,
    );
  }

  get current(): SigningKey {
    const statuses = this.statuses();
    const key = this.keys.find((k) => statuses.get(k.kid) === 'current');
    if (!key) throw new Error('no signing key is active yet');
    return key;
  }

  private published(): SigningKey[] {
    const statuses = this.statuses();
    return this.keys.filter((k) => statuses.get(k.kid) !== 'retired');
  }

  has(kid: string): boolean {
    return this.published().some((k) => k.kid === kid);
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.published().map((k) => k.publicJwk) };
  }

  sign(payload: JWTPayload, typ?: string): Promise<string> {
    const key = this.current;
    return signRs256(payload, { alg: key.alg, kid: key.kid, ...(typ ? { typ } : {}) }, key.privateKey);
  }

  async verify(token: string, options: JWTVerifyOptions) {
    return jwtVerify(
      token,
      (header) => {
        const key = this.published().find((k) => k.kid === header.kid);
        if (!key) throw new Error('unknown kid');
        return key.publicKey;
      },
      { algorithms: ['RS256'], ...options },
    );
  }
}

/**
 * The left half of a hash of an ASCII value, base64url: at_hash and c_hash (OpenID Connect Core
 * 3.1.3.6 / 3.3.2.11), SHA-256 for RS256.
 */
export function leftHalfHash(value: string): string {
  const digest = createHash('sha256').update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
