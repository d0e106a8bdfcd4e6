import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CryptoPlugin, Base32Plugin, createBase32Plugin, createCryptoPlugin } from '@otplib/core';
import { generateSync, verifySync } from '@otplib/totp';
import { generateTOTP } from '@otplib/uri';

/** RFC 6238 defaults every authenticator app understands: SHA-1, 6 digits, 30 s steps. */
export const TOTP_PERIOD = 30;

/**
 * otplib's default plugins load ESM-only packages; these two small ones on node:crypto keep the
 * TOTP arithmetic otplib's while loading anywhere CommonJS does (the test runner included).
 */
const crypto: CryptoPlugin = createCryptoPlugin({
  name: 'node',
  hmac: (algorithm, key, data) => new Uint8Array(createHmac(algorithm, key).update(data).digest()),
  randomBytes: (length) => new Uint8Array(randomBytes(length)),
  constantTimeEqual: (a, b) => {
    const x = Buffer.from(a as Uint8Array | string);
    const y = Buffer.from(b as Uint8Array | string);
    return x.length === y.length && timingSafeEqual(x, y);
  },
});

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, as authenticator apps expect. */
const base32: Base32Plugin = createBase32Plugin({
  name: 'rfc4648',
  encode: (data) => {
    let bits = 0;
    let value = 0;
    let out = '';
    for (const byte of data) {
      value = (value << 8) | byte;
      bits += 8;
      while (bits >= 5) {
        out += ALPHABET[(value >>> (bits - 5)) & 31];
        bits -= 5;
      }
    }
    if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
    return out;
  },
  decode: (text) => {
    const clean = text.toUpperCase().replace(/=+$/, '');
    let bits = 0;
    let value = 0;
    const out: number[] = [];
    for (const ch of clean) {
      const index = ALPHABET.indexOf(ch);
      if (index < 0) throw new Error('not base32');
      value = (value << 5) | index;
      bits += 5;
      if (bits >= 8) {
        out.push((value >>> (bits - 8)) & 255);
        bits -= 8;
      }
    }
    return new Uint8Array(out);
  },
});

/** A new 160-bit secret, base32, and the otpauth:// URI the QR code carries. */
export function newTotpSecret(issuer: string, label: string): { secret: string; uri: string } {
  const secret = base32.encode(new Uint8Array(randomBytes(20)));
  return { secret, uri: totpUri(issuer, label, secret) };
}

export function totpUri(issuer: string, label: string, secret: string): string {
  return generateTOTP({ issuer, label, secret, period: TOTP_PERIOD, digits: 6 });
}

/** The code of a secret at a moment (for tests and tools). */
export function totpCode(secret: string, at: Date): string {
  return generateSync({ secret, epoch: Math.floor(at.getTime() / 1000), period: TOTP_PERIOD, crypto, base32 });
}

/**
 * The time step a code belongs to, or null. One step of clock drift either way is accepted; a step
 * at or before `lastStep` is refused, so a code (and any older one) works once.
 */
export function totpStep(secret: string, rawCode: unknown, now: Date, lastStep: number | null): { step: number } | { replayed: true } | null {
  const code = String(rawCode ?? '').replace(/[\s-]/g, '');
  if (!/^\d{6}$/.test(code)) return null;
  const epoch = Math.floor(now.getTime() / 1000);
  const result = verifySync({ secret, token: code, epoch, epochTolerance: TOTP_PERIOD, period: TOTP_PERIOD, crypto, base32 });
  if (!result.valid) return null;
  if (lastStep !== null && result.timeStep <= lastStep) return { replayed: true };
  return { step: result.timeStep };
}
