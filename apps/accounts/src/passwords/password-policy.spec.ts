import { commonPasswords, passwordProblem } from './password-policy';

describe('password rules', () => {
  it('ships about ten thousand common passwords, the classics among them', () => {
    const list = commonPasswords();
    expect(list.size).toBeGreaterThan(9000);
    expect(list.size).toBeLessThan(15000);
    for (const p of ['password', '12345678', 'qwerty123', '123456789', 'iloveyou', '1q2w3e4r', 'qwertyuiop', 'password2020', 'parol123']) expect(list.has(p)).toBe(true);
  });

  it('refuses short, over-long and common passwords, in any case', () => {
    expect(passwordProblem('short7!')).toBe('too_short');
    expect(passwordProblem('пароль7')).toBe('too_short');
    expect(passwordProblem('x'.repeat(73))).toBe('too_long');
    expect(passwordProblem('ж'.repeat(40))).toBe('too_long');
    expect(passwordProblem('password')).toBe('too_common');
    expect(passwordProblem('PassWord1')).toBe('too_common');
    expect(passwordProblem('12345678')).toBe('too_common');
    expect(passwordProblem('qwerty123')).toBe('too_common');
    expect(passwordProblem('asdfghjkl')).toBe('too_common');
    expect(passwordProblem('dragon2019')).toBe('too_common');
  });

  it('accepts a long enough password nobody else is likely to pick', () => {
    expect(passwordProblem('saltanat-password-1')).toBeNull();
    expect(passwordProblem('correct horse battery')).toBeNull();
    expect(passwordProblem('x'.repeat(72))).toBeNull();
    expect(passwordProblem('тамаша-күн-2024')).toBeNull();
  });
});
