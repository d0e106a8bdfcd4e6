import { createHmac, hkdfSync, randomInt } from 'node:crypto';

export const BACKUP_CODE_COUNT = 10;
/** No 0/o, 1/l/i: codes are read off paper. 31 symbols, 10 of them: about 50 bits. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** `xxxxx-xxxxx`, from the CSPRNG. */
export function newBackupCodes(count = BACKUP_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** People type codes in any case, with or without the dash or spaces. */
export function normaliseBackupCode(raw: unknown): string | null {
  const chars = String(raw ?? '').toLowerCase().replace(/[\s-]/g, '');
  return new RegExp(`^[${ALPHABET}]{10}$`).test(chars) ? chars : null;
}

/**
 * A keyed hash (HMAC under a key derived from KEY_ENCRYPTION_KEY, salted by the account): ~50-bit
 * codes hashed plainly could be brute-forced from a leaked table; keyed, they cannot.
 */
export class BackupCodeHasher {
  private readonly key: Buffer;

  constructor(keyEncryptionKey: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', keyEncryptionKey, Buffer.alloc(0), 'idp backup code hash', 32));
  }

  hash(userId: string, normalised: string): string {
    return createHmac('sha256', this.key).update(`${userId}:${normalised}`).digest('base64url');
  }
}

/** +77071234567 -> +7707***4567: enough for the owner to recognise, not enough to give it away. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  return phone.length > 8 ? `${phone.slice(0, 5)}***${phone.slice(-4)}` : '***';
}
