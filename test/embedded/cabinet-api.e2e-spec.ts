import { BaseClient, Issuer, TokenSet, generators } from 'openid-client';
import { Browserless } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';
import { newCode } from './otp';
import { PNG, api, signInToCabinet } from './cabinet';

const REDIRECT = 'https://rp.example/cb';

describe('the cabinet JSON API at /api/account and the photo API', () => {
  let platform: EmbeddedPlatform;
  let rp: BaseClient;
  let userId: string;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({ OTP_MAX_PER_IP_HOUR: '1000', OTP_MAX_PER_IP_DAY: '1000' });
    const registered = await platform.admin.createClient({ client_name: 'Mobile', redirect_uris: [REDIRECT], scope: 'openid profile account picture photo', first_party: true });
    rp = new (await Issuer.discover(platform.base)).Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
    userId = (await platform.admin.createUser({ login: 'gulnara', password: 'gulnara-password-1', email: 'gulnara@example.kz', given_name: 'Gulnara' })).id;
  });

  afterAll(() => platform.close());

  async function token(scope: string): Promise<TokenSet> {
    const checks = { state: generators.state(), code_verifier: generators.codeVerifier() };
    const url = rp.authorizationUrl({ scope, state: checks.state, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    const out = await signInThroughPages(new Browserless(platform.base), url, { login: 'gulnara', password: 'gulnara-password-1' });
    return rp.callback(REDIRECT, rp.callbackParams(out.location!), checks);
  }
  const bearer = (at: string) => ({ Authorization: `Bearer ${at}` });

  it('answers a signed-out caller 401 login_required', async () => {
    expect(await api(platform.base, null, 'GET', '/api/account')).toMatchObject({ status: 401, json: { error: 'login_required' } });
    expect((await api(platform.base, null, 'PATCH', '/api/account/profile', { nickname: 'x' })).status).toBe(401);
  });

  it('serves the browser session, and refuses a change without the right X-CSRF-Token header, changing nothing', async () => {
    const { browser } = await signInToCabinet(platform.base, 'gulnara', 'gulnara-password-1');
    const me = await api(platform.base, browser, 'GET', '/api/account');
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ id: userId, login: 'gulnara', email: 'gulnara@example.kz', email_verified: true, has_password: true, login_methods: ['password', 'phone_otp', 'email_otp'] });
    expect(typeof me.json.csrf_token).toBe('string');

    expect(await api(platform.base, browser, 'PATCH', '/api/account/profile', { nickname: 'gula' })).toMatchObject({ status: 403, json: { error: 'invalid_request', error_description: 'the X-CSRF-Token header is missing or wrong' } });
    expect((await api(platform.base, browser, 'PATCH', '/api/account/profile', { nickname: 'gula' }, { 'X-CSRF-Token': 'forged' })).status).toBe(403);
    expect((await api(platform.base, browser, 'GET', '/api/account')).json.nickname).toBeNull();

    const csrf = { 'X-CSRF-Token': me.json.csrf_token };
    const saved = await api(platform.base, browser, 'PATCH', '/api/account/profile', { nickname: 'gula', birthdate: '1991-12-16' }, csrf);
    expect(saved).toMatchObject({ status: 200, json: { nickname: 'gula', birthdate: '1991-12-16', given_name: 'Gulnara' } });
    expect(await api(platform.base, browser, 'PATCH', '/api/account/profile', { birthdate: 'yesterday' }, csrf)).toMatchObject({ status: 400, json: { error: 'invalid_request', fields: { birthdate: expect.any(String) } } });
    expect(await api(platform.base, browser, 'PATCH', '/api/account/profile', { given_name: 42 }, csrf)).toMatchObject({ status: 400, json: { fields: { given_name: 'must be a string' } } });
    expect((await api(platform.base, browser, 'PUT', '/api/account/login-methods', { methods: [] }, csrf))).toMatchObject({ status: 409, json: { error: 'conflict' } });
    expect((await api(platform.base, browser, 'PUT', '/api/account/login-methods', { methods: ['phone_otp'] }, csrf))).toMatchObject({ status: 400 });
    expect((await api(platform.base, browser, 'PUT', '/api/account/login', { login: 'gulnara.s' }, csrf))).toMatchObject({ status: 200, json: { login: 'gulnara.s' } });
    await platform.admin.createUser({ login: 'taken-login', password: 'taken-password-1' });
    expect((await api(platform.base, browser, 'PUT', '/api/account/login', { login: 'taken-login' }, csrf))).toMatchObject({ status: 409 });
    expect((await api(platform.base, browser, 'PUT', '/api/account/login', { login: 'gulnara' }, csrf)).status).toBe(200);
  });

  it('adds and confirms an e-mail over the API, and makes it the main contact', async () => {
    const { browser } = await signInToCabinet(platform.base, 'gulnara', 'gulnara-password-1');
    const csrf = { 'X-CSRF-Token': (await api(platform.base, browser, 'GET', '/api/account')).json.csrf_token };
    expect((await api(platform.base, browser, 'POST', '/api/account/identifiers', { channel: 'fax', destination: 'x' }, csrf)).status).toBe(400);
    const sent = await api(platform.base, browser, 'POST', '/api/account/identifiers', { channel: 'email', destination: 'Gulnara.New@Example.kz' }, csrf);
    expect(sent).toMatchObject({ status: 201, json: { channel: 'email', destination: 'gulnara.new@example.kz', expires_in: 330 } });
    expect((await api(platform.base, browser, 'POST', '/api/account/identifiers/confirm', { challenge_id: sent.json.challenge_id, code: 'abc' }, csrf))).toMatchObject({ status: 400, json: { error: 'invalid_code', attemptsLeft: 4 } });
    const code = await newCode(platform.base, 'gulnara.new@example.kz');
    const confirmed = await api(platform.base, browser, 'POST', '/api/account/identifiers/confirm', { challenge_id: sent.json.challenge_id, code }, csrf);
    // The account had a verified address: the new one is added beside it, the primary stays.
    expect(confirmed).toMatchObject({ status: 200, json: { email: 'gulnara@example.kz', email_verified: true } });
    expect(confirmed.json.identifiers).toContainEqual(expect.objectContaining({ type: 'email', value: 'gulnara.new@example.kz', verified: true, primary: false }));
    expect((await api(platform.base, browser, 'PUT', '/api/account/identifiers/primary', { primary: 'email' }, csrf)).json.primary_identifier).toBe('email');
    expect((await api(platform.base, browser, 'PUT', '/api/account/identifiers/primary', { primary: 'phone' }, csrf))).toMatchObject({ status: 400 });
    expect((await api(platform.base, browser, 'DELETE', '/api/account/identifiers/phone', undefined, csrf))).toMatchObject({ status: 404 });
    // Another account cannot take a verified address.
    const other = await platform.admin.createUser({ login: 'other-user', password: 'other-password-1' });
    void other;
    const { browser: otherBrowser } = await signInToCabinet(platform.base, 'other-user', 'other-password-1');
    const otherCsrf = { 'X-CSRF-Token': (await api(platform.base, otherBrowser, 'GET', '/api/account')).json.csrf_token };
    expect(await api(platform.base, otherBrowser, 'POST', '/api/account/identifiers', { channel: 'email', destination: 'gulnara.new@example.kz' }, otherCsrf)).toMatchObject({ status: 409, json: { error: 'conflict' } });
  });

  it('accepts an access token with the account scope, and refuses one without it', async () => {
    const withAccount = await token('openid account');
    const me = await api(platform.base, null, 'GET', '/api/account', undefined, bearer(withAccount.access_token!));
    expect(me).toMatchObject({ status: 200, json: { id: userId, login: 'gulnara' } });
    expect(me.json.csrf_token).toBeUndefined();
    // A token needs no CSRF header: it is not sent by the browser on its own.
    expect((await api(platform.base, null, 'PATCH', '/api/account/profile', { middle_name: 'Bolatkyzy' }, bearer(withAccount.access_token!))).json.middle_name).toBe('Bolatkyzy');
    expect((await api(platform.base, null, 'GET', '/api/account/sessions', undefined, bearer(withAccount.access_token!))).status).toBe(200);

    const profileOnly = await token('openid profile');
    expect(await api(platform.base, null, 'GET', '/api/account', undefined, bearer(profileOnly.access_token!))).toMatchObject({ status: 403, json: { error: 'insufficient_scope' } });
    expect(await api(platform.base, null, 'GET', '/api/account', undefined, bearer('not.a.token'))).toMatchObject({ status: 401, json: { error: 'invalid_token' } });
    await rp.revoke(withAccount.access_token!);
    expect(await api(platform.base, null, 'GET', '/api/account', undefined, bearer(withAccount.access_token!))).toMatchObject({ status: 401, json: { error: 'invalid_token' } });
  });

  it('takes a photo as the raw body, refuses wrong types and sizes, and serves it to tokens with picture or photo', async () => {
    const t = await token('openid profile account picture');
    const put = (body: Buffer, type: string) => api(platform.base, null, 'PUT', '/api/account/photo', body, { ...bearer(t.access_token!), 'Content-Type': type });
    expect(await put(Buffer.from('GIF89a.............'), 'image/gif')).toMatchObject({ status: 415, json: { error: 'unsupported_media_type' } });
    expect(await put(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/png')).toMatchObject({ status: 415 });
    expect((await api(platform.base, null, 'PUT', '/api/account/photo', { photo: 'x' }, bearer(t.access_token!))).status).toBe(415);
    expect(await put(Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]), 'image/png')).toMatchObject({ status: 413, json: { error: 'too_large' } });
    expect((await fetch(`${platform.base}/api/v1/userdata/photo`, { headers: bearer(t.access_token!) })).status).toBe(404);

    // A WebP of about 0.9 MB crosses the bus in parts and comes back whole.
    const webp = Buffer.concat([Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 ', 'latin1'), Buffer.alloc(900 * 1024, 7)]);
    const stored = await put(webp, 'image/webp');
    expect(stored).toMatchObject({ status: 200, json: { has_photo: true, picture: `${platform.base}/api/v1/userdata/photo` } });
    const served = await fetch(`${platform.base}/api/v1/userdata/photo`, { headers: bearer(t.access_token!) });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/webp');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer()).equals(webp)).toBe(true);
    expect((await rp.userinfo(t)).picture).toBe(`${platform.base}/api/v1/userdata/photo`);

    const photoScope = await token('openid photo');
    expect((await fetch(`${platform.base}/api/v1/userdata/photo`, { headers: bearer(photoScope.access_token!) })).status).toBe(200);
    const noScope = await token('openid profile');
    expect((await fetch(`${platform.base}/api/v1/userdata/photo`, { headers: bearer(noScope.access_token!) })).status).toBe(403);
    expect((await fetch(`${platform.base}/api/v1/userdata/photo`)).status).toBe(401);

    expect((await api(platform.base, null, 'DELETE', '/api/account/photo', undefined, bearer(t.access_token!))).json).toMatchObject({ has_photo: false, picture: null });
    expect((await fetch(`${platform.base}/api/v1/userdata/photo`, { headers: bearer(t.access_token!) })).status).toBe(404);
  });

  it('changes the password, ends other sessions, revokes an app and deletes the account over the API', async () => {
    const first = await signInToCabinet(platform.base, 'gulnara', 'gulnara-password-1');
    const { browser } = await signInToCabinet(platform.base, 'gulnara', 'gulnara-password-1');
    const csrf = { 'X-CSRF-Token': (await api(platform.base, browser, 'GET', '/api/account')).json.csrf_token };
    expect(await api(platform.base, browser, 'POST', '/api/account/password', { current_password: 'nope-nope-nope', new_password: 'gulnara-password-2' }, csrf)).toMatchObject({ status: 403, json: { error: 'invalid_credentials' } });
    expect(await api(platform.base, browser, 'POST', '/api/account/password', { current_password: 'gulnara-password-1', new_password: 'short1' }, csrf)).toMatchObject({ status: 400, json: { fields: { password: 'at least 8 characters' } } });
    expect(await api(platform.base, browser, 'POST', '/api/account/password', { current_password: 'gulnara-password-1', new_password: 'iloveyou123' }, csrf)).toMatchObject({ status: 400, json: { fields: { password: 'too common, choose another' } } });
    const changed = await api(platform.base, browser, 'POST', '/api/account/password', { current_password: 'gulnara-password-1', new_password: 'gulnara-password-2', end_other_sessions: true }, csrf);
    expect(changed.status).toBe(200);
    expect(changed.json.sessions_ended).toBeGreaterThanOrEqual(1);
    expect((await api(platform.base, first.browser, 'GET', '/api/account')).status).toBe(401);

    const sessions = (await api(platform.base, browser, 'GET', '/api/account/sessions')).json;
    expect(sessions).toHaveLength(1);
    expect((await api(platform.base, browser, 'DELETE', `/api/account/sessions/${sessions[0].id.replace(/.$/, (c: string) => (c === '0' ? '1' : '0'))}`, undefined, csrf)).status).toBe(404);

    expect((await api(platform.base, browser, 'GET', '/api/account/apps')).json).toEqual([]);
    expect((await api(platform.base, browser, 'DELETE', '/api/account/apps/unknown-client', undefined, csrf)).status).toBe(404);
    const audit = (await api(platform.base, browser, 'GET', '/api/account/audit')).json as Array<{ type: string }>;
    expect(audit[0].type).toBe('account.sessions_ended');
    expect(audit.map((e) => e.type)).toContain('user.password_changed');

    expect((await api(platform.base, browser, 'POST', '/api/account/delete', { password: 'gulnara-password-1' }, csrf)).status).toBe(403);
    expect((await api(platform.base, browser, 'POST', '/api/account/delete', { password: 'gulnara-password-2' })).status).toBe(403);
    const deleted = await api(platform.base, browser, 'POST', '/api/account/delete', { password: 'gulnara-password-2' }, csrf);
    expect(deleted).toMatchObject({ status: 200, json: { deleted: true, sessions_ended: 1 } });
    expect((await api(platform.base, browser, 'GET', '/api/account')).status).toBe(401);
  });
});
