import { LOCALES, MessageKey, asLocale, pickLocale, t } from './i18n';
import { USER_SCOPES } from '../oidc/resources.service';

describe('pickLocale', () => {
  it('prefers ui_locales, then Accept-Language by q, then Russian', () => {
    expect(pickLocale('en-US ru', 'ru')).toBe('en');
    expect(pickLocale('fr', 'de;q=1, en;q=0.5, ru;q=0.4')).toBe('en');
    expect(pickLocale(undefined, 'ru-RU,ru;q=0.9,en;q=0.8')).toBe('ru');
    expect(pickLocale(undefined, 'en;q=0, ru;q=0.1')).toBe('ru');
    expect(pickLocale(undefined, undefined)).toBe('ru');
    expect(pickLocale('kk-KZ', 'ru')).toBe('kk');
    expect(pickLocale(undefined, 'kk,ru;q=0.8')).toBe('kk');
  });

  it('puts the saved profile language after ui_locales and before Accept-Language', () => {
    expect(pickLocale(undefined, undefined, 'kk')).toBe('kk');
    expect(pickLocale(undefined, 'en', 'kk')).toBe('kk');
    expect(pickLocale('en', 'ru', 'kk')).toBe('en');
    expect(pickLocale('fr de', 'ru', 'kk')).toBe('kk');
    expect(pickLocale(undefined, 'en', null)).toBe('en');
    expect(pickLocale(undefined, 'en', 'de')).toBe('en');
    expect(pickLocale(undefined, undefined, '')).toBe('ru');
  });

  it('fills placeholders in every language', () => {
    for (const l of LOCALES) expect(t(l, 'consent.title', { client: 'Acme' })).toContain('Acme');
  });
});

describe('asLocale', () => {
  it('takes only a supported locale', () => {
    expect(asLocale('kk')).toBe('kk');
    expect([asLocale('KK'), asLocale('kk-KZ'), asLocale(null), asLocale(7)]).toEqual([null, null, null, null]);
  });
});

describe('page strings', () => {
  it('describes every user scope in every language (the consent page must not fail on one)', () => {
    for (const l of LOCALES) for (const scope of USER_SCOPES) expect(t(l, `scope.${scope}` as MessageKey)).toMatch(/\S/);
  });
});
