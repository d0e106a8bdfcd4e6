import { identifierCandidates, normaliseEmail, normaliseLogin, normalisePhone } from './identifiers';

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

  it('reads a typed identifier as a login, an e-mail address and a phone number at once', () => {
    expect(identifierCandidates('8 707 123 45 67', 'KZ')).toEqual({ login: null, email: null, phone: '+77071234567' });
    expect(identifierCandidates('+77071234567', 'KZ')).toEqual({ login: null, email: null, phone: '+77071234567' });
    expect(identifierCandidates('Aigul@Example.kz', 'KZ')).toEqual({ login: 'aigul@example.kz', email: 'aigul@example.kz', phone: null });
    expect(identifierCandidates('bolat', 'KZ')).toEqual({ login: 'bolat', email: null, phone: null });
    expect(identifierCandidates('9161234567', 'RU').phone).toBe('+79161234567');
  });
});
