import { Browser, Page } from 'playwright-core';
import { BaseClient, Issuer, generators } from 'openid-client';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { launchChromium } from './browser';
import { RelyingParty, startRelyingParty } from './relying-party';
import { Topology } from './topology';

describe('distributed mode: request parameters, claims, signed UserInfo, CORS and lifetimes', () => {
  const topology = new Topology();
  let browser: Browser;
  let rp: RelyingParty;
  let issuer: Issuer<BaseClient>;
  let client: BaseClient;
  let registered: { client_id: string; client_secret: string };
  let page: Page;

  beforeAll(async () => {
    await Topology.resetDatabase();
    browser = await launchChromium();
    rp = await startRelyingParty();
    await topology.start();
    await topology.admin.createUser({ login: 'aliya', password: 'aliya-password-1', given_name: 'Aliya', email: 'aliya@example.kz', email_public: 'hi@aliya.kz', custom_fields: { team: 'tax' } });
    registered = await topology.admin.createClient({
      client_name: 'Details',
      redirect_uris: [rp.redirectUri],
      scope: 'openid profile email',
      first_party: true,
      id_token_ttl: 900,
      userinfo_signed_response_alg: 'RS256',
    });
    issuer = await Issuer.discover(topology.authA);
    client = new issuer.Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [rp.redirectUri], userinfo_signed_response_alg: 'RS256' });
    page = await (await browser.newContext({ locale: 'kk-KZ' })).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await topology.stopAll();
  });

  async function authorize(extra: Record<string, string>, base = topology.authA) {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = client.authorizationUrl({ scope: 'openid profile email', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256', ...extra });
    await page.goto(url.replace(topology.authA, base));
    return checks;
  }

  async function finish(checks: Record<string, string>) {
    await page.waitForURL((u) => u.toString().startsWith(rp.redirectUri));
    return client.callback(rp.redirectUri, client.callbackParams(page.url()), checks);
  }

  it('shows the pages in Kazakh, pre-fills login_hint, and reflects acr_values with amr', async () => {
    const checks = await authorize({ login_hint: 'aliya', acr_values: 'urn:example:acr:pwd' });
    expect(await page.locator('html').getAttribute('lang')).toBe('kk');
    expect(await page.inputValue('input[autocomplete="username"]')).toBe('aliya');
    await page.fill('input[autocomplete="current-password"]', 'aliya-password-1');
    await page.click('button[type="submit"]');
    const tokens = await finish(checks);
    expect(tokens.claims()).toMatchObject({ acr: 'urn:example:acr:pwd', amr: ['pwd'] });
    expect(tokens.claims().exp - tokens.claims().iat).toBe(900);
  });

  it('prompt=login on instance B asks for the password again even with a live session', async () => {
    const checks = await authorize({ prompt: 'login' }, topology.authB);
    await page.waitForSelector('input[autocomplete="current-password"]');
    await page.fill('input[autocomplete="username"]', 'aliya');
    await page.fill('input[autocomplete="current-password"]', 'aliya-password-1');
    await page.click('button[type="submit"]');
    expect((await finish(checks)).claims().sub).toBeDefined();
  });

  it('response_type=none, max_age=0 and an id_token_hint with prompt=none behave on both instances', async () => {
    await topology.admin.call('PATCH', `/admin/clients/${registered.client_id}`, { grant_types: ['authorization_code', 'implicit'], response_types: ['code', 'none', 'id_token'] });
    const none = new issuer.Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [rp.redirectUri], response_types: ['none'] });
    await page.goto(none.authorizationUrl({ scope: 'openid', response_type: 'none', state: 'state-none-1' }).replace(topology.authA, topology.authB));
    await page.waitForURL((u) => u.toString().startsWith(rp.redirectUri));
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ state: 'state-none-1', iss: topology.authA });

    const checks = await authorize({ max_age: '0' });
    await page.waitForSelector('input[autocomplete="current-password"]');
    await page.fill('input[autocomplete="username"]', 'aliya');
    await page.fill('input[autocomplete="current-password"]', 'aliya-password-1');
    await page.click('button[type="submit"]');
    const tokens = await finish(checks);

    const silent = await authorize({ prompt: 'none', id_token_hint: tokens.id_token! }, topology.authB);
    expect((await finish(silent)).claims().sub).toBe(tokens.claims().sub);
  });

  it('signs UserInfo on instance B and releases the profile and e-mail claims, without empty values', async () => {
    const checks = await authorize({});
    const tokens = await finish(checks);
    const raw = await fetch(`${topology.authB}/connect/userinfo`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(raw.headers.get('content-type')).toContain('application/jwt');
    const { payload } = await jwtVerify(await raw.text(), createRemoteJWKSet(new URL(issuer.metadata.jwks_uri!)), { issuer: topology.authA, audience: registered.client_id });
    expect(payload).toMatchObject({ sub: tokens.claims().sub, given_name: 'Aliya', email: 'aliya@example.kz', email_public: 'hi@aliya.kz', custom_fields: { team: 'tax' }, deleted: false });
    expect(payload).not.toHaveProperty('family_name');
    expect(decodeJwt(tokens.id_token!)).not.toHaveProperty('email');
  });

  it('answers CORS preflights on both instances for the registered origin only', async () => {
    for (const base of [topology.authA, topology.authB]) {
      const ok = await fetch(`${base}/connect/userinfo`, { method: 'OPTIONS', headers: { Origin: new URL(rp.redirectUri).origin, 'Access-Control-Request-Method': 'GET' } });
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(new URL(rp.redirectUri).origin);
      const other = await fetch(`${base}/connect/userinfo`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});
