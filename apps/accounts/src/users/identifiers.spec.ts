import { normaliseEmail, normaliseLogin, normalisePhone } from './identifiers';

describe('identifiers', () => {
  it('lower-cases logins and refuses odd characters', () => {
    expect(normaliseLogin('  Alice.Smith ')).toBe('alice.smith');
    expect(normaliseLogin('ab')).toBeNull();
    expect(normaliseLogin('has space')).toBeNull();
    expect(normaliseLogin('<script>')).toBeNull();
  });

  it('normalises e-mail', () => {
    expect(normaliseEmail(' Alice@Example.COM ')).toBe('alice@example.com');
    expect(normaliseEmail('not-an-email')).toBeNull();
    expect(normaliseEmail('a@b')).toBeNull();
  });

  it('normalises Kazakh and Russian phone numbers to E.164', () => {
    expect(normalisePhone('+7 707 123 45 67')).toBe('+77071234567');
    expect(normalisePhone('8 (707) 123-45-67')).toBe('+77071234567');
    expect(normalisePhone('+7 916 123-45-67', 'RU')).toBe('+79161234567');
    expect(normalisePhone('12345')).toBeNull();
  });
});
