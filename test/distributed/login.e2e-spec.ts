import { Browser, BrowserContext, Page } from 'playwright-core';
import { BaseClient, Issuer, generators } from 'openid-client';
import { decodeJwt } from 'jose';
import { JWT_BEARER, assertion, basic, clientKey, postForm } from '@idp/testing';
import { launchChromium } from './browser';
import { startRelyingParty } from './relying-party';
import { Topology } from './topology';

describe('distributed mode: three processes, two auth instances, PostgreSQL and NATS, pages in Chromium', () => {
  const topology = new Topology();
  let browser: Browser;
  let rp: Awaited<ReturnType<typeof startRelyingParty>>;
  let registered: { client_id: string; client_secret: string };
  let clientA: BaseClient;
  let clientB: BaseClient;

  beforeAll(async () => {
    await Topology.resetDatabase();
    browser = await launchChromium();
    rp = await startRelyingParty();
    await topology.start();
    await topology.admin.createResource({ name: 'Extern API', audience: 'https://api.example/extern', scopes: ['extern.api'] });
    registered = await topology.admin.createClient({
      client_name: 'Бухгалтерия',
      redirect_uris: [rp.redirectUri],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      scope: 'openid profile email offline_access extern.api',
    });
    const issuer = await Issuer.discover(topology.authA);
    const meta = { client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [rp.redirectUri], response_types: ['code'] };
    clientA = new issuer.Client(meta);
    // The same issuer reached through the second instance, as a load balancer would spread requests.
    const viaB = new Issuer({ ...issuer.metadata, token_endpoint: `${topology.authB}/connect/token`, userinfo_endpoint: `${topology.authB}/connect/userinfo` });
    clientB = new viaB.Client(meta);
  });

  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await topology.stopAll();
  });

  function authorizeUrl(client: BaseClient, scope: string, extra: Record<string, string> = {}) {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = client.authorizationUrl({ scope, state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256', ...extra });
    return { url, checks };
  }

  async function reachCallback(page: Page): Promise<string> {
    await page.waitForURL((u) => u.toString().startsWith(rp.redirectUri), { timeout: 15000 });
    return page.url();
  }

  it('shares one signing key between the auth instances', async () => {
    const [a, b] = await Promise.all([fetch(`${topology.authA}/.well-known/openid-configuration/jwks`), fetch(`${topology.authB}/.well-known/openid-configuration/jwks`)]);
    const [ja, jb] = [await a.json(), await b.json()];
    expect(ja.keys).toHaveLength(1);
    expect(jb).toEqual(ja);
  });

  describe('in one browser', () => {
    let context: BrowserContext;
    let page: Page;
    let sub: string;

    beforeAll(async () => {
      context = await browser.newContext({ locale: 'ru-RU' });
      page = await context.newPage();
    });
    afterAll(() => context.close());

    it('registers through the pages on instance A and exchanges the code on instance B', async () => {
      const { url, checks } = authorizeUrl(clientA, 'openid profile email offline_access extern.api');
      await page.goto(url);
      expect(await page.locator('h1').textContent()).toBe('Вход');
      await page.getByRole('link', { name: 'Зарегистрироваться' }).click();
      await page.fill('input[autocomplete="username"]', 'asel');
      await page.fill('input[autocomplete="new-password"]', 'asel-password-1');
      await page.fill('input[autocomplete="given-name"]', 'Асель');
      await page.fill('input[autocomplete="family-name"]', 'Нурланова');
      await page.fill('input[autocomplete="email"]', 'asel@example.kz');
      await page.click('button[type="submit"]');

      await page.waitForSelector('button[name="decision"]');
      expect(await page.locator('h1').textContent()).toBe('Бухгалтерия запрашивает доступ');
      expect(await page.locator('ul.scopes li').count()).toBe(5);
      await page.click('button[name="decision"][value="allow"]');
      const callback = await reachCallback(page);

      const tokens = await clientB.callback(rp.redirectUri, clientB.callbackParams(callback), checks);
      sub = tokens.claims().sub;
      expect(tokens.claims()).toMatchObject({ iss: topology.authA, aud: registered.client_id, nonce: checks.nonce });
      expect(await clientB.userinfo(tokens)).toMatchObject({ sub, given_name: 'Асель', family_name: 'Нурланова', email: 'asel@example.kz' });

      const refreshedOnA = await clientA.refresh(tokens.refresh_token!);
      const refreshedOnB = await clientB.refresh(refreshedOnA.refresh_token!);
      expect(refreshedOnB.claims().sub).toBe(sub);
      await expect(clientB.refresh(tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(clientA.refresh(refreshedOnB.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('signs in again through instance B without the login page (SSO) and without consent', async () => {
      const { url, checks } = authorizeUrl(clientB, 'openid profile');
      await page.goto(url.replace(topology.authA, topology.authB));
      const callback = await reachCallback(page);
      const tokens = await clientA.callback(rp.redirectUri, clientA.callbackParams(callback), checks);
      expect(tokens.claims().sub).toBe(sub);
    });

    it('answers 503 quickly while accounts is down, and recovers when it is back', async () => {
      await topology.stop('accounts');
      const fresh = await browser.newContext();
      const p = await fresh.newPage();
      const { url } = authorizeUrl(clientA, 'openid', { prompt: 'login' });
      await p.goto(url);
      await p.fill('input[autocomplete="username"]', 'asel');
      await p.fill('input[autocomplete="current-password"]', 'asel-password-1');
      const started = Date.now();
      const [response] = await Promise.all([p.waitForResponse((r) => r.request().method() === 'POST'), p.click('button[type="submit"]')]);
      expect(response.status()).toBe(503);
      expect(Date.now() - started).toBeLessThan(3000);

      await topology.spawn('accounts', 'accounts');
      await topology.waitReady(topology.authA);
      await p.goBack();
      await p.goto(url);
      await p.fill('input[autocomplete="username"]', 'asel');
      await p.fill('input[autocomplete="current-password"]', 'asel-password-1');
      await p.click('button[type="submit"]');
      expect(await reachCallback(p)).toContain('code=');
      await fresh.close();
    });
  });

  it('denies the reuse of a code across instances and revokes what it issued', async () => {
    await topology.admin.createUser({ login: 'timur', password: 'timur-password-1', given_name: 'Timur' });
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const { url, checks } = authorizeUrl(clientA, 'openid offline_access');
    await page.goto(url);
    await page.fill('input[autocomplete="username"]', 'timur');
    await page.fill('input[autocomplete="current-password"]', 'timur-password-1');
    await page.click('button[type="submit"]');
    await page.click('button[name="decision"][value="allow"]');
    const callback = await reachCallback(page);
    await context.close();

    const code = new URL(callback).searchParams.get('code')!;
    const tokens = await clientA.callback(rp.redirectUri, clientA.callbackParams(callback), checks);
    const replay = await postForm(`${topology.authB}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: rp.redirectUri, code_verifier: checks.code_verifier }, { Authorization: basic(registered.client_id, registered.client_secret) });
    expect(replay.status).toBe(400);
    expect(replay.json.error).toBe('invalid_grant');
    await expect(clientB.refresh(tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await fetch(`${topology.authB}/connect/userinfo`, { headers: { Authorization: `Bearer ${tokens.access_token}` } })).status).toBe(401);
  });

  it('issues client_credentials tokens on either instance, verifiable with the shared JWKS', async () => {
    for (const base of [topology.authA, topology.authB]) {
      const res = await postForm(`${base}/connect/token`, { grant_type: 'client_credentials', scope: 'extern.api' }, { Authorization: basic(registered.client_id, registered.client_secret) });
      expect(res.status).toBe(200);
      expect(decodeJwt(res.json.access_token)).toMatchObject({ iss: topology.authA, aud: 'https://api.example/extern', sub: registered.client_id });
    }
    const refused = await postForm(`${topology.authB}/connect/token`, { grant_type: 'client_credentials', scope: 'openid' }, { Authorization: basic(registered.client_id, registered.client_secret) });
    expect(refused.json).toEqual({ error: 'invalid_scope', error_description: 'user scopes are not available without a user: openid' });
  });

  it('answers prompt=none without a session with login_required', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { url, checks } = authorizeUrl(clientA, 'openid', { prompt: 'none' });
    await page.goto(url);
    const params = new URL(await reachCallback(page)).searchParams;
    expect(Object.fromEntries(params)).toEqual({ error: 'login_required', error_description: 'the user is not signed in', scope: 'openid', state: checks.state, iss: topology.authA });
    await context.close();
  });

  it('revokes on instance B and answers inactive on instance A at once', async () => {
    await topology.admin.createUser({ login: 'saule', password: 'saule-password-1' });
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const { url, checks } = authorizeUrl(clientA, 'openid offline_access extern.api');
    await page.goto(url);
    await page.fill('input[autocomplete="username"]', 'saule');
    await page.fill('input[autocomplete="current-password"]', 'saule-password-1');
    await page.click('button[type="submit"]');
    await page.click('button[name="decision"][value="allow"]');
    const callback = await reachCallback(page);
    await context.close();
    const tokens = await clientA.callback(rp.redirectUri, clientA.callbackParams(callback), checks);

    const auth = { Authorization: basic(registered.client_id, registered.client_secret) };
    const introspectOnA = async (token: string) => (await postForm(`${topology.authA}/connect/introspect`, { token }, auth)).json;
    const revokeOnB = (token: string) => postForm(`${topology.authB}/connect/revocation`, { token }, auth);
    const userinfoOnA = (token: string) => fetch(`${topology.authA}/connect/userinfo`, { headers: { Authorization: `Bearer ${token}` } });
    expect(await introspectOnA(tokens.access_token!)).toMatchObject({ active: true, client_id: registered.client_id, token_type: 'Bearer' });

    // An access token alone: its jti is denied everywhere, the grant lives on.
    expect((await revokeOnB(tokens.access_token!)).status).toBe(200);
    expect(await introspectOnA(tokens.access_token!)).toEqual({ active: false });
    expect((await userinfoOnA(tokens.access_token!)).status).toBe(401);
    expect(await introspectOnA(tokens.refresh_token!)).toMatchObject({ active: true });

    // A refresh token: its grant goes, with every access token issued from it.
    const refreshed = await clientA.refresh(tokens.refresh_token!);
    expect((await userinfoOnA(refreshed.access_token!)).status).toBe(200);
    expect((await revokeOnB(refreshed.refresh_token!)).status).toBe(200);
    expect(await introspectOnA(refreshed.refresh_token!)).toEqual({ active: false });
    expect(await introspectOnA(refreshed.access_token!)).toEqual({ active: false });
    expect((await userinfoOnA(refreshed.access_token!)).status).toBe(401);
  });

  it('refuses a client assertion replayed on the other instance', async () => {
    const key = await clientKey('ES256');
    const partner = await topology.admin.createClient({
      client_name: 'Partner backend', grant_types: ['client_credentials'], scope: 'extern.api',
      token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] },
    });
    const form = { grant_type: 'client_credentials', scope: 'extern.api', client_assertion_type: JWT_BEARER, client_assertion: await assertion(partner.client_id, key, topology.authA) };
    expect((await postForm(`${topology.authA}/connect/token`, form)).status).toBe(200);
    const replay = await postForm(`${topology.authB}/connect/token`, form);
    expect(replay.status).toBe(401);
    expect(replay.json).toEqual({ error: 'invalid_client', error_description: 'the client assertion was already used' });
  });
});
