import { decodeJwt } from 'jose';
import { Browserless, basic, postForm } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

describe('legacy password grant and password throttling', () => {
  let platform: EmbeddedPlatform;
  let legacy: { client_id: string; client_secret: string };
  let modern: { client_id: string; client_secret: string };
  let token: string;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({ PASSWORD_FAILURES_PER_IDENTIFIER: '3' });
    token = `${platform.base}/connect/token`;
    legacy = await platform.admin.createClient({ client_name: 'Old integration', grant_types: ['password', 'refresh_token'], scope: 'openid profile offline_access' });
    modern = await platform.admin.createClient({ client_name: 'Modern', grant_types: ['client_credentials'], scope: 'x' });
    await platform.admin.createUser({ login: 'oleg', password: 'oleg-password-1', phone: '+7 701 111 22 33', email: 'oleg@example.kz', given_name: 'Oleg' });
    await platform.admin.createUser({ login: 'pavel', password: 'pavel-password-1' });
  });

  afterAll(() => platform.close());

  const asLegacy = (form: Record<string, string>) => postForm(token, { grant_type: 'password', ...form }, { Authorization: basic(legacy.client_id, legacy.client_secret) });

  it('issues tokens for the login, the phone or the e-mail as the username', async () => {
    for (const username of ['oleg', '8 701 111 22 33', 'OLEG@example.kz']) {
      const res = await asLegacy({ username, password: 'oleg-password-1', scope: 'openid profile offline_access' });
      expect(res.status).toBe(200);
      expect(Object.keys(res.json).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
      expect(decodeJwt(res.json.id_token)).toMatchObject({ aud: legacy.client_id, amr: ['pwd'] });
    }
  });

  it('answers a wrong password with invalid_grant', async () => {
    const res = await asLegacy({ username: 'oleg', password: 'wrong-password' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: 'invalid_grant', error_description: 'the username or password is wrong' });
  });

  it('is refused to clients that did not enable it', async () => {
    const res = await postForm(token, { grant_type: 'password', username: 'oleg', password: 'oleg-password-1' }, { Authorization: basic(modern.client_id, modern.client_secret) });
    expect(res.json).toEqual({ error: 'unauthorized_client', error_description: 'this client may not use the password grant' });
  });

  it('stops guessing after 3 failures for one identifier, at the grant and on the login page alike', async () => {
    for (let i = 0; i < 3; i++) expect((await asLegacy({ username: 'pavel', password: `guess-${i}-guess` })).status).toBe(400);
    const blocked = await asLegacy({ username: 'pavel', password: 'pavel-password-1' });
    expect(blocked.json.error).toBe('invalid_grant');
    expect(blocked.json.error_description).toMatch(/^too many failed attempts; try again in \d+ seconds$/);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);

    const web = await platform.admin.createClient({ client_name: 'Web', redirect_uris: ['https://rp.example/cb'], scope: 'openid' });
    const browser = new Browserless(platform.base);
    const page = await browser.follow(`/connect/authorize?${new URLSearchParams({ client_id: web.client_id, redirect_uri: 'https://rp.example/cb', response_type: 'code', scope: 'openid', state: 'state-12345' })}`);
    const res = await browser.submit(page, '/login', { username: 'pavel', password: 'pavel-password-1' });
    expect(res.status).toBe(429);
    expect(res.body).toContain('Too many failed attempts');
    expect(browser.jar.has('idp_session')).toBe(false);
  });
});
