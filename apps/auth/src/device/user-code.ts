import { randomInt } from 'node:crypto';

/** No vowels (no words), no look-alikes: 20 letters. */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;
/** log2(20^8) = 34.6 bits. */
export const USER_CODE_ENTROPY_BITS = USER_CODE_LENGTH * Math.log2(USER_CODE_ALPHABET.length);

export function generateUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/** What the user typed, as stored: upper case, without spaces and dashes; null when it cannot be a code. */
export function normaliseUserCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 64) return null;
  const code = input.toUpperCase().replace(/[\s-]+/g, '');
  return code.length === USER_CODE_LENGTH && [...code].every((c) => USER_CODE_ALPHABET.includes(c)) ? code : null;
}

/** As shown to people: WDJB-MJHT. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}
