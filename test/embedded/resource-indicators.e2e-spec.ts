import { BaseClient, Issuer, generators } from 'openid-client';
import { decodeJwt } from 'jose';
import { Browserless, basic, postForm } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';

const REDIRECT = 'https://rp.example/cb';
const EXTERN = 'https://api.example/extern';
const BILLING = 'https://billing.example';

describe('resource indicators (RFC 8707) at the authorization and token endpoints', () => {
  let platform: EmbeddedPlatform;
  let token: string;
  let m2m: { client_id: string; client_secret: string };
  let client: BaseClient;
  let browser: Browserless;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    token = `${platform.base}/connect/token`;
    await platform.admin.createResource({ name: 'Extern API', audience: EXTERN, scopes: ['extern.api'] });
    await platform.admin.createResource({ name: 'Billing', audience: BILLING, scopes: ['billing'] });
    m2m = await platform.admin.createClient({ client_name: 'Backend', grant_types: ['client_credentials'], scope: 'extern.api billing' });
    const web = await platform.admin.createClient({
      client_name: 'Accounting',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile offline_access extern.api billing',
      first_party: true,
    });
    const issuer = await Issuer.discover(platform.base);
    client = new issuer.Client({ client_id: web.client_id, client_secret: web.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
    await platform.admin.createUser({ login: 'gulnara', password: 'gulnara-password' });
    browser = new Browserless(platform.base);
  });

  afterAll(() => platform.close());

  function start(scope: string, extra: Record<string, string> = {}) {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = client.authorizationUrl({ scope, state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256', ...extra });
    return { url, checks };
  }

  const cc = (form: Record<string, string>) => postForm(token, { grant_type: 'client_credentials', ...form }, { Authorization: basic(m2m.client_id, m2m.client_secret) });

  describe('client_credentials', () => {
    it('restricts aud and scope to the named resource', async () => {
      const res = await cc({ scope: 'extern.api billing', resource: EXTERN });
      expect(res.status).toBe(200);
      expect(res.json.scope).toBe('extern.api');
      expect(decodeJwt(res.json.access_token)).toMatchObject({ aud: EXTERN, scope: 'extern.api' });
      const unbound = await cc({ scope: 'extern.api billing' });
      expect(decodeJwt(unbound.json.access_token).aud).toEqual([EXTERN, BILLING]);
    });

    it.each([
      ['https://unknown.example', 'resource is not a registered API'],
      ['api/extern', 'resource must be an absolute URI without a fragment'],
      [`${EXTERN}#part`, 'resource must be an absolute URI without a fragment'],
    ])('answers resource=%s with invalid_target', async (resource, description) => {
      const res = await cc({ scope: 'extern.api', resource });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: 'invalid_target', error_description: description });
    });

    it('answers invalid_target when no requested scope is for the resource', async () => {
      const res = await cc({ scope: 'billing', resource: EXTERN });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: 'invalid_target', error_description: `none of the requested scopes is for the resource ${EXTERN}` });
    });
  });

  describe('the device flow', () => {
    const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

    it('binds the device authorization to the resource, and the tokens it yields', async () => {
      const device = await platform.admin.createClient({ client_name: 'Desktop', grant_types: [DEVICE_GRANT], scope: 'openid extern.api billing', device_poll_interval: 1 });
      const auth = { Authorization: basic(device.client_id, device.client_secret) };
      const refused = await postForm(`${platform.base}/connect/deviceauthorization`, { scope: 'openid billing', resource: EXTERN }, auth);
      expect(refused.status).toBe(400);
      expect(refused.json).toEqual({ error: 'invalid_target', error_description: `none of the requested scopes is for the resource ${EXTERN}` });

      const started = await postForm(`${platform.base}/connect/deviceauthorization`, { scope: 'openid extern.api billing', resource: EXTERN }, auth);
      expect(started.status).toBe(200);
      const person = new Browserless(platform.base);
      const login = await person.follow(started.json.verification_uri_complete);
      const consent = await person.submit(login, '/login', { username: 'gulnara', password: 'gulnara-password' });
      expect(consent.body).toContain('id="device-check"');
      await person.submit(consent, '/consent', {}, 'allow');

      const tokens = await postForm(token, { grant_type: DEVICE_GRANT, device_code: started.json.device_code }, auth);
      expect(tokens.status).toBe(200);
      expect(tokens.json.scope).toBe('openid extern.api');
      expect(decodeJwt(tokens.json.access_token)).toMatchObject({ aud: EXTERN, scope: 'openid extern.api' });
    });
  });

  describe('the code flow (openid-client)', () => {
    it('binds the authorization to the resource: the code, the tokens and every refresh are for it alone', async () => {
      const { url, checks } = start('openid offline_access extern.api billing', { resource: EXTERN });
      const out = await signInThroughPages(browser, url, { login: 'gulnara', password: 'gulnara-password' });
      expect(new URL(out.location!).searchParams.get('scope')).toBe('openid offline_access extern.api');
      const tokens = await client.callback(REDIRECT, client.callbackParams(out.location!), checks);
      expect(tokens.scope).toBe('openid offline_access extern.api');
      expect(tokens.claims().aud).toBe(client.client_id as string);
      expect(decodeJwt(tokens.access_token!)).toMatchObject({ aud: EXTERN, scope: 'openid offline_access extern.api' });

      const refreshed = await client.refresh(tokens.refresh_token!);
      expect(decodeJwt(refreshed.access_token!)).toMatchObject({ aud: EXTERN, scope: 'openid offline_access extern.api' });
      await expect(client.refresh(refreshed.refresh_token!, { exchangeBody: { resource: BILLING } })).rejects.toMatchObject({
        error: 'invalid_target',
        error_description: 'resource differs from the one the authorization was given for',
      });
    });

    it('lets an unbound authorization name the resource at the token endpoint', async () => {
      const { url, checks } = start('openid extern.api billing');
      const out = await signInThroughPages(browser, url, { login: 'gulnara', password: 'gulnara-password' });
      const tokens = await client.callback(REDIRECT, client.callbackParams(out.location!), checks, { exchangeBody: { resource: BILLING } });
      expect(decodeJwt(tokens.access_token!)).toMatchObject({ aud: BILLING, scope: 'openid billing' });
    });

    it('keeps the current audiences without a resource', async () => {
      const { url, checks } = start('openid extern.api billing');
      const out = await signInThroughPages(browser, url, { login: 'gulnara', password: 'gulnara-password' });
      const tokens = await client.callback(REDIRECT, client.callbackParams(out.location!), checks);
      expect(decodeJwt(tokens.access_token!).aud).toEqual([platform.base, EXTERN, BILLING]);
    });

    it.each([
      ['https://unknown.example', 'resource is not a registered API'],
      [EXTERN, `none of the requested scopes is for the resource ${EXTERN}`],
    ])('answers resource=%s at the authorization endpoint with invalid_target by redirect', async (resource, description) => {
      const scope = resource === EXTERN ? 'openid billing' : 'openid extern.api';
      const { url, checks } = start(scope, { resource });
      const res = await browser.request(url);
      expect(res.status).toBe(303);
      expect(Object.fromEntries(new URL(res.location!).searchParams)).toEqual({ error: 'invalid_target', error_description: description, scope, state: checks.state, iss: platform.base });
    });
  });
});
