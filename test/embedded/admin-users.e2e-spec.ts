import { BaseClient, Issuer, generators } from 'openid-client';
import { Browserless } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';

const REDIRECT = 'https://rp.example/cb';

describe('admin user management: search, lock, password change flag, ending sessions', () => {
  let platform: EmbeddedPlatform;
  let client: BaseClient;
  let ids: Record<string, string>;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    const registered = await platform.admin.createClient({ client_name: 'Web', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile offline_access', first_party: true });
    client = new (await Issuer.discover(platform.base)).Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [REDIRECT] });
    ids = {};
    for (const [login, phone, email] of [['saltanat', '+7 707 200 00 01', 'saltanat@example.kz'], ['samat', '+7 707 200 00 02', 'samat@example.kz'], ['timur', '+7 777 300 00 03', 'timur@corp.kz']]) {
      ids[login] = (await platform.admin.createUser({ login, password: `${login}-password-1`, phone, email })).id;
    }
  });

  afterAll(() => platform.close());

  async function signIn(login: string, browser = new Browserless(platform.base)) {
    const checks = { state: generators.state(), code_verifier: generators.codeVerifier() };
    const url = client.authorizationUrl({ scope: 'openid profile offline_access', state: checks.state, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    const out = await signInThroughPages(browser, url, { login, password: `${login}-password-1` });
    return { browser, out, tokens: out.location?.includes('code=') ? await client.callback(REDIRECT, client.callbackParams(out.location!), checks) : undefined };
  }

  it('finds accounts by the start of a login, an e-mail, a phone, or by id', async () => {
    const logins = async (query: string) => ((await platform.admin.call('GET', `/admin/users?query=${encodeURIComponent(query)}`)).json as Array<{ login: string }>).map((u) => u.login).sort();
    expect(await logins('sa')).toEqual(['saltanat', 'samat']);
    expect(await logins('timur@')).toEqual(['timur']);
    expect(await logins('+7707')).toEqual(['saltanat', 'samat']);
    expect(await logins('7777')).toEqual(['timur']);
    expect(await logins(ids.samat)).toEqual(['samat']);
    expect(await logins('%')).toEqual([]);
    const all = (await platform.admin.call('GET', '/admin/users')).json;
    expect(all[0]).toMatchObject({ login: 'timur', locked: false, password_change_required: false, phone_number: '+77773000003' });
  });

  it('locking an account ends its sessions, revokes its tokens and stops every sign-in until unlocked', async () => {
    const { browser, tokens } = await signIn('saltanat');
    const locked = await platform.admin.call('PATCH', `/admin/users/${ids.saltanat}`, { locked: true });
    expect(locked.status).toBe(200);
    expect(locked.json).toMatchObject({ id: ids.saltanat, locked: true });

    await expect(client.refresh(tokens!.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await fetch(`${platform.base}/connect/userinfo`, { headers: { Authorization: `Bearer ${tokens!.access_token}` } })).status).toBe(401);
    const silent = await browser.request(client.authorizationUrl({ scope: 'openid', prompt: 'none', state: 'state-12345', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }));
    expect(new URL(silent.location!).searchParams.get('error')).toBe('login_required');
    const refused = await signIn('saltanat');
    expect(refused.out.status).toBe(401);
    expect(refused.out.body).toContain('The login or password is wrong.');

    await platform.admin.call('PATCH', `/admin/users/${ids.saltanat}`, { locked: false });
    expect((await signIn('saltanat')).tokens).toBeDefined();
  });

  it('sets password_change_required, which the profile claims carry and the next sign-in enforces', async () => {
    const { tokens } = await signIn('samat');
    const res = await platform.admin.call('PATCH', `/admin/users/${ids.samat}`, { password_change_required: true });
    expect(res.json.password_change_required).toBe(true);
    expect(await client.userinfo(tokens!)).toMatchObject({ password_change_required: true });
    const next = await signIn('samat');
    expect(next.tokens).toBeUndefined();
    expect(next.out.url).toMatch(/\/interaction\/[^/]+\/password$/);
  });

  it('ends all sessions of a user on demand', async () => {
    const first = await signIn('timur');
    await signIn('timur');
    const res = await platform.admin.call('POST', `/admin/users/${ids.timur}/sessions/end`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ sessions_ended: 2, grants_revoked: 2 });
    await expect(client.refresh(first.tokens!.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('answers 404 for unknown accounts and 400 for bad fields', async () => {
    expect((await platform.admin.call('PATCH', '/admin/users/00000000-0000-4000-8000-000000000000', { locked: true })).status).toBe(404);
    expect((await platform.admin.call('POST', '/admin/users/not-an-id/sessions/end')).status).toBe(404);
    const bad = await platform.admin.call('PATCH', `/admin/users/${ids.timur}`, { locked: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.json.fields).toEqual({ locked: 'must be true or false' });
  });
});
