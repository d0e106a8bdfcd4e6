import { randomBytes } from 'node:crypto';
import { CodeHasher, generateCode, normaliseCode } from './otp-code';

describe('one-time code values', () => {
  it('are six digits, leading zeros kept, spread over the whole range', () => {
    const codes = Array.from({ length: 2000 }, generateCode);
    expect(codes.every((c) => /^\d{6}$/.test(c))).toBe(true);
    expect(new Set(codes.map((c) => c[0])).size).toBe(10);
    expect(new Set(codes).size).toBeGreaterThan(1990);
  });

  it('accept what people paste, and nothing else', () => {
    expect(normaliseCode(' 123 456 ')).toBe('123456');
    expect(normaliseCode('123-456')).toBe('123456');
    expect(normaliseCode('12345')).toBeNull();
    expect(normaliseCode('12345a')).toBeNull();
    expect(normaliseCode(undefined)).toBeNull();
  });

  it('are hashed with a secret key and the challenge id', () => {
    const hasher = new CodeHasher(randomBytes(32));
    const stored = hasher.hash('challenge-1', '123456');
    expect(hasher.matches('challenge-1', '123456', stored)).toBe(true);
    expect(hasher.matches('challenge-1', '123457', stored)).toBe(false);
    expect(hasher.matches('challenge-2', '123456', stored)).toBe(false);
    expect(new CodeHasher(randomBytes(32)).hash('challenge-1', '123456')).not.toBe(stored);
  });
});
