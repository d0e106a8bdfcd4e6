import { isValidBin, isValidIin, kzCheckDigit } from './kz-identifiers';

const complete = (first11: string) => first11 + String(kzCheckDigit(first11));

describe('Kazakh identification numbers', () => {
  it('computes the check digit with the first weights', () => {
    // 9*1+0*2+0*3+2*4+0*5+1*6+3*7+0*8+0*9+4*10+5*11 = 139, 139 mod 11 = 7
    expect(kzCheckDigit('90020130045')).toBe(7);
    expect(isValidIin('900201300457')).toBe(true);
    expect(isValidIin('900201300458')).toBe(false);
  });

  it('falls back to the second weights when the first give 10, and refuses a second 10', () => {
    const needsSecond = Array.from({ length: 2000 }, (_, i) => `8501011${String(i).padStart(4, '0')}`).find((p) => {
      const s = [...p].map(Number).reduce((a, d, i) => a + d * (i + 1), 0) % 11;
      return s === 10;
    })!;
    expect(needsSecond).toBeDefined();
    const digit = kzCheckDigit(needsSecond);
    const second = [...needsSecond].map(Number).reduce((a, d, i) => a + d * [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2][i], 0) % 11;
    expect(digit).toBe(second === 10 ? null : second);
  });

  it('wants 12 digits and a possible birth date', () => {
    expect(isValidIin('90020130045')).toBe(false);
    expect(isValidIin('9002013004577')).toBe(false);
    expect(isValidIin(complete('90130130045'))).toBe(false); // month 13
    expect(isValidIin(complete('90020030045'))).toBe(false); // day 00
    expect(isValidIin(900201300457)).toBe(false);
  });

  it('validates a BIN: legal-entity digit and checksum', () => {
    const bin = complete('15034000012');
    expect(isValidBin(bin)).toBe(true);
    expect(isValidBin(complete('15031000012'))).toBe(false); // 5th digit 1: not an organisation
    expect(isValidBin(bin.slice(0, 11) + String((Number(bin[11]) + 1) % 10))).toBe(false);
  });
});
