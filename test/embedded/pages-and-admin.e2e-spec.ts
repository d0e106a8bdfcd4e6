import { Browserless, parseForms } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

const REDIRECT = 'https://rp.example/cb';

describe('pages, admin API and operations', () => {
  let platform: EmbeddedPlatform;
  let client: { client_id: string };

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    client = await platform.admin.createClient({ client_name: 'Портал', redirect_uris: [REDIRECT], scope: 'openid profile email' });
    await platform.admin.createUser({ login: 'gulnara', password: 'gulnara-password-1' });
  });

  afterAll(() => platform.close());

  const authorizeUrl = (extra: Record<string, string> = {}) =>
    `/connect/authorize?${new URLSearchParams({ client_id: client.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid profile', state: 'state-12345', ...extra })}`;

  it('renders the login page in Russian by default, in English on ui_locales=en and in Kazakh for kk, with autocomplete tokens', async () => {
    const ru = await new Browserless(platform.base, 'ru-RU,ru;q=0.9').follow(authorizeUrl());
    expect(ru.body).toContain('<html lang="ru">');
    expect(ru.body).toContain('Войти');
    expect(ru.body).toContain('Портал');
    const browser = new Browserless(platform.base, 'ru');
    const en = await browser.follow(authorizeUrl({ ui_locales: 'en' }));
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('Sign in');
    const kk = await new Browserless(platform.base, 'kk-KZ,kk;q=0.9,ru;q=0.8').follow(authorizeUrl());
    expect(kk.body).toContain('<html lang="kk">');
    expect(kk.body).toContain('Құпиясөз');
    const register = await browser.follow(en.url + '/register');
    expect(register.body).toContain('Create an account');
    const form = parseForms(register.body)[0];
    expect(form.autocomplete).toMatchObject({ login: 'username', password: 'new-password', email: 'email' });
  });

  it('refuses a login form without the CSRF token and keeps the user signed out', async () => {
    const browser = new Browserless(platform.base);
    const page = await browser.follow(authorizeUrl());
    const form = parseForms(page.body)[0];
    const res = await browser.request(new URL(form.action, page.url).toString(), { form: { username: 'gulnara', password: 'gulnara-password-1', csrf: 'forged' } });
    expect(res.status).toBe(403);
    expect(browser.jar.has('idp_session')).toBe(false);
  });

  it('says only "wrong login or password", for a wrong password and an unknown login alike', async () => {
    const browser = new Browserless(platform.base);
    const page = await browser.follow(authorizeUrl());
    const wrong = await browser.submit(page, '/login', { username: 'gulnara', password: 'nope-nope-nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('The login or password is wrong.');
    const unknown = await browser.submit(wrong, '/login', { username: 'nobody-here', password: 'nope-nope-nope' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.replace(/nobody-here/g, 'gulnara')).toBe(wrong.body);
    expect(browser.jar.has('idp_session')).toBe(false);
  });

  it('does not let another browser use an interaction it did not start', async () => {
    const owner = new Browserless(platform.base);
    const page = await owner.follow(authorizeUrl());
    const stranger = await new Browserless(platform.base).request(page.url);
    expect(stranger.status).toBe(400);
    expect(stranger.body).toContain('expired');
  });

  it('guards the admin API and validates with field-level errors', async () => {
    const anon = await fetch(`${platform.base}/admin/clients`);
    expect(anon.status).toBe(401);
    const bad = await platform.admin.call('POST', '/admin/clients', { client_name: '', redirect_uris: 'https://x' });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      error: 'invalid_request',
      error_description: 'invalid client_name, redirect_uris',
      fields: { client_name: 'must be a non-empty string of at most 200 characters', redirect_uris: 'must be an array of URIs' },
    });
    const dupUser = await platform.admin.call('POST', '/admin/users', { login: 'GULNARA', password: 'another-password' });
    expect(dupUser.status).toBe(409);
    expect(dupUser.json.fields).toEqual({ login: 'login is already registered' });
    const badUser = await platform.admin.call('POST', '/admin/users', { login: 'x y', password: 'pw' });
    expect(badUser.status).toBe(400);
    expect(badUser.json.error).toBe('invalid_request');
  });

  it('reads, updates and deletes clients; the secret is never shown again', async () => {
    const created = await platform.admin.createClient({ client_name: 'Temp', redirect_uris: [REDIRECT] });
    expect(created.client_secret).toBeDefined();
    const read = await platform.admin.call('GET', `/admin/clients/${created.client_id}`);
    expect(read.status).toBe(200);
    expect(read.json.client_secret).toBeUndefined();
    const patched = await platform.admin.call('PATCH', `/admin/clients/${created.client_id}`, { client_name: 'Renamed', access_token_ttl: 600 });
    expect(patched.json).toMatchObject({ client_name: 'Renamed', access_token_ttl: 600, redirect_uris: [REDIRECT] });
    expect((await platform.admin.call('DELETE', `/admin/clients/${created.client_id}`)).status).toBe(204);
    expect((await platform.admin.call('GET', `/admin/clients/${created.client_id}`)).status).toBe(404);
  });

  it('sends a strict CSP, no framing and no referrer on every page, the error page included', async () => {
    for (const path of ['/device', '/connect/authorize?client_id=nobody', '/demo-does-not-exist']) {
      const res = await fetch(`${platform.base}${path}`, { headers: { Accept: 'text/html' } });
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('reports liveness, readiness and Prometheus metrics', async () => {
    expect(await (await fetch(`${platform.base}/health/live`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${platform.base}/health/ready`);
    expect(ready.status).toBe(200);
    expect((await ready.json()).details).toEqual({ database: { status: 'up' }, accounts: { status: 'up' }, consent: { status: 'up' } });
    const metrics = await (await fetch(`${platform.base}/metrics`)).text();
    expect(metrics).toContain('http_request_duration_seconds_bucket');
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });
});
