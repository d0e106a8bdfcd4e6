import { Browserless, basic, postForm } from '@idp/testing';
import { askPhoneCode, newCode } from './otp';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

/**
 * Built-in limits of the protocol endpoints, per client address and per client. The window is a
 * day long so a test never straddles two windows; the limits are tiny so the counts are exact.
 */
describe('built-in rate limits of the protocol endpoints', () => {
  let platform: EmbeddedPlatform;
  let backend: { client_id: string; client_secret: string };
  let other: { client_id: string; client_secret: string };
  let device: { client_id: string };

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({
      RATE_LIMIT_WINDOW: '86400',
      RATE_LIMIT_TOKEN_PER_IP: '8',
      RATE_LIMIT_TOKEN_PER_CLIENT: '4',
      RATE_LIMIT_DEVICE_AUTHORIZATION_PER_IP: '3',
      RATE_LIMIT_INTROSPECTION_PER_IP: '0',
      RATE_LIMIT_INTROSPECTION_PER_CLIENT: '3',
      RATE_LIMIT_REGISTRATION_PER_IP: '2',
      OTP_FAILURES_PER_DESTINATION: '3',
      OTP_RESEND_INTERVAL: '0',
    });
    await platform.admin.createResource({ name: 'Extern API', audience: 'https://api.example/extern', scopes: ['extern.api'] });
    const machine = { grant_types: ['client_credentials'], scope: 'extern.api' };
    backend = await platform.admin.createClient({ client_name: 'Backend', ...machine });
    other = await platform.admin.createClient({ client_name: 'Other backend', ...machine });
    device = await platform.admin.createClient({
      client_name: 'Desktop',
      token_endpoint_auth_method: 'none',
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
      scope: 'openid',
    });
  });

  afterAll(() => platform.close());

  const token = (c: { client_id: string; client_secret: string }, secret = c.client_secret) =>
    postForm(`${platform.base}/connect/token`, { grant_type: 'client_credentials', scope: 'extern.api' }, { Authorization: basic(c.client_id, secret) });

  it('counts a client and an address at the token endpoint, answering 429 slow_down with Retry-After', async () => {
    // Four grants for one client use up its allowance; the fifth is refused for the client.
    for (let i = 0; i < 4; i++) expect((await token(backend)).status).toBe(200);
    const perClient = await token(backend);
    expect(perClient.status).toBe(429);
    expect(perClient.json).toEqual({ error: 'slow_down', error_description: expect.stringMatching(/^too many requests from this client; retry after \d+ seconds$/) });
    const wait = Number(perClient.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(86400);
    expect(perClient.headers.get('cache-control')).toBe('no-store');

    // Another client from the same address still gets tokens, until the address's 8 are used
    // (five by the first client, counting its refused one, then three here).
    for (let i = 0; i < 2; i++) expect((await token(other)).status).toBe(200);
    // A wrong secret counts for the address too: guessing secrets spends the same allowance.
    expect((await token(other, 'wrong-secret')).status).toBe(401);
    const perIp = await token(other);
    expect(perIp.status).toBe(429);
    expect(perIp.json.error_description).toMatch(/^too many requests from this address; retry after \d+ seconds$/);
    expect(Number(perIp.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits device authorization requests per address', async () => {
    const ask = () => postForm(`${platform.base}/connect/deviceauthorization`, { client_id: device.client_id, scope: 'openid' });
    for (let i = 0; i < 3; i++) expect((await ask()).status).toBe(200);
    const refused = await ask();
    expect(refused.status).toBe(429);
    expect(refused.json.error).toBe('slow_down');
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('limits introspection per client, and a limit of 0 counts nothing (per address here)', async () => {
    const caller = await platform.admin.createClient({ client_name: 'Introspector', grant_types: ['client_credentials'], scope: 'extern.api' });
    const introspect = () => postForm(`${platform.base}/connect/introspect`, { token: 'anything' }, { Authorization: basic(caller.client_id, caller.client_secret) });
    for (let i = 0; i < 3; i++) expect(await introspect()).toMatchObject({ status: 200, json: { active: false } });
    const refused = await introspect();
    expect(refused.status).toBe(429);
    expect(refused.json.error_description).toMatch(/from this client/);
  });

  it('limits dynamic registration per address, in the registration error format', async () => {
    const iat = (await platform.admin.call('POST', '/admin/initial-access-tokens', { description: 'limits' })).json.token;
    const register = () =>
      fetch(`${platform.base}/connect/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${iat}` },
        body: JSON.stringify({ client_name: 'App', redirect_uris: ['https://rp.example/cb'] }),
      });
    expect((await register()).status).toBe(201);
    expect((await register()).status).toBe(201);
    const refused = await register();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await refused.json()).toEqual({ error: 'slow_down', error_description: expect.stringMatching(/^too many requests from this address/) });
  });

  it('stops wrong one-time codes per destination across codes, with a localized page, 429 and Retry-After', async () => {
    const app = await platform.admin.createClient({ client_name: 'Phone app', redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], scope: 'openid', allowed_login_methods: ['phone_otp'] });
    const browser = new Browserless(platform.base, 'ru');
    const login = await browser.follow(`/connect/authorize?${new URLSearchParams({ client_id: app.client_id, redirect_uri: 'https://rp.example/cb', response_type: 'code', scope: 'openid', state: 'state-12345', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`);
    let page = await askPhoneCode(browser, login, '+77075550303');
    const code = await newCode(platform.base, '+77075550303');
    const wrongFor = (c: string) => String((Number(c) + 1) % 1000000).padStart(6, '0');
    for (let i = 0; i < 2; i++) {
      page = await browser.submit(page, '/otp/verify', { code: wrongFor(code) });
      expect(page.status).toBe(400);
    }
    // A fresh code has its own 5 attempts, but the destination's count goes on.
    page = await browser.submit(page, '/otp/resend', {});
    expect(page.status).toBe(200);
    const second = await newCode(platform.base, '+77075550303', [code]);
    page = await browser.submit(page, '/otp/verify', { code: wrongFor(second) });
    expect(page.status).toBe(400);
    page = await browser.submit(page, '/otp/verify', { code: second });
    expect(page.status).toBe(429);
    expect(Number(page.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(page.body).toContain('Слишком много неудачных попыток');
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('leaves endpoints without a configured limit alone', async () => {
    // Revocation has no built-in limit: the exhausted address can still revoke.
    const res = await postForm(`${platform.base}/connect/revocation`, { token: 'anything' }, { Authorization: basic(backend.client_id, backend.client_secret) });
    expect(res.status).toBe(200);
  });
});
