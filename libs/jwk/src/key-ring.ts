import { createHash } from 'node:crypto';
import { JWK, KeyLike, exportJWK, generateKeyPair, importJWK, jwtVerify, JWTPayload, JWTVerifyOptions, calculateJwkThumbprint } from 'jose';
import { KeyStatus, keyStatuses } from './key-states';
import { signOffLoop } from './sign-off-loop';

/** The JWS algorithms our keys sign with: RS256 for everything by default; ES256 and EdDSA (Ed25519) on an API's request. */
export const SIGNING_ALGS = ['RS256', 'ES256', 'EdDSA'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];
/** Every token is RS256 unless an API resource asks for another algorithm for its access tokens. */
export const DEFAULT_SIGNING_ALG: SigningAlg = 'RS256';

export function isSigningAlg(value: unknown): value is SigningAlg {
  return typeof value === 'string' && (SIGNING_ALGS as readonly string[]).includes(value);
}

/** What jose generates for each algorithm: RSA-2048, P-256, Ed25519. */
const GENERATE: Record<SigningAlg, Parameters<typeof generateKeyPair>[1]> = {
  RS256: { modulusLength: 2048, extractable: true },
  ES256: { extractable: true },
  EdDSA: { crv: 'Ed25519', extractable: true },
};

/** For the log: what kind of key an algorithm uses. */
export const KEY_TYPE: Record<SigningAlg, string> = { RS256: 'RSA-2048', ES256: 'P-256', EdDSA: 'Ed25519' };

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
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

/** Creates a fresh key for `alg` (RSA-2048 by default); the kid is its RFC 7638 thumbprint. */
export async function generateSigningKey(alg: SigningAlg = DEFAULT_SIGNING_ALG): Promise<{ kid: string; alg: SigningAlg; publicJwk: JWK; privateJwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair(alg, GENERATE[alg]);
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    alg,
    publicJwk: { ...publicJwk, kid, use: 'sig', alg },
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg },
  };
}

export async function loadSigningKey(kid: string, publicJwk: JWK, privateJwk: JWK, alg: SigningAlg = DEFAULT_SIGNING_ALG): Promise<SigningKey> {
  return {
    kid,
    alg,
    publicJwk,
    privateKey: (await importJWK(privateJwk, alg)) as KeyLike,
    publicKey: (await importJWK(publicJwk, alg)) as KeyLike,
  };
}

/**
 * The keys in use, chosen by the clock on every call: for each algorithm the newest activated key
 * signs, every published one verifies (so tokens outlive a rotation), a key not yet activated is
 * published only. Each algorithm's keys rotate on their own timeline.
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
      this.keys.map((k) => ({ kid: k.kid, alg: k.alg, activatedAt: k.activatedAt ?? new Date(0), retiredAt: k.retiredAt ?? null })),
      this.now(),
      this.retainSeconds,
    );
  }

  /** The RS256 key that signs now. */
  get current(): SigningKey {
    return this.currentFor(DEFAULT_SIGNING_ALG);
  }

  currentFor(alg: SigningAlg): SigningKey {
    const statuses = this.statuses();
    const key = this.keys.find((k) => k.alg === alg && statuses.get(k.kid) === 'current');
    if (!key) throw new Error(`no ${alg} signing key is active yet`);
    return key;
  }

  /** Whether a key of this algorithm can sign now. */
  signsWith(alg: SigningAlg): boolean {
    const statuses = this.statuses();
    return this.keys.some((k) => k.alg === alg && statuses.get(k.kid) === 'current');
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

  async sign(payload: JWTPayload, typ?: string, alg: SigningAlg = DEFAULT_SIGNING_ALG): Promise<string> {
    const key = this.currentFor(alg);
    return signOffLoop(payload, { alg: key.alg, kid: key.kid, ...(typ ? { typ } : {}) }, key.privateKey);
  }

  async verify(token: string, options: JWTVerifyOptions) {
    return jwtVerify(
      token,
      (header) => {
        const key = this.published().find((k) => k.kid === header.kid);
        if (!key) throw new Error('unknown kid');
        // A key verifies only the algorithm it was made for.
        if (header.alg !== key.alg) throw new Error('the token\'s alg does not match its key');
        return key.publicKey;
      },
      { algorithms: [...SIGNING_ALGS], ...options },
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
