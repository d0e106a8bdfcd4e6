import { createServer, Server } from 'node:http';
import { BaseClient, Issuer, generators } from 'openid-client';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { Browserless, freePort, parseForms } from '@idp/testing';
import { SigningKeysService } from '../../apps/auth/src/oidc/keys/signing-keys.service';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';

const REDIRECT = 'https://rp.example/cb';
const ALL_TYPES = ['code', 'id_token', 'code id_token', 'code token', 'code id_token token', 'id_token token', 'none'];
const USER = { login: 'madina', password: 'madina-password-1' };

/** Parameters of an authorization response, from the query or the fragment. */
function responseParams(location: string): Record<string, string> {
  const url = new URL(location);
  return Object.fromEntries(url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams);
}

describe('OpenID Connect front channel (conformance report)', () => {
  let platform: EmbeddedPlatform;
  let issuer: Issuer<BaseClient>;
  let registered: { client_id: string; client_secret: string };
  let client: BaseClient;
  let browser: Browserless;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    registered = await platform.admin.createClient({
      client_name: 'Hybrid RP',
      redirect_uris: [REDIRECT],
      post_logout_redirect_uris: ['https://rp.example/bye'],
      grant_types: ['authorization_code', 'implicit', 'refresh_token'],
      response_types: ALL_TYPES,
      scope: 'openid profile email accounts',
      first_party: true,
      id_token_ttl: 600,
    });
    await platform.admin.createUser({ ...USER, given_name: 'Madina', email: 'madina@example.kz', email_public: 'hello@madina.kz', custom_fields: { department: 'finance' }, public_external_accounts: [{ service: 'telegram', id: '@madina' }] });
    issuer = await Issuer.discover(platform.base);
    client = new issuer.Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [REDIRECT], response_types: ALL_TYPES });
    browser = new Browserless(platform.base);
    // Sign in once; the SSO session carries the rest.
    const first = await signInThroughPages(browser, client.authorizationUrl({ scope: 'openid', state: 'state-12345', response_type: 'code' }), USER);
    expect(first.location).toContain('code=');
  });

  afterAll(() => platform.close());

  async function authorize(responseType: string, extra: Record<string, string> = {}) {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier(), response_type: responseType };
    const url = client.authorizationUrl({ scope: 'openid profile email', response_type: responseType, state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256', ...extra });
    const res = await browser.follow(url);
    return { res, checks };
  }

  it.each(['id_token', 'code id_token', 'code token', 'code id_token token', 'id_token token'])('response_type=%s answers in the fragment and openid-client validates it', async (type) => {
    const { res, checks } = await authorize(type);
    expect(res.status).toBe(303);
    const location = new URL(res.location!);
    expect(location.search).toBe('');
    const params = responseParams(res.location!);
    expect(params.iss).toBe(platform.base);
    const tokens = await client.callback(REDIRECT, params, checks);
    const claims = tokens.claims();
    expect(claims.nonce).toBe(checks.nonce);
    if (type.includes('code') && type.includes('id_token')) expect(decodeJwt(params.id_token).c_hash).toBeDefined();
    if (type.split(' ').includes('token') && type.includes('id_token')) expect(decodeJwt(params.id_token).at_hash).toBeDefined();
    if (type === 'id_token') expect(claims).toMatchObject({ given_name: 'Madina', email: 'madina@example.kz' });
    if (type.split(' ').includes('token')) expect(params.token_type).toBe('Bearer');
  });

  it('response_type=none answers only state and iss', async () => {
    const { res, checks } = await authorize('none');
    expect(responseParams(res.location!)).toEqual({ state: checks.state, iss: platform.base });
  });

  it('requires a nonce when an id_token comes from the authorization endpoint', async () => {
    const url = client.authorizationUrl({ scope: 'openid', response_type: 'id_token', state: 'state-12345' });
    const res = await browser.request(url);
    expect(responseParams(res.location!)).toEqual({ error: 'invalid_request', error_description: 'nonce is required when an id_token is returned from the authorization endpoint', scope: 'openid', state: 'state-12345', iss: platform.base });
    expect(new URL(res.location!).hash).not.toBe('');
  });

  it('refuses response_mode=query for responses that carry tokens, answering in the fragment', async () => {
    const url = client.authorizationUrl({ scope: 'openid', response_type: 'id_token token', response_mode: 'query', nonce: 'n-0123456789', state: 'state-12345' });
    const res = await browser.request(url);
    const location = new URL(res.location!);
    expect(location.search).toBe('');
    expect(responseParams(res.location!).error).toBe('invalid_request');
  });

  it('response_mode=form_post posts the hybrid response through an auto-submitting form', async () => {
    const { res, checks } = await authorize('code id_token', { response_mode: 'form_post' });
    expect(res.status).toBe(200);
    const form = parseForms(res.body)[0];
    expect(form.action).toBe(REDIRECT);
    const tokens = await client.callback(REDIRECT, form.fields, checks);
    expect(tokens.claims().sub).toBeDefined();
  });

  it('max_age=0 and prompt=login send the user back to the login page; auth_time moves on', async () => {
    for (const extra of [{ max_age: '0' }, { prompt: 'login' }] as Array<Record<string, string>>) {
      const { res } = await authorize('code', extra);
      expect(res.url).toContain('/interaction/');
      expect(res.body).toContain('autocomplete="current-password"');
    }
    const before = Math.floor(Date.now() / 1000);
    await new Promise((r) => setTimeout(r, 1100));
    const { checks } = await authorize('code', { prompt: 'login' });
    const url = client.authorizationUrl({ scope: 'openid', response_type: 'code', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256', max_age: 0 });
    const out = await signInThroughPages(browser, url, USER);
    const tokens = await client.callback(REDIRECT, responseParams(out.location!), { ...checks, response_type: 'code' });
    expect(tokens.claims().auth_time).toBeGreaterThan(before);
  });

  it('login_hint pre-fills the identifier', async () => {
    const { res } = await authorize('code', { prompt: 'login', login_hint: 'madina' });
    expect(parseForms(res.body)[0].fields.username).toBe('madina');
  });

  it('id_token_hint of the signed-in user passes prompt=none; a hint for another user gives login_required', async () => {
    const { res, checks } = await authorize('id_token');
    const hint = responseParams(res.location!).id_token;
    const same = await authorize('id_token', { prompt: 'none', id_token_hint: hint });
    expect(responseParams(same.res.location!).id_token).toBeDefined();

    const other = new Browserless(platform.base);
    await platform.admin.createUser({ login: 'nurlan', password: 'nurlan-password-1' });
    await signInThroughPages(other, client.authorizationUrl({ scope: 'openid', state: 'state-12345', response_type: 'code' }), { login: 'nurlan', password: 'nurlan-password-1' });
    const url = client.authorizationUrl({ scope: 'openid', response_type: 'id_token', prompt: 'none', id_token_hint: hint, nonce: checks.nonce, state: 'state-12345' });
    const mismatch = await other.request(url);
    expect(responseParams(mismatch.location!)).toMatchObject({ error: 'login_required', state: 'state-12345' });
    const forged = await other.request(client.authorizationUrl({ scope: 'openid', response_type: 'code', id_token_hint: hint.slice(0, -4) + 'AAAA', state: 'state-12345' }));
    expect(responseParams(forged.location!)).toMatchObject({ error: 'invalid_request', error_description: 'id_token_hint was not issued by this provider to this client' });
  });

  it('accepts an expired id_token_hint that this provider signed', async () => {
    const { res } = await authorize('id_token');
    const fresh = decodeJwt(responseParams(res.location!).id_token);
    const ring = await platform.app.get(SigningKeysService).keyRing();
    const past = Math.floor(Date.now() / 1000) - 7200;
    const expired = await ring.sign({ iss: platform.base, sub: fresh.sub, aud: registered.client_id, iat: past, exp: past + 600, auth_time: past });
    const again = await authorize('id_token', { prompt: 'none', id_token_hint: expired });
    expect(responseParams(again.res.location!).id_token).toBeDefined();
  });

  it('reflects acr_values in acr and lists the methods used in amr', async () => {
    const { res } = await authorize('id_token', { acr_values: 'urn:kontur:acr:basic' });
    const claims = decodeJwt(responseParams(res.location!).id_token);
    expect(claims.acr).toBe('urn:kontur:acr:basic');
    expect(claims.amr).toEqual(['pwd']);
  });

  it('releases the Trusted.ID claims by scope and omits what the user has no value for', async () => {
    const { res, checks } = await authorize('code', { scope: 'openid profile email accounts' });
    const tokens = await client.callback(REDIRECT, responseParams(res.location!), checks);
    const info = await client.userinfo(tokens);
    expect(info.publicExternalAccounts).toEqual([{ service: 'telegram', id: '@madina' }]);
    expect(info).toMatchObject({ login: 'madina', email_public: 'hello@madina.kz', custom_fields: { department: 'finance' }, password_change_required: false, deleted: false });
    expect(typeof info.password_updated_at).toBe('number');
    expect(info).not.toHaveProperty('phone_number');
    expect(info).not.toHaveProperty('family_name');
    expect(Object.values(info)).not.toContain(null);
  });

  it('keeps per-client lifetimes: id_token_ttl 600 s', async () => {
    const { res } = await authorize('id_token');
    const claims = decodeJwt(responseParams(res.location!).id_token);
    expect(claims.exp! - claims.iat!).toBe(600);
  });

  describe('pairwise subjects', () => {
    it('are stable per sector, differ across sectors, and match between id_token and userinfo', async () => {
      const make = (host: string) => platform.admin.createClient({ client_name: host, redirect_uris: [`https://${host}/cb`], subject_type: 'pairwise', scope: 'openid', first_party: true });
      const [a1, a2, b] = await Promise.all([make('a.example'), make('a.example'), make('b.example')]);
      const subs: string[] = [];
      for (const c of [a1, a2, b]) {
        const rp = new issuer.Client({ client_id: c.client_id, client_secret: c.client_secret, redirect_uris: c.redirect_uris });
        const checks = { state: generators.state(), code_verifier: generators.codeVerifier() };
        const res = await browser.follow(rp.authorizationUrl({ scope: 'openid', state: checks.state, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' }));
        const tokens = await rp.callback(c.redirect_uris[0], responseParams(res.location!), checks);
        expect((await rp.userinfo(tokens)).sub).toBe(tokens.claims().sub);
        subs.push(tokens.claims().sub);
      }
      expect(subs[0]).toBe(subs[1]);
      expect(subs[0]).not.toBe(subs[2]);
      expect(subs[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('refuse a pairwise client whose redirect URIs span hosts without a sector_identifier_uri', async () => {
      const res = await platform.admin.call('POST', '/admin/clients', { client_name: 'x', redirect_uris: ['https://a.example/cb', 'https://c.example/cb'], subject_type: 'pairwise' });
      expect(res.status).toBe(400);
      expect(res.json.fields).toEqual({ sector_identifier_uri: 'is required for a pairwise client whose redirect URIs have several hosts' });
    });
  });

  it('signs UserInfo when the client asks (userinfo_signed_response_alg)', async () => {
    const signed = await platform.admin.createClient({ client_name: 'Signed', redirect_uris: [REDIRECT], scope: 'openid profile', userinfo_signed_response_alg: 'RS256', first_party: true });
    const rp = new issuer.Client({ client_id: signed.client_id, client_secret: signed.client_secret, redirect_uris: [REDIRECT], userinfo_signed_response_alg: 'RS256' });
    const checks = { state: generators.state(), code_verifier: generators.codeVerifier() };
    const res = await browser.follow(rp.authorizationUrl({ scope: 'openid profile', state: checks.state, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' }));
    const tokens = await rp.callback(REDIRECT, responseParams(res.location!), checks);
    const raw = await fetch(`${platform.base}/connect/userinfo`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(raw.headers.get('content-type')).toContain('application/jwt');
    const { payload } = await jwtVerify(await raw.text(), createRemoteJWKSet(new URL(issuer.metadata.jwks_uri!)), { issuer: platform.base, audience: signed.client_id });
    expect(payload.given_name).toBe('Madina');
    expect(await rp.userinfo(tokens)).toMatchObject({ given_name: 'Madina' });
  });

  it('accepts the access token in a POST form body at UserInfo, and refuses it sent two ways', async () => {
    const { res, checks } = await authorize('code');
    const tokens = await client.callback(REDIRECT, responseParams(res.location!), checks);
    const body = await fetch(`${platform.base}/connect/userinfo`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `access_token=${tokens.access_token}` });
    expect(body.status).toBe(200);
    const both = await fetch(`${platform.base}/connect/userinfo`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Bearer ${tokens.access_token}` }, body: `access_token=${tokens.access_token}` });
    expect(both.status).toBe(400);
    expect(await both.json()).toEqual({ error: 'invalid_request', error_description: 'the access token was sent more than one way' });
  });

  describe('CORS', () => {
    it('lets any origin read discovery and JWKS, and only registered origins call the token endpoint', async () => {
      const disco = await fetch(`${platform.base}/.well-known/openid-configuration`, { headers: { Origin: 'https://anyone.example' } });
      expect(disco.headers.get('access-control-allow-origin')).toBe('*');
      const preflight = await fetch(`${platform.base}/connect/token`, { method: 'OPTIONS', headers: { Origin: 'https://rp.example', 'Access-Control-Request-Method': 'POST' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://rp.example');
      const stranger = await fetch(`${platform.base}/connect/token`, { method: 'POST', headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=x' });
      expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
      const page = await fetch(`${platform.base}/device`, { headers: { Origin: 'https://rp.example' } });
      expect(page.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('logout', () => {
    let receiver: Server;
    let received: string[] = [];
    let failFirst = true;
    let receiverUrl: string;

    beforeAll(async () => {
      const port = await freePort();
      receiverUrl = `http://127.0.0.1:${port}/backchannel`;
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          if (failFirst) {
            failFirst = false;
            res.writeHead(500).end();
            return;
          }
          received.push(new URLSearchParams(body).get('logout_token')!);
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((r) => receiver.listen(port, '127.0.0.1', r));
    });
    afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

    it('RP-initiated logout with a valid id_token_hint ends the session without asking and returns to the client with state', async () => {
      const { res } = await authorize('id_token');
      const hint = responseParams(res.location!).id_token;
      const out = await browser.request(`/connect/endsession?${new URLSearchParams({ id_token_hint: hint, post_logout_redirect_uri: 'https://rp.example/bye', state: 'bye-state' })}`);
      expect(out.status).toBe(303);
      expect(out.location).toBe('https://rp.example/bye?state=bye-state');
      expect(browser.jar.has('idp_session')).toBe(false);
      const again = await authorize('code', { prompt: 'none' });
      expect(responseParams(again.res.location!).error).toBe('login_required');
    });

    it('without a hint asks for confirmation, and refuses an unregistered post_logout_redirect_uri', async () => {
      const b = new Browserless(platform.base);
      await signInThroughPages(b, client.authorizationUrl({ scope: 'openid', state: 'state-12345', response_type: 'code' }), USER);
      const bad = await b.request(`/connect/endsession?client_id=${registered.client_id}&post_logout_redirect_uri=https://evil.example/`);
      expect(bad.status).toBe(400);
      expect(bad.body).toContain('post_logout_redirect_uri is not registered for this client');
      const ask = await b.request(`/connect/endsession?client_id=${registered.client_id}`);
      expect(ask.status).toBe(200);
      expect(ask.body).toContain('value="logout"');
      const done = await b.submit(ask, '/connect/endsession/confirm', {}, 'logout');
      expect(done.body).toContain('id="logged-out"');
      expect(b.jar.has('idp_session')).toBe(false);
    });

    it('back-channel logout sends a signed logout token (events, sid, sub, no nonce), retried after a failure', async () => {
      const rpWithBackchannel = await platform.admin.createClient({ client_name: 'BC', redirect_uris: [REDIRECT], scope: 'openid', backchannel_logout_uri: receiverUrl, backchannel_logout_session_required: true, first_party: true });
      const rp = new issuer.Client({ client_id: rpWithBackchannel.client_id, client_secret: rpWithBackchannel.client_secret, redirect_uris: [REDIRECT] });
      const b = new Browserless(platform.base);
      const checks = { state: generators.state(), code_verifier: generators.codeVerifier() };
      const out = await signInThroughPages(b, rp.authorizationUrl({ scope: 'openid', state: checks.state, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' }), USER);
      const tokens = await rp.callback(REDIRECT, responseParams(out.location!), checks);
      const ask = await b.request(`/connect/endsession?client_id=${rpWithBackchannel.client_id}`);
      await b.submit(ask, '/connect/endsession/confirm', {}, 'logout');

      const until = Date.now() + 10000;
      while (!received.length && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
      expect(received).toHaveLength(1);
      const { payload, protectedHeader } = await jwtVerify(received[0], createRemoteJWKSet(new URL(issuer.metadata.jwks_uri!)), { issuer: platform.base, audience: rpWithBackchannel.client_id });
      expect(protectedHeader.typ).toBe('logout+jwt');
      expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
      expect(payload.sid).toBe(tokens.claims().sid);
      expect(payload.sub).toBe(tokens.claims().sub);
      expect(payload).not.toHaveProperty('nonce');
      received = [];
    });
  });
});
