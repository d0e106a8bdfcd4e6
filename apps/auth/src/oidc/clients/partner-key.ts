import { JsonWebKey, KeyObject, createPublicKey } from 'node:crypto';
import type { JWK } from 'jose';

/** The partner's RSA public key as given at registration: PEM (SPKI or PKCS#1) text or a JWK. */
export function partnerPublicKey(value: string | JWK): KeyObject {
  if (typeof value === 'string') return createPublicKey(value);
  const { kty, n, e } = value;
  return createPublicKey({ key: { kty, n, e } as JsonWebKey, format: 'jwk' });
}

/** Why the value is not an RSA public key of 2048 bits or more, or null when it is. */
export function partnerKeyProblem(value: unknown): string | null {
  if (typeof value !== 'string' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    return 'must be an RSA public key as PEM text or a JWK object';
  }
  if (typeof value === 'object' && ('d' in value || 'p' in value)) return 'must be a public key (the JWK has private parts)';
  if (typeof value === 'string' && /PRIVATE KEY/.test(value)) return 'must be a public key, not a private one';
  let key: KeyObject;
  try {
    key = partnerPublicKey(value as string | JWK);
  } catch {
    return 'must be an RSA public key as PEM text or a JWK object';
  }
  if (key.asymmetricKeyType !== 'rsa') return 'must be an RSA key';
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return 'must be an RSA key of at least 2048 bits';
  return null;
}
