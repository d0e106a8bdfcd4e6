import { USER_CODE_ALPHABET, USER_CODE_ENTROPY_BITS, formatUserCode, generateUserCode, normaliseUserCode } from './user-code';

describe('user codes', () => {
  it('are 8 letters without vowels or look-alikes', () => {
    for (let i = 0; i < 200; i++) {
      const code = generateUserCode();
      expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
    }
    expect(USER_CODE_ALPHABET).not.toMatch(/[AEIOUY01]/);
    expect(USER_CODE_ENTROPY_BITS).toBeCloseTo(34.58, 2);
  });

  it('are read case-insensitively, ignoring spaces and dashes', () => {
    expect(normaliseUserCode('wdjb-mjht')).toBe('WDJBMJHT');
    expect(normaliseUserCode(' wdjb mjht ')).toBe('WDJBMJHT');
    expect(normaliseUserCode('WD JB - MJ HT')).toBe('WDJBMJHT');
    expect(normaliseUserCode('WDJBMJH')).toBeNull();
    expect(normaliseUserCode('AEIOUAEI')).toBeNull();
    expect(normaliseUserCode(42)).toBeNull();
    expect(formatUserCode('WDJBMJHT')).toBe('WDJB-MJHT');
  });
});
