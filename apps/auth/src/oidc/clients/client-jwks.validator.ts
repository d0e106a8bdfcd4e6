import { createPublicKey } from 'node:crypto';
import { ClientJwks } from '@idp/domain';

/** Members that only private or symmetric JWKs have (RFC 7518 6.2.2, 6.3.2, 6.4.1). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const MAX_KEYS = 10;

/**
 * Checks a client's inline JWK Set: public RSA (2048 bits or more) or P-256 keys that Node can
 * load, so a bad key is refused at registration rather than at the client's first token request.
 * Returns the problem, or null.
 */
export function jwksProblem(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'must be a JWK Set object ({"keys": [...]})';
  const keys = (value as ClientJwks).keys;
  if (!Array.isArray(keys) || !keys.length || keys.length > MAX_KEYS) return `must hold 1 to ${MAX_KEYS} keys`;
  for (const jwk of keys as unknown[] as Array<Record<string, unknown>>) {
    if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk)) return 'each key must be a JWK object';
    if (PRIVATE_MEMBERS.some((m) => m in jwk)) return 'must hold public keys only';
    if (jwk.kty !== 'RSA' && jwk.kty !== 'EC') return 'keys must be RSA or EC';
    if (jwk.kty === 'EC' && jwk.crv !== 'P-256') return 'EC keys must use the P-256 curve';
    if (jwk.kid !== undefined && typeof jwk.kid !== 'string') return 'kid must be a string';
    let details;
    try {
      details = createPublicKey({ key: jwk as never, format: 'jwk' }).asymmetricKeyDetails;
    } catch {
      return 'holds a key that cannot be loaded';
    }
    if (jwk.kty === 'RSA' && (details?.modulusLength ?? 0) < 2048) return 'RSA keys must be 2048 bits or more';
  }
  return null;
}

/** https, or http on a loopback address (development only). */
export function jwksUriProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be an absolute https URI';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute https URI';
  }
  if (url.hash) return 'must not contain a fragment';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return null;
  return 'must be an absolute https URI (http only on a loopback address)';
}
