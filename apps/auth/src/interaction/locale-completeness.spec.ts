import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CODE_MESSAGES } from '../../../accounts/src/otp/otp-messages';
import { LOCALES, PAGE_DICTIONARIES } from './i18n';

const AUTH_SRC = join(__dirname, '..');
/** Pages that are English on purpose: the API reference for developers (built by its own people). */
const ENGLISH_BY_DESIGN = ['openapi/', 'developers/'];
/** Text the same in every language: abbreviations, digests, the shape of a user code. */
const UNTRANSLATED = new Set(['IP', 'SHA-1', 'SHA-256', 'SHA-1 / SHA-256', 'XXXX-XXXX']);

/** Template literals with their ${...} parts blanked out (nested braces and literals included). */
function templates(source: string): string[] {
  const found: string[] = [];
  let i = 0;
  const literal = (): string => {
    let out = '';
    i++; // the opening backtick
    while (i < source.length && source[i] !== '`') {
      if (source[i] === '\\') out += source[i++] + (source[i++] ?? '');
      else if (source[i] === '$' && source[i + 1] === '{') {
        i += 2;
        for (let depth = 1; i < source.length && depth; i++) {
          if (source[i] === '`') {
            found.push(literal());
            i--;
          } else if (source[i] === '{') depth++;
          else if (source[i] === '}') depth--;
        }
        out += '\u0000';
      } else out += source[i++];
    }
    i++;
    return out;
  };
  while (i < source.length) {
    if (source[i] === '`') found.push(literal());
    else i++;
  }
  return found;
}

/** User-visible words written straight into HTML (text between tags, labels, placeholders, titles). */
export function hardCodedText(source: string): string[] {
  const hits: string[] = [];
  for (const html of templates(source).filter((x) => /<(p|h[1-6]|div|span|button|a|label|title|li|td|th|option|legend|small|strong|noscript|form|section)[\s>]/.test(x))) {
    for (const m of html.matchAll(/>([^<>]*)</g)) {
      const text = m[1].replace(/\u0000/g, ' ').trim();
      if (/\p{L}{2,}/u.test(text) && !UNTRANSLATED.has(text)) hits.push(text);
    }
    for (const m of html.matchAll(/\b(?:aria-label|placeholder|title|alt)="([^"]*)"/g)) {
      const text = m[1].replace(/\u0000/g, ' ').trim();
      if (/\p{L}{2,}/u.test(text) && !UNTRANSLATED.has(text)) hits.push(text);
    }
  }
  return hits;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : []));
}

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

  it('has no user-visible text written into a page outside the dictionaries', () => {
    const found = sources(AUTH_SRC)
      .map((file) => relative(AUTH_SRC, file).split('\\').join('/'))
      .filter((file) => !ENGLISH_BY_DESIGN.some((prefix) => file.startsWith(prefix)) && file !== 'interaction/i18n.ts')
      .flatMap((file) => hardCodedText(readFileSync(join(AUTH_SRC, file), 'utf8')).map((text) => `${file}: ${text}`));
    expect(found).toEqual([]);
  });

  it('finds hard-coded page text when it is there (the check itself works)', () => {
    const view = "const x = `<h1>${esc(t(l, 'a'))}</h1><p class=\"e\">state mismatch</p><input placeholder=\"Your name\"> <td>IP</td> ${`<b>${y}</b><button>Go on</button>`}`; const sql = `WHERE a > now() AND b < 3`;";
    expect(hardCodedText(view)).toEqual(['Go on', 'state mismatch', 'Your name']);
  });

  it('finds a gap when one is there (the check itself works)', () => {
    expect(gaps({ ru: { a: 'x', b: 'y' }, en: { a: 'x' }, kk: { b: 'y' } })).toEqual(['en: b', 'kk: a']);
  });
});
