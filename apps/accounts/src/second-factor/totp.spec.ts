import { newTotpSecret, totpCode, totpStep } from './totp';
import { BackupCodeHasher, maskPhone, newBackupCodes, normaliseBackupCode } from './backup-codes';

describe('TOTP rules', () => {
  const { secret, uri } = newTotpSecret('id.example', 'aigerim');
  const at = new Date('2026-03-01T10:00:15Z');
  const step = Math.floor(at.getTime() / 1000 / 30);
  const codeAt = (seconds: number) => totpCode(secret, new Date(at.getTime() + seconds * 1000));

  it('makes a 160-bit base32 secret and an otpauth URI for it', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toContain('otpauth://totp/');
    expect(uri).toContain(`secret=${secret}`);
    expect(uri).toContain('issuer=id.example');
  });

  it('computes the RFC 6238 test vector (SHA-1, T = 59 s)', () => {
    // RFC 6238 appendix B: the ASCII secret 12345678901234567890 gives 94287082 (8 digits); 6 digits: 287082.
    expect(totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', new Date(59_000))).toBe('287082');
  });

  it('accepts the current code and names its time step', () => {
    expect(totpStep(secret, codeAt(0), at, null)).toEqual({ step });
    expect(totpStep(secret, `${codeAt(0).slice(0, 3)} ${codeAt(0).slice(3)}`, at, null)).toEqual({ step });
  });

  it('accepts one step of drift either way, not two', () => {
    expect(totpStep(secret, codeAt(-30), at, null)).toEqual({ step: step - 1 });
    expect(totpStep(secret, codeAt(30), at, null)).toEqual({ step: step + 1 });
    expect(totpStep(secret, codeAt(-60), at, null)).toBeNull();
    expect(totpStep(secret, codeAt(60), at, null)).toBeNull();
  });

  it('refuses a used time step and any older one', () => {
    expect(totpStep(secret, codeAt(0), at, step)).toEqual({ replayed: true });
    expect(totpStep(secret, codeAt(-30), at, step)).toEqual({ replayed: true });
    expect(totpStep(secret, codeAt(30), at, step)).toEqual({ step: step + 1 });
  });

  it('refuses anything that is not six digits', () => {
    for (const bad of ['', '12345', '1234567', 'abcdef', null, undefined]) expect(totpStep(secret, bad, at, null)).toBeNull();
  });
});

describe('backup codes', () => {
  it('makes 10 different codes of 10 unambiguous characters', () => {
    const codes = newBackupCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}$/);
  });

  it('reads a code in any case, with or without the dash', () => {
    expect(normaliseBackupCode('ABCDE-FGHJK')).toBe('abcdefghjk');
    expect(normaliseBackupCode(' abcde fghjk ')).toBe('abcdefghjk');
    expect(normaliseBackupCode('abcde-fghj')).toBeNull();
    expect(normaliseBackupCode('abcde-fghj1')).toBeNull();
    expect(normaliseBackupCode('123456')).toBeNull();
  });

  it('hashes with a key and the account: equal codes of two accounts differ, another key differs', () => {
    const a = new BackupCodeHasher(Buffer.alloc(32, 1));
    const b = new BackupCodeHasher(Buffer.alloc(32, 2));
    expect(a.hash('u1', 'abcdefghjk')).toBe(a.hash('u1', 'abcdefghjk'));
    expect(a.hash('u1', 'abcdefghjk')).not.toBe(a.hash('u2', 'abcdefghjk'));
    expect(a.hash('u1', 'abcdefghjk')).not.toBe(b.hash('u1', 'abcdefghjk'));
    expect(a.hash('u1', 'abcdefghjk')).not.toContain('abcdefghjk');
  });

  it('masks a phone for pages', () => {
    expect(maskPhone('+77071234567')).toBe('+7707***4567');
    expect(maskPhone(null)).toBeNull();
  });
});
