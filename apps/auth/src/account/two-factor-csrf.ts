import { createHmac } from 'node:crypto';
import { safeEqual } from '../oidc/crypto';

/**
 * The CSRF token of the two-factor pages and API: an HMAC of the session's stored token hash, which
 * never leaves the server, so another site can neither read nor compute it. No state to keep.
 */
export function twoFactorCsrf(key: Buffer, sessionTokenHash: string): string {
  return createHmac('sha256', key).update(`account-two-factor:${sessionTokenHash}`).digest('base64url');
}

export function twoFactorCsrfValid(key: Buffer, sessionTokenHash: string, submitted: unknown): boolean {
  return typeof submitted === 'string' && safeEqual(submitted, twoFactorCsrf(key, sessionTokenHash));
}
