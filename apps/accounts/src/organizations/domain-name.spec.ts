import { normaliseDomain } from './domain-name';

describe('normaliseDomain', () => {
  it('lower-cases and drops the trailing dot', () => {
    expect(normaliseDomain(' ACME.kz. ')).toBe('acme.kz');
    expect(normaliseDomain('mail.acme-group.kz')).toBe('mail.acme-group.kz');
  });

  it('refuses what is not a domain name', () => {
    for (const bad of ['acme', 'acme..kz', '-acme.kz', 'acme-.kz', 'ac me.kz', 'https://acme.kz', 'a@acme.kz', '', 'x'.repeat(64) + '.kz']) {
      expect(normaliseDomain(bad)).toBeNull();
    }
  });
});
