import { maskPhone } from './link-proof';

describe('maskPhone', () => {
  it('keeps the country prefix and the last four digits, hiding the rest', () => {
    expect(maskPhone('+77017770022')).toBe('+7••••••0022');
    expect(maskPhone('+77017770022')).not.toContain('701777');
  });

  it('hides a short value whole', () => {
    expect(maskPhone('1234')).toBe('•••');
  });
});
