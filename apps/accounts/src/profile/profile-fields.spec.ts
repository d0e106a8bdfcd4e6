import { profileChanges } from './profile-fields';

describe('profile fields', () => {
  const today = new Date('2026-06-01T00:00:00Z');

  it('takes the named fields, trims them, and clears a field given as an empty string', () => {
    expect(profileChanges({ sub: 'x', given_name: ' Aigerim ', nickname: '', birthdate: '1990-02-28', locale: 'kk' }, today)).toEqual({
      changes: { givenName: 'Aigerim', nickname: null, birthdate: '1990-02-28', locale: 'kk' },
      fields: ['given_name', 'nickname', 'birthdate', 'locale'],
    });
  });

  it('refuses a missing first name, impossible or future dates, unknown locales and control characters', () => {
    expect(profileChanges({ sub: 'x', given_name: '  ' }, today)).toEqual({ error: 'given_name: is required' });
    expect(profileChanges({ sub: 'x', birthdate: '1990-02-30' }, today)).toMatchObject({ error: expect.stringMatching(/^birthdate:/) });
    expect(profileChanges({ sub: 'x', birthdate: '2027-01-01' }, today)).toMatchObject({ error: expect.stringMatching(/^birthdate:/) });
    expect(profileChanges({ sub: 'x', birthdate: '01.02.1990' }, today)).toMatchObject({ error: expect.stringMatching(/^birthdate:/) });
    expect(profileChanges({ sub: 'x', locale: 'de' }, today)).toEqual({ error: 'locale: one of ru, en, kk' });
    expect(profileChanges({ sub: 'x', nickname: 'a\u0000b' }, today)).toMatchObject({ error: expect.stringMatching(/^nickname:/) });
    expect(profileChanges({ sub: 'x', family_name: 'x'.repeat(101) }, today)).toMatchObject({ error: expect.stringMatching(/^family_name:/) });
    expect(profileChanges({ sub: 'x', middle_name: 5 as unknown as string }, today)).toEqual({ error: 'middle_name: must be a string' });
  });
});
