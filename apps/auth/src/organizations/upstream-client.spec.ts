import { mapProfile, UpstreamUntrusted } from './upstream-client';

describe('mapProfile', () => {
  it('reads the standard names unless the mapping names others', () => {
    expect(mapProfile({ sub: 'u1', email: 'a@acme.kz', email_verified: true, given_name: 'Ai' }, {})).toEqual({ subject: 'u1', email: 'a@acme.kz', email_verified: true, given_name: 'Ai', family_name: undefined, phone_number: undefined });
    expect(mapProfile({ id: 42, mail: 'b@acme.kz', first: 'Bo', last: 'Ek' }, { sub: 'id', email: 'mail', given_name: 'first', family_name: 'last' })).toMatchObject({ subject: '42', email: 'b@acme.kz', given_name: 'Bo', family_name: 'Ek' });
  });

  it('refuses claims without a subject', () => {
    expect(() => mapProfile({ email: 'a@acme.kz' }, {})).toThrow(UpstreamUntrusted);
    expect(() => mapProfile({ sub: '  ' }, {})).toThrow(UpstreamUntrusted);
  });
});
