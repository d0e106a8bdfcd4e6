import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** An unguessable token: 32 random bytes, base64url (or hex, as Kontur's refresh tokens look). */
export function randomToken(encoding: 'base64url' | 'hex' = 'base64url', bytes = 32): string {
  return randomBytes(bytes).toString(encoding);
}

/** The lookup key of a stored secret (codes, refresh tokens, client secrets, session tokens). */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Compares two strings in time independent of where they differ (hashes first, so lengths match). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
