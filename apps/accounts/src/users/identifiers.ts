import { parsePhoneNumberFromString, CountryCode } from 'libphonenumber-js';

const LOGIN = /^[a-z0-9][a-z0-9._@+-]{2,63}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;

/** A login is case-insensitive: stored lower-cased; 3-64 of letters, digits and . _ @ + -. */
export function normaliseLogin(raw: string): string | null {
  const login = raw.trim().toLowerCase();
  return LOGIN.test(login) ? login : null;
}

export function normaliseEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  return email.length <= 254 && EMAIL.test(email) ? email : null;
}

/** E.164, or null when the number is not a valid one (numbers without + are read in the default region). */
export function normalisePhone(raw: string, region: CountryCode = 'KZ'): string | null {
  const phone = parsePhoneNumberFromString(raw.trim(), region);
  return phone?.isValid() ? phone.number : null;
}

/** A code's destination as stored and compared: E.164 for SMS, a lower-cased address for e-mail. */
export function normaliseDestination(channel: 'sms' | 'email', raw: string, region: CountryCode): string | null {
  return channel === 'sms' ? normalisePhone(raw, region) : normaliseEmail(raw);
}

/**
 * What a typed identifier could be: a login, an e-mail address and a phone number at once
 * ("+77071234567" is a valid login too). Password login looks all of them up in one query.
 */
export function identifierCandidates(raw: string, region: CountryCode): { login: string | null; email: string | null; phone: string | null } {
  const looksLikePhone = /^[+\d\s()-]{5,}$/.test(raw.trim());
  return { login: normaliseLogin(raw), email: normaliseEmail(raw), phone: looksLikePhone ? normalisePhone(raw, region) : null };
}
