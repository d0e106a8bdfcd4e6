import { BaseClient, Issuer, generators } from 'openid-client';
import { Browserless, parseForms } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';
import { newCode } from './otp';
import { PNG, api, multipart, pageCsrf, signInToCabinet } from './cabinet';

const REDIRECT = 'https://rp.example/cb';

describe('the cabinet pages at /account', () => {
  let platform: EmbeddedPlatform;
  let rp: BaseClient;
  let ids: Record<string, string>;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({ OTP_MAX_PER_IP_HOUR: '1000', OTP_MAX_PER_IP_DAY: '1000' });
    const registered = await platform.admin.createClient({ client_name: 'Bookshop', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile offline_access', allowed_login_methods: ['password', 'phone_otp', 'email_otp'] });
    rp = new (await Issuer.discover(platform.base)).Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
    ids = {};
    for (const [login, email, phone] of [['aliya', 'aliya@example.kz', '+7 707 400 00 01'], ['bolat', 'bolat@example.kz', undefined], ['dana', 'dana@example.kz', undefined], ['erlan', 'erlan@example.kz', '+7 707 400 00 04']] as const) {
      ids[login] = (await platform.admin.createUser({ login, password: `${login}-password-1`, email, phone, given_name: login })).id;
    }
  });

  afterAll(() => platform.close());

  const post = (browser: Browserless, page: { url: string; body: string }, action: string, values: Record<string, string>) => browser.submit({ ...page, status: 200, headers: new Headers() }, action, values);

  it('sends a signed-out visitor to sign in and brings them back to the cabinet, with every section and the two-factor link', async () => {
    const { page } = await signInToCabinet(platform.base, 'aliya', 'aliya-password-1');
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${platform.base}/account`);
    for (const text of ['Your account', 'Profile', 'Phone and e-mail', 'Sign-in methods', 'Active sessions', 'Connected applications', 'Recent security events', 'Delete account']) expect(page.body).toContain(text);
    expect(page.body).toContain('href="/account/two-factor"');
    // Every form carries the CSRF token.
    const forms = parseForms(page.body);
    expect(forms.length).toBeGreaterThan(10);
    for (const form of forms) expect(form.fields.csrf).toBe(pageCsrf(page));

    const ru = await fetch(`${platform.base}/account`, { headers: { Cookie: (await signInToCabinet(platform.base, 'aliya', 'aliya-password-1')).browser.jar.header(`${platform.base}/account`), 'Accept-Language': 'kk' } });
    expect(await ru.text()).toContain('Сіздің тіркелгіңіз');
  });

  it('edits the profile, refuses a bad date and a forged form without changing anything', async () => {
    const { browser, page } = await signInToCabinet(platform.base, 'aliya', 'aliya-password-1');
    const saved = await post(browser, page, '/account/profile', { given_name: 'Алия', family_name: 'Нурланова', middle_name: 'Серикқызы', nickname: 'ali', birthdate: '1994-03-08', locale: 'en' });
    expect(saved.status).toBe(200);
    expect(saved.body).toContain('Profile saved.');
    expect(saved.body).toContain('value="Нурланова"');
    expect(saved.body).toContain('value="1994-03-08"');

    const bad = await post(browser, saved, '/account/profile', { birthdate: '1994-02-30', given_name: 'Changed' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Check the fields');

    const forged = await browser.request('/account/profile', { form: { csrf: 'forged', given_name: 'Hacker' } });
    expect(forged.status).toBe(403);
    const view = await api(platform.base, browser, 'GET', '/api/account');
    expect(view.json).toMatchObject({ given_name: 'Алия', family_name: 'Нурланова', middle_name: 'Серикқызы', nickname: 'ali', birthdate: '1994-03-08', locale: 'en' });
  });

  it('uploads a photo from the form, shows it with safe headers, and refuses other files', async () => {
    const { browser, page } = await signInToCabinet(platform.base, 'aliya', 'aliya-password-1');
    const upload = async (type: string, data: Buffer, csrf = pageCsrf(page)) => {
      const { body, contentType } = multipart({ csrf }, { name: 'photo', filename: 'me', type, data });
      return fetch(`${platform.base}/account/photo`, { method: 'POST', headers: { Cookie: browser.jar.header(`${platform.base}/account/photo`), 'Content-Type': contentType, 'Accept-Language': 'en' }, body: new Uint8Array(body), redirect: 'manual' });
    };
    expect((await upload('image/png', PNG, 'forged')).status).toBe(403);
    const html = await upload('image/png', Buffer.from('<html><script>alert(1)</script></html>'));
    expect(html.status).toBe(415);
    expect(await html.text()).toContain('Only JPEG, PNG and WebP pictures are accepted.');
    const big = await upload('image/jpeg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(1024 * 1024)]));
    expect(big.status).toBe(413);
    expect((await fetch(`${platform.base}/account/photo`, { headers: { Cookie: browser.jar.header(`${platform.base}/account/photo`) } })).status).toBe(404);

    const ok = await upload('application/octet-stream', PNG);
    expect(ok.status).toBe(303);
    const photo = await fetch(`${platform.base}/account/photo`, { headers: { Cookie: browser.jar.header(`${platform.base}/account/photo`) } });
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/png');
    expect(photo.headers.get('x-content-type-options')).toBe('nosniff');
    expect(photo.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await photo.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await browser.request('/account')).body).toContain('src="/account/photo"');
  });

  it('adds a phone verified by a code, makes it the main contact, and will not remove the last way in', async () => {
    const { browser, page } = await signInToCabinet(platform.base, 'bolat', 'bolat-password-1');
    const phoneForm = parseForms(page.body).find((f) => f.action === '/account/identifiers/add' && f.fields.channel === 'sms')!;
    expect(phoneForm.autocomplete).toEqual({ destination: 'tel' });
    const codePage = await browser.follow('/account/identifiers/add', { form: { ...phoneForm.fields, destination: '8 707 400 00 02' } });
    expect(codePage.body).toContain('We sent a 6-digit code by SMS to +77074000002.');
    const code = await newCode(platform.base, '+77074000002');
    const wrong = await browser.submit(codePage, '/account/identifiers/confirm', { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('The code is wrong. Attempts left: 4.');
    const added = await browser.submit(wrong, '/account/identifiers/confirm', { code });
    expect(added.body).toContain('Confirmed and added.');
    expect(added.body).toContain('+77074000002');

    const primary = await post(browser, added, '/account/identifiers/primary', { channel: 'sms' });
    expect((await api(platform.base, browser, 'GET', '/api/account')).json).toMatchObject({ phone_number: '+77074000002', phone_number_verified: true, primary_identifier: 'phone' });

    // Password and e-mail code off: the phone is then the only way in and cannot go.
    const methods = await browser.follow('/account/methods', { form: { csrf: pageCsrf(primary), methods: 'phone_otp' } });
    expect(methods.body).toContain('Sign-in methods saved.');
    const last = await post(browser, methods, '/account/identifiers/remove', { channel: 'sms' });
    expect(last.status).toBe(409);
    expect(last.body).toContain('Without it you would have no way to sign in.');
    const none = await browser.follow('/account/methods', { form: { csrf: pageCsrf(primary) } });
    expect(none.status).toBe(409);
    // The e-mail can go: it is not a way in any more.
    const removed = await post(browser, last, '/account/identifiers/remove', { channel: 'email' });
    expect(removed.body).toContain('Removed.');
    expect((await api(platform.base, browser, 'GET', '/api/account')).json).toMatchObject({ email: null, login_methods: ['phone_otp'] });
  });

  it('enforces the sign-in methods the user chose on the login pages', async () => {
    const { browser, page } = await signInToCabinet(platform.base, 'erlan', 'erlan-password-1');
    await browser.follow('/account/methods', { form: { csrf: pageCsrf(page), methods: 'phone_otp' } });
    const checks = { state: generators.state(), code_verifier: generators.codeVerifier() };
    const url = rp.authorizationUrl({ scope: 'openid', state: checks.state, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    const refused = await signInThroughPages(new Browserless(platform.base), url, { login: 'erlan', password: 'erlan-password-1' });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('You have switched this sign-in method off for your account.');
    // E-mail code sign-in is off too; the phone code still works.
    const other = new Browserless(platform.base);
    const login = await other.follow(url);
    const emailCode = await other.submit(login, '/otp/email', { email: 'erlan@example.kz' });
    const blocked = await other.submit(emailCode, '/otp/verify', { code: await newCode(platform.base, 'erlan@example.kz') });
    expect(blocked.status).toBe(400);
    expect(blocked.body).toContain('You have switched this sign-in method off');
    const phoneCode = await other.submit(await other.follow(url), '/otp/phone', { phone: '+77074000004' });
    const done = await other.submit(phoneCode, '/otp/verify', { code: await newCode(platform.base, '+77074000004') });
    expect(done.location).toContain('code=');
  });

  it('changes the password with the current one, under the rules, and can end the other sessions', async () => {
    const first = await signInToCabinet(platform.base, 'dana', 'dana-password-1');
    const second = await signInToCabinet(platform.base, 'dana', 'dana-password-1');
    const form = (values: Record<string, string>) => second.browser.follow('/account/password', { form: { csrf: pageCsrf(second.page), ...values } });
    expect((await form({ current_password: 'wrong-password-9', new_password: 'dana-new-password-2' })).status).toBe(403);
    const weak = await form({ current_password: 'dana-password-1', new_password: 'qwerty123' });
    expect(weak.status).toBe(400);
    expect(weak.body).toContain('Choose another password: at least 8 characters, and not a common one.');
    const before = (await api(platform.base, second.browser, 'GET', '/api/account')).json.password_updated_at;
    const done = await form({ current_password: 'dana-password-1', new_password: 'dana-new-password-2', end_other_sessions: 'on' });
    expect(done.body).toContain('Password changed.');
    const after = (await api(platform.base, second.browser, 'GET', '/api/account')).json.password_updated_at;
    expect(new Date(after).getTime()).toBeGreaterThan(new Date(before).getTime());
    // The first browser's session has ended: it is sent to sign in again.
    const gone = await first.browser.request('/account');
    expect(gone.status).toBe(303);
    expect(gone.location).toContain('/connect/authorize?client_id=account');
    await expect(signInToCabinet(platform.base, 'dana', 'dana-password-1').then((r) => r.page.status)).resolves.toBe(401);
    expect((await signInToCabinet(platform.base, 'dana', 'dana-new-password-2')).page.status).toBe(200);
  });

  it('lists sessions with their browser, ends one, and ends all others', async () => {
    const one = await signInToCabinet(platform.base, 'aliya', 'aliya-password-1');
    const two = await signInToCabinet(platform.base, 'aliya', 'aliya-password-1');
    const three = await signInToCabinet(platform.base, 'aliya', 'aliya-password-1');
    const listed = (await api(platform.base, three.browser, 'GET', '/api/account/sessions')).json as Array<{ id: string; current: boolean; user_agent: string | null; ip: string }>;
    expect(listed.length).toBeGreaterThanOrEqual(3);
    expect(listed.filter((s) => s.current)).toHaveLength(1);
    expect(listed[0]).toMatchObject({ ip: '127.0.0.1' });
    expect(listed.every((s) => typeof s.user_agent === 'string' && s.user_agent.length > 0)).toBe(true);

    const onePage = await three.browser.request('/account');
    const rows = [...onePage.body.matchAll(/data-session="([^"]+)"/g)].map((m) => m[1]);
    expect(rows.length).toBe(listed.length);
    const oneId = listed.find((s) => !s.current)!.id;
    const ended = await post(three.browser, onePage, '/account/sessions/end', { session_id: oneId });
    expect(ended.body).toContain('Session ended.');
    expect((await api(platform.base, three.browser, 'GET', '/api/account/sessions')).json.map((s: { id: string }) => s.id)).not.toContain(oneId);

    const others = await post(three.browser, ended, '/account/sessions/end-others', {});
    expect(others.body).toContain('All other sessions ended.');
    expect((await one.browser.request('/account')).status).toBe(303);
    expect((await two.browser.request('/account')).status).toBe(303);
    expect((await three.browser.request('/account')).status).toBe(200);
    expect((await api(platform.base, three.browser, 'GET', '/api/account/sessions')).json).toHaveLength(1);
  });

  it('lists connected applications and revokes one, which revokes its tokens', async () => {
    const browser = new Browserless(platform.base);
    const checks = { state: generators.state(), code_verifier: generators.codeVerifier() };
    const url = rp.authorizationUrl({ scope: 'openid profile offline_access', state: checks.state, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    const out = await signInThroughPages(browser, url, { login: 'aliya', password: 'aliya-password-1' });
    const tokens = await rp.callback(REDIRECT, rp.callbackParams(out.location!), checks);
    const page = await browser.follow('/account');
    expect(page.body).toContain('Bookshop');
    const revoked = await post(browser, page, '/account/apps/revoke', { client_id: rp.metadata.client_id });
    expect(revoked.body).toContain('Access revoked.');
    expect(revoked.body).toContain('No application has access to your account.');
    await expect(rp.refresh(tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await fetch(`${platform.base}/connect/userinfo`, { headers: { Authorization: `Bearer ${tokens.access_token}` } })).status).toBe(401);
  });

  it('shows the user their security events, and an administrator the full trail', async () => {
    await signInThroughPages(new Browserless(platform.base), rp.authorizationUrl({ scope: 'openid', state: 'state-123456', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }), { login: 'aliya', password: 'not-her-password' });
    const { page } = await signInToCabinet(platform.base, 'aliya', 'aliya-password-1');
    expect(page.body).toContain('user.login_failed');
    expect(page.body).toContain('user.login_succeeded');
    const trail = await platform.admin.call('GET', `/admin/users/${ids.aliya}/audit`);
    expect(trail.status).toBe(200);
    const types = (trail.json as Array<{ type: string }>).map((e) => e.type);
    for (const type of ['user.registered', 'user.login_succeeded', 'user.login_failed', 'user.profile_updated', 'account.photo_changed', 'account.session_ended', 'account.sessions_ended', 'account.app_revoked']) expect(types).toContain(type);
    const failed = (trail.json as Array<Record<string, unknown>>).find((e) => e.type === 'user.login_failed')!;
    expect(failed).toMatchObject({ ip: '127.0.0.1', client_id: rp.metadata.client_id, data: { reason: 'invalid_credentials' } });
    expect(typeof failed.user_agent).toBe('string');
    expect(new Date(String(failed.at)).getTime()).toBeGreaterThan(Date.now() - 600_000);
    expect((await platform.admin.call('GET', '/admin/users/00000000-0000-4000-8000-000000000000/audit')).status).toBe(404);
    expect((await fetch(`${platform.base}/admin/users/${ids.aliya}/audit`)).status).toBe(401);
  });

  it('deletes the account after re-authentication: sessions end, tokens stop, sign-in fails', async () => {
    const browser = new Browserless(platform.base);
    const checks = { state: generators.state(), code_verifier: generators.codeVerifier() };
    const url = rp.authorizationUrl({ scope: 'openid profile offline_access', state: checks.state, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    const out = await signInThroughPages(browser, url, { login: 'dana', password: 'dana-new-password-2' });
    const tokens = await rp.callback(REDIRECT, rp.callbackParams(out.location!), checks);
    const page = await browser.follow('/account');
    const wrong = await post(browser, page, '/account/delete', { delete_password: 'wrong-password-9', confirm: 'yes' });
    expect(wrong.status).toBe(403);
    expect((await api(platform.base, browser, 'GET', '/api/account')).status).toBe(200);
    const unconfirmed = await browser.follow('/account/delete', { form: { csrf: pageCsrf(page), delete_password: 'dana-new-password-2' } });
    expect(unconfirmed.status).toBe(400);

    const deleted = await post(browser, page, '/account/delete', { delete_password: 'dana-new-password-2', confirm: 'yes' });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toContain('Your account has been deleted');
    expect((await browser.request('/account')).status).toBe(303);
    await expect(rp.refresh(tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await signInToCabinet(platform.base, 'dana', 'dana-new-password-2')).page.status).toBe(401);
    const [summary] = (await platform.admin.call('GET', `/admin/users?query=${ids.dana}`)).json;
    expect(summary).toMatchObject({ id: ids.dana, email: null });
    expect((await platform.admin.call('GET', `/admin/users/${ids.dana}/audit`)).json[0]).toMatchObject({ type: 'user.deleted' });
  });
});
