import { createHmac, hkdfSync, randomInt, timingSafeEqual } from 'node:crypto';

export const CODE_DIGITS = 6;

/** Six digits from the CSPRNG, leading zeros kept. */
export function generateCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
}

/** Only six digits count: people paste codes with spaces or dashes. */
export function normaliseCode(raw: unknown): string | null {
  const digits = String(raw ?? '').replace(/[\s-]/g, '');
  return new RegExp(`^\\d{${CODE_DIGITS}}$`).test(digits) ? digits : null;
}

/**
 * Hashes codes with a key the database never sees: a million codes are hashed in a second, so
 * a plain hash would give a leaked table away; keyed, it does not. Salted by the challenge id so
 * equal codes do not look equal.
 */
export class CodeHasher {
  private readonly key: Buffer;

  constructor(keyEncryptionKey: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', keyEncryptionKey, Buffer.alloc(0), 'idp otp code hash', 32));
  }

  hash(challengeId: string, code: string): string {
    return createHmac('sha256', this.key).update(`${challengeId}:${code}`).digest('base64url');
  }

  matches(challengeId: string, code: string, stored: string): boolean {
    const a = Buffer.from(this.hash(challengeId, code));
    const b = Buffer.from(stored);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
