import { randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret } from './key-encryption';

describe('secret encryption at rest', () => {
  const key = randomBytes(32);

  it('round-trips and never stores the plaintext', () => {
    const sealed = encryptSecret('{"d":"private"}', key, 'kid-1');
    expect(sealed).not.toContain('private');
    expect(decryptSecret(sealed, key, 'kid-1')).toBe('{"d":"private"}');
  });

  it('refuses another key, another row, or a tampered ciphertext', () => {
    const sealed = encryptSecret('secret', key, 'kid-1');
    expect(() => decryptSecret(sealed, randomBytes(32), 'kid-1')).toThrow();
    expect(() => decryptSecret(sealed, key, 'kid-2')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => decryptSecret(parts.join('.'), key, 'kid-1')).toThrow();
  });
});
