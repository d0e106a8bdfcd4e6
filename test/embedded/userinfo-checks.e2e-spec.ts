import { BaseClient, Issuer, TokenSet, generators } from 'openid-client';
import { Browserless, basic, postForm } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';
import { api } from './cabinet';
import { countQueries } from './query-counter';

const REDIRECT = 'https://rp.example/cb';

/**
 * UserInfo and access-token introspection: one statement says whether the token still holds, and
 * the user's claims are a short-lived copy that the accounts app's events drop.
 */
describe('UserInfo and introspection: one statement per check, claims kept until the user changes', () => {
  let platform: EmbeddedPlatform;
  let rp: BaseClient;
  let app: { client_id: string; client_secret: string };
  let m2m: { client_id: string; client_secret: string };
  let userId: string;

  const userinfo = (at: string) => api(platform.base, null, 'GET', '/connect/userinfo', undefined, { Authorization: `Bearer ${at}` });
  const introspect = async (token: string, as = app) => (await postForm(`${platform.base}/connect/introspect`, { token }, { Authorization: basic(as.client_id, as.client_secret) })).json;
  const revoke = (token: string, as = app) => postForm(`${platform.base}/connect/revocation`, { token }, { Authorization: basic(as.client_id, as.client_secret) });
  const bearer = (at: string) => ({ Authorization: `Bearer ${at}` });

  async function tokens(login = 'aigerim', password = 'aigerim-password-1'): Promise<TokenSet> {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = rp.authorizationUrl({ scope: 'openid profile email account offline_access', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    const out = await signInThroughPages(new Browserless(platform.base), url, { login, password });
    return rp.callback(REDIRECT, rp.callbackParams(out.location!), checks);
  }

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({ KEY_RELOAD_SECONDS: '3600' });
    await platform.admin.createResource({ name: 'Reports', audience: 'https://reports.example', scopes: ['reports.read'] });
    app = await platform.admin.createClient({
      client_name: 'Cabinet app',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile email account offline_access',
      first_party: true,
    });
    m2m = await platform.admin.createClient({ client_name: 'Reports job', grant_types: ['client_credentials'], scope: 'reports.read' });
    userId = (await platform.admin.createUser({ login: 'aigerim', password: 'aigerim-password-1', email: 'aigerim@example.kz', given_name: 'Aigerim' })).id;
    rp = new (await Issuer.discover(platform.base)).Client({ client_id: app.client_id, client_secret: app.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
  });

  afterAll(() => platform.close());

  it('answers a repeated UserInfo with one statement and no call to the accounts app', async () => {
    const t = await tokens();
    expect((await userinfo(t.access_token!)).json).toMatchObject({ sub: userId, given_name: 'Aigerim', email: 'aigerim@example.kz' });
    const counter = countQueries(platform);
    for (let i = 0; i < 3; i++) expect((await userinfo(t.access_token!)).status).toBe(200);
    expect(counter.statements).toHaveLength(3);
    // The statement reads the grant and the deny-list together (the counter keeps its first 120 characters).
    expect(counter.statements.every((sql) => sql.startsWith('auth: SELECT EXISTS (SELECT 1 FROM auth.revoked_access_tokens r WHERE r.jti = $1) AS denied, g.id'))).toBe(true);
  });

  it('checks a JWT access token at introspection with one statement', async () => {
    const t = await tokens();
    expect(await introspect(t.access_token!)).toMatchObject({ active: true, sub: userId });
    const counter = countQueries(platform, ['auth']);
    expect(await introspect(t.access_token!)).toMatchObject({ active: true });
    expect(counter.statements).toEqual([expect.stringMatching(/^auth: SELECT EXISTS \(SELECT 1 FROM auth\.revoked_access_tokens r WHERE r\.jti = \$1\) AS denied, g\.id/)]);
  });

  it('refuses an access token revoked by its jti at UserInfo and introspection', async () => {
    const t = await tokens();
    expect((await userinfo(t.access_token!)).status).toBe(200);
    expect((await revoke(t.access_token!)).status).toBe(200);
    const info = await userinfo(t.access_token!);
    expect(info.status).toBe(401);
    expect(info.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect(await introspect(t.access_token!)).toEqual({ active: false });
  });

  it('refuses an access token whose grant was revoked (with its refresh token)', async () => {
    const t = await tokens();
    expect((await userinfo(t.access_token!)).status).toBe(200);
    expect((await revoke(t.refresh_token!)).status).toBe(200);
    expect((await userinfo(t.access_token!)).status).toBe(401);
    expect(await introspect(t.access_token!)).toEqual({ active: false });
  });

  it('checks the deny-list for a client_credentials token, which has no grant', async () => {
    const issued = (await postForm(`${platform.base}/connect/token`, { grant_type: 'client_credentials', scope: 'reports.read' }, { Authorization: basic(m2m.client_id, m2m.client_secret) })).json;
    expect(await introspect(issued.access_token, m2m)).toMatchObject({ active: true, client_id: m2m.client_id, scope: 'reports.read' });
    expect((await revoke(issued.access_token, m2m)).status).toBe(200);
    expect(await introspect(issued.access_token, m2m)).toEqual({ active: false });
  });

  it('shows a profile changed in the cabinet at the next UserInfo, though the claims were kept', async () => {
    const t = await tokens();
    expect((await userinfo(t.access_token!)).json).toMatchObject({ given_name: 'Aigerim' });
    expect((await userinfo(t.access_token!)).json.nickname).toBeUndefined();
    const saved = await api(platform.base, null, 'PATCH', '/api/account/profile', { nickname: 'aika', given_name: 'Aigerim B.' }, bearer(t.access_token!));
    expect(saved).toMatchObject({ status: 200, json: { nickname: 'aika' } });
    expect((await userinfo(t.access_token!)).json).toMatchObject({ nickname: 'aika', given_name: 'Aigerim B.' });
    // A change of login and a flag set by an administrator send no profile event of their own kind; they show too.
    expect((await api(platform.base, null, 'PUT', '/api/account/login', { login: 'aigerim.b' }, bearer(t.access_token!))).status).toBe(200);
    expect((await userinfo(t.access_token!)).json).toMatchObject({ login: 'aigerim.b', preferred_username: 'aigerim.b' });
    expect((await platform.admin.call('PATCH', `/admin/users/${userId}`, { password_change_required: true })).status).toBe(200);
    expect((await userinfo(t.access_token!)).json.password_change_required).toBe(true);
    expect((await platform.admin.call('PATCH', `/admin/users/${userId}`, { password_change_required: false })).status).toBe(200);
    expect((await userinfo(t.access_token!)).json.password_change_required).toBe(false);
  });

  it('keeps one copy per set of scopes: a token of fewer scopes gets fewer claims', async () => {
    const checks = { state: generators.state(), code_verifier: generators.codeVerifier() };
    const url = rp.authorizationUrl({ scope: 'openid email', state: checks.state, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    const out = await signInThroughPages(new Browserless(platform.base), url, { login: 'aigerim.b', password: 'aigerim-password-1' });
    const narrow = await rp.callback(REDIRECT, rp.callbackParams(out.location!), checks);
    expect((await userinfo(narrow.access_token!)).json).toEqual({ sub: userId, email: 'aigerim@example.kz', email_verified: true });
  });

  it('refuses the tokens of a locked account and of a deleted one at once', async () => {
    const locked = await platform.admin.createUser({ login: 'nurlan', password: 'nurlan-password-1', given_name: 'Nurlan' });
    const t = await tokens('nurlan', 'nurlan-password-1');
    expect((await userinfo(t.access_token!)).status).toBe(200);
    expect((await platform.admin.call('PATCH', `/admin/users/${locked.id}`, { locked: true })).status).toBe(200);
    expect((await userinfo(t.access_token!)).status).toBe(401);
    expect(await introspect(t.access_token!)).toEqual({ active: false });

    await platform.admin.createUser({ login: 'dana', password: 'dana-password-1', given_name: 'Dana' });
    const d = await tokens('dana', 'dana-password-1');
    expect((await userinfo(d.access_token!)).status).toBe(200);
    const deleted = await api(platform.base, null, 'POST', '/api/account/delete', { password: 'dana-password-1' }, bearer(d.access_token!));
    expect(deleted).toMatchObject({ status: 200, json: { deleted: true } });
    const info = await userinfo(d.access_token!);
    expect(info.status).toBe(401);
    expect(info.json).toMatchObject({ error: 'invalid_token' });
    expect(await introspect(d.access_token!)).toEqual({ active: false });
  });
});
