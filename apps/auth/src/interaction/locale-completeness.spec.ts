import { CODE_MESSAGES } from '../../../accounts/src/otp/otp-messages';
import { LOCALES, PAGE_DICTIONARIES } from './i18n';

/** Placeholders such as {client}: every translation must fill the same ones. */
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** Keys present in one locale and missing in another, as "kk: login.title" lines. */
function gaps(dictionaries: Record<string, Record<string, unknown>>): string[] {
  const all = new Set(Object.values(dictionaries).flatMap((d) => Object.keys(d)));
  return LOCALES.flatMap((locale) => [...all].filter((key) => !(key in (dictionaries[locale] ?? {}))).map((key) => `${locale}: ${key}`));
}

describe('every locale (ru, en, kk) has every string', () => {
  it('has a dictionary of page strings for each supported locale and no other', () => {
    expect(Object.keys(PAGE_DICTIONARIES).sort()).toEqual([...LOCALES].sort());
  });

  it('has every page string in every locale, none empty, with the same placeholders', () => {
    expect(gaps(PAGE_DICTIONARIES)).toEqual([]);
    const problems: string[] = [];
    for (const key of Object.keys(PAGE_DICTIONARIES.en)) {
      for (const locale of LOCALES) {
        const text = PAGE_DICTIONARIES[locale][key];
        if (!text?.trim()) problems.push(`${locale}: ${key} is empty`);
        else if (placeholders(text).join() !== placeholders(PAGE_DICTIONARIES.en[key]).join()) problems.push(`${locale}: ${key} has placeholders ${placeholders(text)} instead of ${placeholders(PAGE_DICTIONARIES.en[key])}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has every one-time-code message and subject in every locale, each with the code and its lifetime', () => {
    expect(Object.keys(CODE_MESSAGES.texts).sort()).toEqual([...LOCALES].sort());
    expect(gaps(CODE_MESSAGES.texts)).toEqual([]);
    for (const locale of LOCALES) {
      expect(CODE_MESSAGES.subjects[locale]?.trim()).toBeTruthy();
      for (const [purpose, text] of Object.entries(CODE_MESSAGES.texts[locale])) {
        expect({ locale, purpose, ok: text('482913', 6).includes('482913') && text('482913', 6).includes('6') }).toEqual({ locale, purpose, ok: true });
      }
    }
  });

  it('finds a gap when one is there (the check itself works)', () => {
    expect(gaps({ ru: { a: 'x', b: 'y' }, en: { a: 'x' }, kk: { b: 'y' } })).toEqual(['en: b', 'kk: a']);
  });
});
