import { BaseClient, Issuer, TokenSet, generators } from 'openid-client';
import { decodeJwt } from 'jose';
import { Browserless, JWT_BEARER, assertion, basic, clientKey, postForm } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';

const REDIRECT = 'https://rp.example/cb';
const API = 'https://api.example/extern';

describe('introspection (RFC 7662) and revocation (RFC 7009)', () => {
  let platform: EmbeddedPlatform;
  let introspect: string;
  let revocation: string;
  let app: { client_id: string; client_secret: string };
  let other: { client_id: string; client_secret: string };
  let api: { client_id: string; client_secret: string };
  let billing: { client_id: string; client_secret: string };
  let rp: BaseClient;

  const asApp = () => ({ Authorization: basic(app.client_id, app.client_secret) });
  const userinfo = (at: string) => fetch(`${platform.base}/connect/userinfo`, { headers: { Authorization: `Bearer ${at}` } });

  /** A user's sign-in through the pages: a fresh grant with an access token and a refresh token. */
  async function userTokens(): Promise<TokenSet> {
    const verifier = generators.codeVerifier();
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: verifier };
    const url = rp.authorizationUrl({ scope: 'openid profile offline_access extern.api', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256' });
    const out = await signInThroughPages(new Browserless(platform.base), url, { login: 'gulnara', password: 'gulnara-password-1' });
    return rp.callback(REDIRECT, rp.callbackParams(out.location!), checks);
  }

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    introspect = `${platform.base}/connect/introspect`;
    revocation = `${platform.base}/connect/revocation`;
    api = await platform.admin.createResource({ name: 'Extern API', audience: API, scopes: ['extern.api'] });
    billing = await platform.admin.createResource({ name: 'Billing', audience: 'https://billing.example', scopes: ['billing'] });
    app = await platform.admin.createClient({
      client_name: 'Accounting',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      scope: 'openid profile offline_access extern.api billing',
    });
    other = await platform.admin.createClient({ client_name: 'Unrelated', grant_types: ['client_credentials'], scope: 'extern.api' });
    await platform.admin.createUser({ login: 'gulnara', password: 'gulnara-password-1', given_name: 'Gulnara' });
    const issuer = await Issuer.discover(platform.base);
    rp = new issuer.Client({ client_id: app.client_id, client_secret: app.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
  });

  afterAll(() => platform.close());

  it('advertises both endpoints and how clients authenticate there', async () => {
    const meta = await (await fetch(`${platform.base}/.well-known/openid-configuration`)).json();
    const methods = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];
    const algs = ['HS256', 'RS256', 'PS256', 'ES256'];
    expect(meta).toMatchObject({
      introspection_endpoint: introspect,
      revocation_endpoint: revocation,
      introspection_endpoint_auth_methods_supported: methods,
      revocation_endpoint_auth_methods_supported: methods,
      introspection_endpoint_auth_signing_alg_values_supported: algs,
      revocation_endpoint_auth_signing_alg_values_supported: algs,
    });
  });

  it('gives an API resource its own credentials once and lists it without the secret', async () => {
    expect(api.client_id).toMatch(/^resource-[0-9a-f-]{36}$/);
    expect(api.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const list = await platform.admin.call('GET', '/admin/resources');
    const listed = list.json.find((r: { audience: string }) => r.audience === API);
    expect(Object.keys(listed).sort()).toEqual(['access_token_signing_alg', 'audience', 'client_id', 'created_at', 'id', 'name', 'scopes']);
    expect(listed.client_id).toBe(api.client_id);
    const clash = await platform.admin.call('POST', '/admin/clients', { client_id: api.client_id, client_name: 'Squatter', grant_types: ['client_credentials'] });
    expect(clash.status).toBe(409);
  });

  it('describes an access token and a refresh token to the client they were issued to', async () => {
    const tokens = await userTokens();
    const at = decodeJwt(tokens.access_token!);
    const res = await postForm(introspect, { token: tokens.access_token!, token_type_hint: 'access_token' }, asApp());
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.json).toEqual({
      active: true,
      iss: platform.base,
      client_id: app.client_id,
      sub: at.sub,
      aud: [platform.base, API],
      scope: 'openid profile offline_access extern.api',
      iat: at.iat,
      exp: at.exp,
      jti: at.jti,
      token_type: 'Bearer',
    });

    const rt = await postForm(introspect, { token: tokens.refresh_token!, token_type_hint: 'refresh_token' }, asApp());
    expect(rt.status).toBe(200);
    expect(Object.keys(rt.json).sort()).toEqual(['active', 'client_id', 'exp', 'iat', 'iss', 'scope', 'sub']);
    expect(rt.json).toMatchObject({ active: true, iss: platform.base, client_id: app.client_id, sub: at.sub, scope: 'openid profile offline_access extern.api' });
    expect(rt.json.exp - rt.json.iat).toBe(2592000);

    // openid-client's own introspection call agrees.
    expect(await rp.introspect(tokens.access_token!, 'access_token')).toMatchObject({ active: true, sub: at.sub });
  });

  it('describes a token to the API it is meant for, authenticated with the resource credentials', async () => {
    const tokens = await userTokens();
    const at = decodeJwt(tokens.access_token!);
    const byBasic = await postForm(introspect, { token: tokens.access_token! }, { Authorization: basic(api.client_id, api.client_secret) });
    expect(byBasic.status).toBe(200);
    expect(byBasic.json).toEqual({
      active: true, iss: platform.base, client_id: app.client_id, sub: at.sub, aud: [platform.base, API], scope: 'openid profile offline_access extern.api', iat: at.iat, exp: at.exp, jti: at.jti, token_type: 'Bearer',
    });
    const byPost = await postForm(introspect, { token: tokens.access_token!, client_id: api.client_id, client_secret: api.client_secret });
    expect(byPost.json.active).toBe(true);

    // Another API, and refresh tokens (meant for us, not for an API), are none of its business.
    const otherApi = await postForm(introspect, { token: tokens.access_token! }, { Authorization: basic(billing.client_id, billing.client_secret) });
    expect(otherApi.json).toEqual({ active: false });
    const refresh = await postForm(introspect, { token: tokens.refresh_token! }, { Authorization: basic(api.client_id, api.client_secret) });
    expect(refresh.json).toEqual({ active: false });

    const wrongSecret = await postForm(introspect, { token: tokens.access_token! }, { Authorization: basic(api.client_id, 'wrong') });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.headers.get('www-authenticate')).toBe('Basic realm="token", charset="UTF-8"');
    expect(wrongSecret.json).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
  });

  it('answers {"active": false} to an unrelated client, and for unknown or malformed tokens', async () => {
    const tokens = await userTokens();
    const asOther = { Authorization: basic(other.client_id, other.client_secret) };
    for (const token of [tokens.access_token!, tokens.refresh_token!, 'f'.repeat(64), 'a.b.c', 'x']) {
      const res = await postForm(introspect, { token }, asOther);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ active: false });
    }
    const unknownForApp = await postForm(introspect, { token: 'f'.repeat(64) }, asApp());
    expect(unknownForApp.json).toEqual({ active: false });
  });

  it('refuses introspection without client authentication or without a token', async () => {
    const anonymous = await postForm(introspect, { token: 'x' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toEqual({ error: 'invalid_client', error_description: 'no client authentication was included' });
    const noToken = await postForm(introspect, {}, asApp());
    expect(noToken.status).toBe(400);
    expect(noToken.json).toEqual({ error: 'invalid_request', error_description: 'missing parameter: token' });
  });

  it('revokes a refresh token with its grant: introspection says inactive and UserInfo 401', async () => {
    const tokens = await userTokens();
    expect((await userinfo(tokens.access_token!)).status).toBe(200);
    const res = await fetch(revocation, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...asApp() },
      body: new URLSearchParams({ token: tokens.refresh_token!, token_type_hint: 'refresh_token' }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');

    expect((await postForm(introspect, { token: tokens.refresh_token! }, asApp())).json).toEqual({ active: false });
    expect((await postForm(introspect, { token: tokens.access_token! }, asApp())).json).toEqual({ active: false });
    const info = await userinfo(tokens.access_token!);
    expect(info.status).toBe(401);
    expect(await info.json()).toEqual({ error: 'invalid_token', error_description: 'the access token was revoked' });
    await expect(rp.refresh(tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('revokes an access token alone: inactive and UserInfo 401, while the refresh token still works', async () => {
    const tokens = await userTokens();
    await rp.revoke(tokens.access_token!, 'access_token');
    expect((await postForm(introspect, { token: tokens.access_token! }, asApp())).json).toEqual({ active: false });
    expect((await postForm(introspect, { token: tokens.access_token! }, { Authorization: basic(api.client_id, api.client_secret) })).json).toEqual({ active: false });
    const info = await userinfo(tokens.access_token!);
    expect(info.status).toBe(401);
    expect(await info.json()).toEqual({ error: 'invalid_token', error_description: 'the access token was revoked' });

    expect((await postForm(introspect, { token: tokens.refresh_token! }, asApp())).json.active).toBe(true);
    const refreshed = await rp.refresh(tokens.refresh_token!);
    expect((await userinfo(refreshed.access_token!)).status).toBe(200);
  });

  it('revokes a client_credentials access token, and answers 200 again for it and for unknown tokens', async () => {
    const cc = await postForm(`${platform.base}/connect/token`, { grant_type: 'client_credentials', scope: 'extern.api' }, asApp());
    const token = cc.json.access_token;
    expect((await postForm(introspect, { token }, { Authorization: basic(api.client_id, api.client_secret) })).json.active).toBe(true);
    const first = await postForm(revocation, { token }, asApp());
    expect(first.status).toBe(200);
    expect((await postForm(introspect, { token }, { Authorization: basic(api.client_id, api.client_secret) })).json).toEqual({ active: false });
    expect((await postForm(revocation, { token }, asApp())).status).toBe(200);
    const unknown = await postForm(revocation, { token: 'not-a-token-we-issued', token_type_hint: 'refresh_token' }, asApp());
    expect(unknown.status).toBe(200);
    expect(unknown.json).toBe('');
  });

  it('refuses to revoke another client\'s token, an ID token, or nothing, and needs client authentication', async () => {
    const tokens = await userTokens();
    const foreign = await postForm(revocation, { token: tokens.refresh_token! }, { Authorization: basic(other.client_id, other.client_secret) });
    expect(foreign.status).toBe(400);
    expect(foreign.json).toEqual({ error: 'invalid_request', error_description: 'the token was not issued to this client' });
    expect((await postForm(introspect, { token: tokens.refresh_token! }, asApp())).json.active).toBe(true);

    const idToken = await postForm(revocation, { token: tokens.id_token! }, asApp());
    expect(idToken.status).toBe(400);
    expect(idToken.json).toEqual({ error: 'unsupported_token_type', error_description: 'only access tokens and refresh tokens can be revoked' });

    const noToken = await postForm(revocation, {}, asApp());
    expect(noToken.json).toEqual({ error: 'invalid_request', error_description: 'missing parameter: token' });
    const anonymous = await postForm(revocation, { token: tokens.refresh_token! });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toEqual({ error: 'invalid_client', error_description: 'no client authentication was included' });
    // A resource's credentials are for introspection only.
    const byResource = await postForm(revocation, { token: tokens.access_token! }, { Authorization: basic(api.client_id, api.client_secret) });
    expect(byResource.status).toBe(401);
    expect(byResource.json).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
  });

  it('authenticates each endpoint by its own registered method', async () => {
    const key = await clientKey('ES256');
    const mixed = await platform.admin.createClient({
      client_name: 'Mixed', grant_types: ['client_credentials'], scope: 'extern.api',
      introspection_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] },
    });
    const cc = await postForm(`${platform.base}/connect/token`, { grant_type: 'client_credentials', scope: 'extern.api' }, { Authorization: basic(mixed.client_id, mixed.client_secret) });
    const token = cc.json.access_token;

    const byBasic = await postForm(introspect, { token }, { Authorization: basic(mixed.client_id, mixed.client_secret) });
    expect(byBasic.status).toBe(401);
    expect(byBasic.json).toEqual({ error: 'invalid_client', error_description: 'this client authenticates with private_key_jwt' });
    const byKey = await postForm(introspect, { token, client_assertion_type: JWT_BEARER, client_assertion: await assertion(mixed.client_id, key, introspect) });
    expect(byKey.json).toMatchObject({ active: true, client_id: mixed.client_id, token_type: 'Bearer' });
    // Revocation was not set, so it follows the token endpoint: client_secret_basic.
    const revoked = await postForm(revocation, { token }, { Authorization: basic(mixed.client_id, mixed.client_secret) });
    expect(revoked.status).toBe(200);
  });

  it('lets a public client revoke and introspect its own tokens with its client_id alone', async () => {
    const spa = await platform.admin.createClient({ client_name: 'SPA', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none', scope: 'openid offline_access' });
    const issuer = await Issuer.discover(platform.base);
    const publicRp = new issuer.Client({ client_id: spa.client_id, redirect_uris: [REDIRECT], response_types: ['code'], token_endpoint_auth_method: 'none' });
    const verifier = generators.codeVerifier();
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: verifier };
    const url = publicRp.authorizationUrl({ scope: 'openid offline_access', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256' });
    const out = await signInThroughPages(new Browserless(platform.base), url, { login: 'gulnara', password: 'gulnara-password-1' });
    const tokens = await publicRp.callback(REDIRECT, publicRp.callbackParams(out.location!), checks);

    expect((await postForm(introspect, { token: tokens.refresh_token!, client_id: spa.client_id })).json).toMatchObject({ active: true, client_id: spa.client_id });
    expect((await postForm(revocation, { token: tokens.refresh_token!, client_id: spa.client_id })).status).toBe(200);
    expect((await postForm(introspect, { token: tokens.refresh_token!, client_id: spa.client_id })).json).toEqual({ active: false });
    expect((await postForm(introspect, { token: tokens.access_token!, client_id: spa.client_id })).json).toEqual({ active: false });
  });
});
