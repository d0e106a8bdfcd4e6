import { randomUUID } from 'node:crypto';
import { SignJWT, decodeProtectedHeader } from 'jose';
import type { AuthorizationServer, Client, ClientAuth } from 'oauth4webapi';
import { Browserless, basic, clientKey, postForm } from '@idp/testing';
import { totpCode } from '../../apps/accounts/src/second-factor/totp';
import { signInThroughPages } from '../embedded/flows';
import { OAuth, insecure, loadOAuth4WebApi, webCryptoClientKey } from '../support/oauth4webapi';
import { Topology } from './topology';

const REDIRECT = 'https://rp.example/cb';
const EXTERN = 'https://api.example/extern';
const EC = 'https://api.example/ec';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOTP_GRANT = 'urn:idp:oauth:grant-type:totp';
const PREPUBLISH = 4;

type Registered = { client_id: string; client_secret: string };

/**
 * A second strict relying-party library, oauth4webapi, against the distributed mode: discovery,
 * every client authentication method through its own helpers, the code flow with PKCE and its
 * id_token checks, refresh, introspection, revocation, registration, the extension grants, the
 * device flow, and JWT access token validation across a key rotation.
 */
describe('distributed mode with oauth4webapi as the relying party', () => {
  const topology = new Topology({ KEY_PREPUBLISH_SECONDS: String(PREPUBLISH), KEY_RELOAD_SECONDS: '1' });
  let oauth: OAuth;
  let as: AuthorizationServer;
  /** The same server reached through instance B, as a load balancer would spread requests. */
  let asB: AuthorizationServer;
  let opts: Record<symbol, boolean>;
  let externApi: Registered;
  let ecApi: Registered;

  const machine = async (method: string, extra: Record<string, unknown> = {}) =>
    topology.admin.createClient({ client_name: `M2M ${method}`, grant_types: ['client_credentials'], scope: 'extern.api ec.api', token_endpoint_auth_method: method, ...extra });
  const bearerRequest = (token: string) => new Request(`${EXTERN}/orders`, { headers: { Authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    await Topology.resetDatabase();
    oauth = await loadOAuth4WebApi();
    opts = insecure(oauth);
    await topology.start();
    externApi = await topology.admin.createResource({ name: 'Extern API', audience: EXTERN, scopes: ['extern.api'] });
    ecApi = await topology.admin.createResource({ name: 'EC API', audience: EC, scopes: ['ec.api'], access_token_signing_alg: 'ES256' });
    await topology.admin.createUser({ login: 'aliya', password: 'aliya-password-1', given_name: 'Aliya', phone: '+7 701 555 00 11' });
    const issuer = new URL(topology.authA);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...opts, algorithm: 'oidc' }));
    const b = topology.authB;
    asB = { ...as, token_endpoint: `${b}/connect/token`, introspection_endpoint: `${b}/connect/introspect`, revocation_endpoint: `${b}/connect/revocation`, userinfo_endpoint: `${b}/connect/userinfo`, device_authorization_endpoint: `${b}/connect/deviceauthorization` };
  });

  afterAll(() => topology.stopAll());

  it('processes the discovery document: issuer, endpoints, methods and algorithms', () => {
    expect(as.issuer).toBe(topology.authA);
    expect(as.jwks_uri).toBe(`${topology.authA}/.well-known/openid-configuration/jwks`);
    expect(as.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none']));
    expect(as.code_challenge_methods_supported).toContain('S256');
    expect(as.id_token_signing_alg_values_supported).toEqual(['RS256']);
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
  });

  it.each(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'])(
    'authenticates with %s through oauth4webapi at the token endpoint of B and the introspection endpoint of A',
    async (method) => {
      let auth: ClientAuth;
      let registered: Registered;
      if (method === 'private_key_jwt') {
        const key = await webCryptoClientKey(`rp-${randomUUID()}`);
        registered = await machine(method, { jwks: { keys: [key.publicJwk] } });
        auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid });
      } else {
        registered = await machine(method);
        auth = { client_secret_basic: oauth.ClientSecretBasic, client_secret_post: oauth.ClientSecretPost, client_secret_jwt: oauth.ClientSecretJwt }[method]!(registered.client_secret);
      }
      const client: Client = { client_id: registered.client_id };
      const tokens = await oauth.processClientCredentialsResponse(asB, client, await oauth.clientCredentialsGrantRequest(asB, client, auth, { scope: 'extern.api' }, opts));
      expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'extern.api' });
      const introspected = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, tokens.access_token, opts));
      expect(introspected).toMatchObject({ active: true, client_id: registered.client_id, aud: EXTERN });
    },
  );

  it('refuses a wrong secret with invalid_client, as oauth4webapi reads it', async () => {
    const registered = await machine('client_secret_post');
    const client: Client = { client_id: registered.client_id };
    const res = await oauth.clientCredentialsGrantRequest(asB, client, oauth.ClientSecretPost('not-the-secret'), { scope: 'extern.api' }, opts);
    await expect(oauth.processClientCredentialsResponse(asB, client, res)).rejects.toMatchObject({ code: oauth.RESPONSE_BODY_ERROR, error: 'invalid_client', status: 401 });
  });

  describe('authorization code with PKCE', () => {
    let web: Registered;
    let client: Client;
    let auth: ClientAuth;

    /** Authorizes through the pages on A and exchanges the code (with PKCE and nonce) through `server`. */
    async function codeFlow(rp: Client, rpAuth: ClientAuth, scope: string, server: AuthorizationServer) {
      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const nonce = oauth.generateRandomNonce();
      const url = new URL(as.authorization_endpoint!);
      const params = { client_id: rp.client_id, redirect_uri: REDIRECT, response_type: 'code', scope, state, nonce, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' };
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      const out = await signInThroughPages(new Browserless(topology.authA), url.toString(), { login: 'aliya', password: 'aliya-password-1' });
      const callback = oauth.validateAuthResponse(as, rp, new URL(out.location!), state);
      const response = await oauth.authorizationCodeGrantRequest(server, rp, rpAuth, callback, REDIRECT, verifier, opts);
      return oauth.processAuthorizationCodeResponse(server, rp, response, { expectedNonce: nonce, requireIdToken: true });
    }

    beforeAll(async () => {
      web = await topology.admin.createClient({
        client_name: 'Web',
        redirect_uris: [REDIRECT],
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'openid profile offline_access extern.api',
        first_party: true,
      });
      client = { client_id: web.client_id };
      auth = oauth.ClientSecretBasic(web.client_secret);
    });

    it('signs in on A, exchanges on B with the id_token validated by oauth4webapi, and reads UserInfo on B', async () => {
      const tokens = await codeFlow(client, auth, 'openid profile offline_access extern.api', asB);
      const claims = oauth.getValidatedIdTokenClaims(tokens)!;
      expect(claims).toMatchObject({ iss: topology.authA, aud: web.client_id });
      expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('RS256');
      const info = await oauth.processUserInfoResponse(asB, client, claims.sub, await oauth.userInfoRequest(asB, client, tokens.access_token, opts));
      expect(info).toMatchObject({ sub: claims.sub, given_name: 'Aliya' });

      // Refresh on A, then the refreshed token is the one that works on B; the old one is spent.
      const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, opts));
      expect(oauth.getValidatedIdTokenClaims(refreshed)!.sub).toBe(claims.sub);
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      const spent = await oauth.refreshTokenGrantRequest(asB, client, auth, tokens.refresh_token!, opts);
      await expect(oauth.processRefreshTokenResponse(asB, client, spent)).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('introspects for the client and for the API, revokes through A and is inactive on B within a second', async () => {
      const tokens = await codeFlow(client, auth, 'openid extern.api offline_access', as);
      const byClient = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, tokens.access_token, opts));
      expect(byClient).toMatchObject({ active: true, client_id: web.client_id, scope: expect.stringContaining('extern.api') });
      const api: Client = { client_id: externApi.client_id };
      const apiAuth = oauth.ClientSecretBasic(externApi.client_secret);
      const byApi = await oauth.processIntrospectionResponse(asB, api, await oauth.introspectionRequest(asB, api, apiAuth, tokens.access_token, opts));
      expect(byApi).toMatchObject({ active: true, aud: expect.arrayContaining([EXTERN]) });
      // The API may also check the JWT itself, as oauth4webapi's resource-server helper does.
      const verified = await oauth.validateJwtAccessToken(as, bearerRequest(tokens.access_token), EXTERN, opts);
      expect(verified.client_id).toBe(web.client_id);

      await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, tokens.access_token, opts));
      const revokedAt = Date.now();
      let seen: { active: boolean } = { active: true };
      while (seen.active && Date.now() - revokedAt < 1000) {
        seen = await oauth.processIntrospectionResponse(asB, api, await oauth.introspectionRequest(asB, api, apiAuth, tokens.access_token, opts));
      }
      expect(seen).toEqual({ active: false });
      expect(Date.now() - revokedAt).toBeLessThan(1000);
    });

    it('runs the code flow for a public client (none) with PKCE', async () => {
      const pub = await topology.admin.createClient({ client_name: 'SPA', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], token_endpoint_auth_method: 'none', scope: 'openid profile', first_party: true });
      expect(pub.client_secret).toBeUndefined();
      const spa: Client = { client_id: pub.client_id, token_endpoint_auth_method: 'none' };
      const tokens = await codeFlow(spa, oauth.None(), 'openid profile', asB);
      expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ aud: pub.client_id, iss: topology.authA });
    });
  });

  it('registers a client dynamically with oauth4webapi and manages it over RFC 7592', async () => {
    const initial = await topology.admin.call('POST', '/admin/initial-access-tokens', { description: 'oauth4webapi', scope: 'extern.api' });
    expect(initial.status).toBe(201);
    const metadata = { client_name: 'Self-registered', grant_types: ['client_credentials'], scope: 'extern.api', token_endpoint_auth_method: 'client_secret_post' };
    const registered = (await oauth
      .processDynamicClientRegistrationResponse(await oauth.dynamicClientRegistrationRequest(as, metadata, { ...opts, initialAccessToken: initial.json.token }))
      .catch((e) => Promise.reject(new Error(`${e.message}: ${JSON.stringify(e.cause)}`)))) as Client & { client_secret: string; registration_access_token: string; registration_client_uri: string };
    expect(registered).toMatchObject({ client_name: 'Self-registered', registration_client_uri: `${topology.authA}/connect/register/${registered.client_id}` });

    const client: Client = { client_id: registered.client_id };
    const tokens = await oauth.processClientCredentialsResponse(asB, client, await oauth.clientCredentialsGrantRequest(asB, client, oauth.ClientSecretPost(registered.client_secret), { scope: 'extern.api' }, opts));
    expect(tokens.access_token).toBeTruthy();

    // RFC 7592 has no oauth4webapi helper: read, then delete, through B.
    const manage = (method: string) => fetch(registered.registration_client_uri.replace(topology.authA, topology.authB), { method, headers: { Authorization: `Bearer ${registered.registration_access_token}` } });
    const read = await manage('GET');
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ client_id: registered.client_id, client_name: 'Self-registered' });
    expect((await manage('DELETE')).status).toBe(204);
    const after = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretPost(registered.client_secret), { scope: 'extern.api' }, opts);
    await expect(oauth.processClientCredentialsResponse(as, client, after)).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('issues client_credentials for the ES256 API with resource, validated by oauth4webapi against the JWKS', async () => {
    const registered = await machine('client_secret_basic');
    const client: Client = { client_id: registered.client_id };
    const auth = oauth.ClientSecretBasic(registered.client_secret);
    const tokens = await oauth.processClientCredentialsResponse(as, client, await oauth.clientCredentialsGrantRequest(asB, client, auth, { scope: 'extern.api ec.api', resource: EC }, opts));
    expect(tokens.scope).toBe('ec.api');
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const claims = await oauth.validateJwtAccessToken(as, bearerRequest(tokens.access_token), EC, opts);
    expect(claims).toMatchObject({ aud: EC, client_id: registered.client_id, scope: 'ec.api' });
    const api: Client = { client_id: ecApi.client_id };
    const seen = await oauth.processIntrospectionResponse(as, api, await oauth.introspectionRequest(as, api, oauth.ClientSecretBasic(ecApi.client_secret), tokens.access_token, opts));
    expect(seen).toMatchObject({ active: true, aud: EC });
  });

  it('issues through the trusted and jwt-bearer grants (genericTokenEndpointRequest)', async () => {
    const key = await clientKey('RS256');
    const partner = await topology.admin.createClient({ client_name: 'Bank', grant_types: ['trusted', JWT_BEARER_GRANT], scope: 'extern.api', jwks: { keys: [key.publicJwk] } });
    const link = await postForm(`${topology.authB}/api/v1/external-accounts`, { service_user_id: 'bank-1', phone: '87015550011' }, { Authorization: basic(partner.client_id, partner.client_secret) });
    expect(link.status).toBe(201);
    const now = Math.floor(Date.now() / 1000);
    const jwt = (claims: Record<string, unknown>) =>
      new SignJWT({ iss: partner.client_id, sub: 'bank-1', jti: randomUUID(), iat: now, exp: now + 600, ...claims }).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey);
    const client: Client = { client_id: partner.client_id };
    const auth = oauth.ClientSecretBasic(partner.client_secret);

    const trusted = await oauth.processGenericTokenEndpointResponse(as, client, await oauth.genericTokenEndpointRequest(asB, client, auth, 'trusted', { token: await jwt({}) }, opts));
    expect(trusted).toMatchObject({ token_type: 'bearer', scope: 'extern.api' });
    expect(trusted.refresh_token).toBeUndefined();
    const bearer = await oauth.processGenericTokenEndpointResponse(as, client, await oauth.genericTokenEndpointRequest(as, client, auth, JWT_BEARER_GRANT, { assertion: await jwt({ aud: topology.authA }) }, opts));
    for (const t of [trusted, bearer]) expect(await oauth.validateJwtAccessToken(as, bearerRequest(t.access_token), EXTERN, opts)).toMatchObject({ client_id: partner.client_id, scope: 'extern.api' });
  });

  it('continues the password grant with a second factor after partial_factor_token', async () => {
    // The user turns on an authenticator app in the cabinet (through the pages, on A).
    const enrolWeb = await topology.admin.createClient({ client_name: 'Cabinet', redirect_uris: [REDIRECT], scope: 'openid', first_party: true });
    await topology.admin.createUser({ login: 'timur', password: 'timur-password-1' });
    const browser = new Browserless(topology.authA);
    const page = await browser.follow(
      `/connect/authorize?${new URLSearchParams({ client_id: enrolWeb.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'state-12345', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`,
    );
    await browser.submit(page, '/login', { username: 'timur', password: 'timur-password-1' });
    const enrolPage = await browser.submit(await browser.follow('/account/two-factor'), '/account/two-factor/totp', {});
    const secret = /data-secret="([A-Z2-7]+)"/.exec(enrolPage.body)![1];
    await browser.submit(enrolPage, '/totp/confirm', { code: totpCode(secret, new Date()) });

    const legacy = await topology.admin.createClient({ client_name: 'Old integration', grant_types: ['password'], scope: 'openid profile' });
    const client: Client = { client_id: legacy.client_id };
    const auth = oauth.ClientSecretBasic(legacy.client_secret);
    const first = await oauth.genericTokenEndpointRequest(asB, client, auth, 'password', { username: 'timur', password: 'timur-password-1', scope: 'openid profile' }, opts);
    const refused = await oauth.processGenericTokenEndpointResponse(as, client, first).catch((e) => e);
    expect(refused).toMatchObject({ code: oauth.RESPONSE_BODY_ERROR, error: 'invalid_grant', status: 400 });
    const body = refused.cause as { partial_factor_token: string; required_factors: Array<{ grant_type: string }> };
    expect(body.required_factors).toEqual(expect.arrayContaining([expect.objectContaining({ grant_type: TOTP_GRANT })]));

    // The next time step's code: the one used for enrolment is spent.
    const code = totpCode(secret, new Date(Date.now() + 30_000));
    const done = await oauth.processGenericTokenEndpointResponse(as, client, await oauth.genericTokenEndpointRequest(as, client, auth, TOTP_GRANT, { partial_factor_token: body.partial_factor_token, code }, opts));
    expect(oauth.getValidatedIdTokenClaims(done)).toMatchObject({ aud: legacy.client_id, amr: expect.arrayContaining(['otp', 'mfa']) });
  });

  it('runs the device flow: authorization on B, approval in the pages of A, polling on B', async () => {
    const device = await topology.admin.createClient({ client_name: 'Desktop module', grant_types: ['urn:ietf:params:oauth:grant-type:device_code'], token_endpoint_auth_method: 'none', scope: 'openid profile', device_poll_interval: 1, first_party: true });
    const client: Client = { client_id: device.client_id, token_endpoint_auth_method: 'none' };
    const started = await oauth.processDeviceAuthorizationResponse(asB, client, await oauth.deviceAuthorizationRequest(asB, client, oauth.None(), { scope: 'openid profile' }, opts));
    expect(started.verification_uri).toBe(`${topology.authA}/device`);

    const pending = await oauth.deviceCodeGrantRequest(asB, client, oauth.None(), started.device_code, opts);
    await expect(oauth.processDeviceCodeResponse(asB, client, pending)).rejects.toMatchObject({ error: 'authorization_pending' });

    const browser = new Browserless(topology.authA);
    let page = await browser.follow('/device');
    page = await browser.submit(page, '/device', { user_code: started.user_code });
    if (page.body.includes('/login"')) page = await browser.submit(page, '/login', { username: 'aliya', password: 'aliya-password-1' });
    if (page.body.includes('/consent"')) await browser.submit(page, '/consent', {}, 'allow');

    await new Promise((r) => setTimeout(r, 1100));
    const tokens = await oauth.processDeviceCodeResponse(asB, client, await oauth.deviceCodeGrantRequest(asB, client, oauth.None(), started.device_code, opts));
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ aud: device.client_id, iss: topology.authA });
  });

  it('keeps validating tokens signed before a key rotation, with the keys oauth4webapi fetched during pre-publication', async () => {
    const registered = await machine('client_secret_basic');
    const client: Client = { client_id: registered.client_id };
    const auth = oauth.ClientSecretBasic(registered.client_secret);
    const issue = async (form: Record<string, string>) => (await oauth.processClientCredentialsResponse(as, client, await oauth.clientCredentialsGrantRequest(asB, client, auth, form, opts))).access_token;
    const before = { rs: await issue({ scope: 'extern.api' }), es: await issue({ scope: 'ec.api', resource: EC }) };

    const rotated = await topology.admin.call('POST', '/admin/keys/rotate');
    expect(rotated.status).toBe(201);
    // A resource server starting now (oauth4webapi keeps the JWKS per server object) fetches the
    // JWKS while the next keys are published but not yet signing.
    const resourceServer: AuthorizationServer = { ...as };
    const rs = { ...opts, [oauth.jwksCache]: {} };
    await oauth.validateJwtAccessToken(resourceServer, bearerRequest(before.rs), EXTERN, rs);
    await oauth.validateJwtAccessToken(resourceServer, bearerRequest(before.es), EC, rs);
    const jwks = (rs[oauth.jwksCache] as { jwks: { keys: Array<{ alg: string }> } }).jwks;
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'ES256', 'RS256', 'RS256']);

    await new Promise((r) => setTimeout(r, PREPUBLISH * 1000 + 1500));
    const after = { rs: await issue({ scope: 'extern.api' }), es: await issue({ scope: 'ec.api', resource: EC }) };
    expect(decodeProtectedHeader(after.rs).kid).not.toBe(decodeProtectedHeader(before.rs).kid);
    expect(decodeProtectedHeader(after.es)).toMatchObject({ alg: 'ES256' });
    expect(decodeProtectedHeader(after.es).kid).not.toBe(decodeProtectedHeader(before.es).kid);
    for (const [token, audience] of [
      [after.rs, EXTERN],
      [after.es, EC],
      [before.rs, EXTERN],
      [before.es, EC],
    ]) {
      await expect(oauth.validateJwtAccessToken(resourceServer, bearerRequest(token), audience, rs)).resolves.toMatchObject({ aud: audience });
    }
    // And by a resource server that fetches the JWKS only after the rotation.
    const late: AuthorizationServer = { ...as };
    for (const token of [before.rs, after.rs]) await expect(oauth.validateJwtAccessToken(late, bearerRequest(token), EXTERN, opts)).resolves.toMatchObject({ aud: EXTERN });
    await expect(oauth.validateJwtAccessToken(late, bearerRequest(before.es), EC, opts)).resolves.toMatchObject({ aud: EC });
  });
});
