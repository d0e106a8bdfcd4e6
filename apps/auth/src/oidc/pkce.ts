import { createHash } from 'node:crypto';
import { safeEqual } from './crypto';

/** RFC 7636 4.1/4.2: 43-128 characters of the unreserved set. */
export const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function verifyPkce(challenge: string, verifier: unknown): boolean {
  return typeof verifier === 'string' && PKCE_VALUE.test(verifier) && safeEqual(s256(verifier), challenge);
}
