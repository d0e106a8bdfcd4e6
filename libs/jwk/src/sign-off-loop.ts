import { KeyObject, sign } from 'node:crypto';
import { JWTPayload, KeyLike, SignJWT } from 'jose';
import type { SigningAlg } from './key-ring';

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** How node:crypto signs for each JWS algorithm (JWA 3.3, 3.4; RFC 8037 for EdDSA). */
const NODE_SIGN: Record<SigningAlg, { digest: string | null; dsaEncoding?: 'ieee-p1363' }> = {
  RS256: { digest: 'sha256' },
  // JWS wants the raw r||s form of an ECDSA signature, not node's DER default.
  ES256: { digest: 'sha256', dsaEncoding: 'ieee-p1363' },
  // Ed25519 hashes internally: no digest.
  EdDSA: { digest: null },
};

/**
 * A compact JWS whose signature is computed on libuv's thread pool (crypto.sign with a callback)
 * instead of on the event loop, where jose's one-shot sign runs. The private-key operation is the
 * single largest cost of a token request (about 0.4 ms of CPU for RSA-2048); off the loop, other
 * requests keep being parsed and answered meanwhile, and one process signs on several cores. Keys
 * that are not Node KeyObjects (never the case here) fall back to jose.
 */
export function signOffLoop(payload: JWTPayload, header: { alg: SigningAlg; kid: string; typ?: string }, key: KeyLike): Promise<string> {
  if (!(key instanceof KeyObject)) return new SignJWT(payload).setProtectedHeader(header).sign(key);
  const input = `${part(header)}.${part(payload)}`;
  const how = NODE_SIGN[header.alg];
  const signingKey = how.dsaEncoding ? { key, dsaEncoding: how.dsaEncoding } : key;
  return new Promise((resolve, reject) =>
    sign(how.digest, Buffer.from(input), signingKey, (err, signature) => (err ? reject(err) : resolve(`${input}.${signature.toString('base64url')}`))),
  );
}

/** The RS256 case, kept for callers that only ever sign with RSA. */
export function signRs256(payload: JWTPayload, header: { alg: 'RS256'; kid: string; typ?: string }, key: KeyLike): Promise<string> {
  return signOffLoop(payload, header, key);
}
