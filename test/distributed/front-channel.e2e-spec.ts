import { Browser, Page } from 'playwright-core';
import { BaseClient, Issuer, generators } from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { launchChromium } from './browser';
import { RelyingParty, startRelyingParty } from './relying-party';
import { Topology } from './topology';

const ALL_TYPES = ['code', 'id_token', 'code id_token', 'code token', 'code id_token token', 'id_token token', 'none'];

describe('distributed mode: front channel in Chromium (response types and modes, pairwise, logout)', () => {
  const topology = new Topology();
  let browser: Browser;
  let rp: RelyingParty;
  let issuer: Issuer<BaseClient>;

  beforeAll(async () => {
    await Topology.resetDatabase();
    browser = await launchChromium();
    rp = await startRelyingParty();
    await topology.start();
    await topology.admin.createUser({ login: 'zhanna', password: 'zhanna-password-1', given_name: 'Zhanna', email: 'zhanna@example.kz' });
    issuer = await Issuer.discover(topology.authA);
  });

  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await topology.stopAll();
  });

  async function signIn(page: Page, url: string) {
    await page.goto(url);
    await page.fill('input[autocomplete="username"]', 'zhanna');
    await page.fill('input[autocomplete="current-password"]', 'zhanna-password-1');
    await page.click('button[type="submit"]');
  }

  async function register(metadata: Record<string, unknown>) {
    const c = await topology.admin.createClient({ client_name: 'RP', scope: 'openid profile email', first_party: true, ...metadata });
    return { registered: c, client: new issuer.Client({ client_id: c.client_id, client_secret: c.client_secret, redirect_uris: c.redirect_uris, response_types: c.response_types }) };
  }

  it('form_post carries a hybrid response (code id_token) from instance B to the client, validated by openid-client', async () => {
    const { client } = await register({ redirect_uris: [rp.redirectUri], grant_types: ['authorization_code', 'implicit'], response_types: ALL_TYPES });
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier(), response_type: 'code id_token' };
    const url = client.authorizationUrl({ scope: 'openid profile', response_type: 'code id_token', response_mode: 'form_post', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    const context = await browser.newContext();
    const page = await context.newPage();
    rp.posts.length = 0;
    await signIn(page, url.replace(topology.authA, topology.authB));
    await page.waitForURL((u) => u.toString().startsWith(rp.redirectUri));
    const posted = rp.posts.find((p) => p.path === '/cb')!;
    expect(Object.keys(posted.form).sort()).toEqual(['code', 'id_token', 'iss', 'scope', 'state']);
    const tokens = await client.callback(rp.redirectUri, posted.form, checks);
    expect(tokens.claims()).toMatchObject({ nonce: checks.nonce, amr: ['pwd'] });
    await context.close();
  });

  it('implicit (id_token token) answers in the fragment the browser keeps from the server', async () => {
    const { client } = await register({ redirect_uris: [rp.redirectUri], grant_types: ['implicit'], response_types: ['id_token token'], token_endpoint_auth_method: 'none' });
    const checks = { state: generators.state(), nonce: generators.nonce(), response_type: 'id_token token' };
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, client.authorizationUrl({ scope: 'openid profile', response_type: 'id_token token', state: checks.state, nonce: checks.nonce }));
    await page.waitForURL((u) => u.toString().startsWith(rp.redirectUri));
    const fragment = Object.fromEntries(new URLSearchParams(new URL(page.url()).hash.slice(1)));
    const tokens = await client.callback(rp.redirectUri, fragment, checks);
    expect(await client.userinfo(tokens)).toMatchObject({ given_name: 'Zhanna' });
    await context.close();
  });

  it('pairwise subjects differ between sectors and agree between id_token and userinfo across instances', async () => {
    const hosts = [rp.redirectUri, rp.redirectUri.replace('127.0.0.1', 'localhost')];
    const subs: string[] = [];
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const [i, redirect] of hosts.entries()) {
      const { client } = await register({ redirect_uris: [redirect], subject_type: 'pairwise', scope: 'openid' });
      const viaB = new (new Issuer({ ...issuer.metadata, userinfo_endpoint: `${topology.authB}/connect/userinfo` }).Client)({ client_id: client.metadata.client_id, client_secret: client.metadata.client_secret, redirect_uris: [redirect] });
      const checks = { state: generators.state(), code_verifier: generators.codeVerifier() };
      const url = client.authorizationUrl({ scope: 'openid', state: checks.state, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
      if (i === 0) await signIn(page, url);
      else await page.goto(url);
      await page.waitForURL((u) => u.toString().startsWith(redirect));
      const tokens = await client.callback(redirect, client.callbackParams(page.url()), checks);
      expect((await viaB.userinfo(tokens)).sub).toBe(tokens.claims().sub);
      subs.push(tokens.claims().sub);
    }
    expect(subs[0]).not.toBe(subs[1]);
    await context.close();
  });

  it('RP-initiated logout on instance B ends the session everywhere and sends a back-channel logout token', async () => {
    const backchannel = `http://127.0.0.1:${rp.port}/backchannel`;
    const { client, registered } = await register({
      redirect_uris: [rp.redirectUri],
      post_logout_redirect_uris: [`http://127.0.0.1:${rp.port}/bye`],
      backchannel_logout_uri: backchannel,
      backchannel_logout_session_required: true,
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    await signIn(page, client.authorizationUrl({ scope: 'openid', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' }));
    await page.waitForURL((u) => u.toString().startsWith(rp.redirectUri));
    const tokens = await client.callback(rp.redirectUri, client.callbackParams(page.url()), checks);

    rp.posts.length = 0;
    const logout = new URL(`${topology.authB}/connect/endsession`);
    logout.search = new URLSearchParams({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: `http://127.0.0.1:${rp.port}/bye`, state: 'bye-12345' }).toString();
    await page.goto(logout.toString());
    await page.waitForURL((u) => u.toString().startsWith(`http://127.0.0.1:${rp.port}/bye`));
    expect(new URL(page.url()).searchParams.get('state')).toBe('bye-12345');

    const until = Date.now() + 10000;
    while (!rp.posts.some((p) => p.path === '/backchannel') && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    const token = rp.posts.find((p) => p.path === '/backchannel')!.form.logout_token;
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(issuer.metadata.jwks_uri!)), { issuer: topology.authA, audience: registered.client_id });
    expect(payload).toMatchObject({ sid: tokens.claims().sid, sub: tokens.claims().sub, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } });

    // The session is gone on instance A too.
    const again = client.authorizationUrl({ scope: 'openid', prompt: 'none', state: 'state-12345', code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    await page.goto(again);
    await page.waitForURL((u) => u.toString().startsWith(rp.redirectUri));
    expect(new URL(page.url()).searchParams.get('error')).toBe('login_required');
    await context.close();
  });
});
