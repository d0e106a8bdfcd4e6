import { BaseClient, Issuer, TokenSet, generators } from 'openid-client';
import { Browserless, basic, postForm } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';

const REDIRECT = 'https://rp.example/cb';

describe('an administrator revokes a consent', () => {
  let platform: EmbeddedPlatform;
  let app: { client_id: string; client_secret: string };
  let other: { client_id: string; client_secret: string };
  let userId: string;
  let rp: BaseClient;
  let otherRp: BaseClient;

  const asApp = () => ({ Authorization: basic(app.client_id, app.client_secret) });
  const introspect = (token: string) => postForm(`${platform.base}/connect/introspect`, { token }, asApp());
  const userinfo = (at: string) => fetch(`${platform.base}/connect/userinfo`, { headers: { Authorization: `Bearer ${at}` } });

  function authorizeUrl(client: BaseClient) {
    const verifier = generators.codeVerifier();
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: verifier };
    const url = client.authorizationUrl({ scope: 'openid profile offline_access', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256' });
    return { url, checks };
  }

  async function tokensFor(client: BaseClient, browser: Browserless): Promise<TokenSet> {
    const { url, checks } = authorizeUrl(client);
    const out = await signInThroughPages(browser, url, { login: 'aigerim', password: 'aigerim-password-1' });
    return client.callback(REDIRECT, client.callbackParams(out.location!), checks);
  }

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    const metadata = { redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile offline_access' };
    app = await platform.admin.createClient({ client_name: 'Bookshop', ...metadata });
    other = await platform.admin.createClient({ client_name: 'Cinema', ...metadata });
    userId = (await platform.admin.createUser({ login: 'aigerim', password: 'aigerim-password-1', given_name: 'Aigerim' })).id;
    const issuer = await Issuer.discover(platform.base);
    rp = new issuer.Client({ client_id: app.client_id, client_secret: app.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
    otherRp = new issuer.Client({ client_id: other.client_id, client_secret: other.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
  });

  afterAll(() => platform.close());

  it('needs the admin token', async () => {
    const res = await fetch(`${platform.base}/admin/users/${userId}/consents`);
    expect(res.status).toBe(401);
    const del = await fetch(`${platform.base}/admin/users/${userId}/consents/${app.client_id}`, { method: 'DELETE' });
    expect(del.status).toBe(401);
  });

  it('lists nothing for a user who consented to nothing, and 404 on revoking it', async () => {
    expect(await platform.admin.call('GET', `/admin/users/${userId}/consents`)).toEqual({ status: 200, json: [] });
    expect(await platform.admin.call('DELETE', `/admin/users/${userId}/consents/${app.client_id}`)).toEqual({
      status: 404,
      json: { error: 'not_found', error_description: 'consent not found' },
    });
  });

  it('kills every token of the grant, asks for consent again, and leaves other clients alone', async () => {
    const browser = new Browserless(platform.base);
    const first = await tokensFor(rp, browser);
    const second = await tokensFor(rp, browser);
    const unrelated = await tokensFor(otherRp, browser);
    // Already consented: the second authorization goes straight back to the client.
    const again = await browser.follow(authorizeUrl(rp).url);
    expect(again.location).toMatch(/^https:\/\/rp\.example\/cb\?code=/);

    const listed = await platform.admin.call('GET', `/admin/users/${userId}/consents`);
    expect(listed.status).toBe(200);
    expect(listed.json.map((c: { client_id: string }) => c.client_id).sort()).toEqual([app.client_id, other.client_id].sort());
    const row = listed.json.find((c: { client_id: string }) => c.client_id === app.client_id);
    expect(Object.keys(row).sort()).toEqual(['client_id', 'granted_at', 'last_used_at', 'resources', 'scopes']);
    expect(row.scopes).toEqual(['offline_access', 'openid', 'profile']);
    expect(Date.parse(row.granted_at)).toBeGreaterThan(Date.now() - 60_000);

    const revoked = await platform.admin.call('DELETE', `/admin/users/${userId}/consents/${app.client_id}`);
    expect(revoked).toEqual({ status: 204, json: undefined });

    for (const tokens of [first, second]) {
      expect((await introspect(tokens.access_token!)).json).toEqual({ active: false });
      expect((await introspect(tokens.refresh_token!)).json).toEqual({ active: false });
      const info = await userinfo(tokens.access_token!);
      expect(info.status).toBe(401);
      expect(await info.json()).toEqual({ error: 'invalid_token', error_description: 'the access token was revoked' });
      await expect(rp.refresh(tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    }

    // The other client's consent and tokens are untouched.
    expect((await userinfo(unrelated.access_token!)).status).toBe(200);
    const left = await platform.admin.call('GET', `/admin/users/${userId}/consents`);
    expect(left.json.map((c: { client_id: string }) => c.client_id)).toEqual([other.client_id]);

    // Same browser session, so no login: but the consent page is back.
    const asked = await browser.follow(authorizeUrl(rp).url);
    expect(asked.status).toBe(200);
    expect(asked.url).toContain('/interaction/');
    expect(asked.body).toContain('/consent"');

    expect((await platform.admin.call('DELETE', `/admin/users/${userId}/consents/${app.client_id}`)).status).toBe(404);
  });
});
