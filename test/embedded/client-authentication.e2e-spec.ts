import { Issuer } from 'openid-client';
import { basic, postForm } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { JWT_BEARER, assertion, clientKey, startJwksServer } from '@idp/testing';

describe('client authentication with signed assertions (RFC 7523): client_secret_jwt and private_key_jwt', () => {
  let platform: EmbeddedPlatform;
  let token: string;
  let jwksServer: Awaited<ReturnType<typeof startJwksServer>>;
  let rsa: Awaited<ReturnType<typeof clientKey>>;
  let hmacClient: { client_id: string; client_secret: string };
  let keyClient: { client_id: string };
  const cc = { grant_type: 'client_credentials', scope: 'extern.api' };

  const withAssertion = (jwt: string, extra: Record<string, string> = {}) => ({ ...cc, client_assertion_type: JWT_BEARER, client_assertion: jwt, ...extra });

  beforeAll(async () => {
    [platform, jwksServer, rsa] = await Promise.all([startEmbeddedPlatform(), startJwksServer(), clientKey('RS256')]);
    token = `${platform.base}/connect/token`;
    await platform.admin.createResource({ name: 'Extern API', audience: 'https://api.example/extern', scopes: ['extern.api'] });
    const m2m = { grant_types: ['client_credentials'], scope: 'extern.api' };
    hmacClient = await platform.admin.createClient({ client_name: 'HMAC', token_endpoint_auth_method: 'client_secret_jwt', ...m2m });
    keyClient = await platform.admin.createClient({ client_name: 'Keys', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [rsa.publicJwk] }, ...m2m });
  });

  afterAll(async () => {
    await jwksServer.close();
    await platform.close();
  });

  it('advertises the assertion methods and their algorithms in discovery', async () => {
    const meta = await (await fetch(`${platform.base}/.well-known/openid-configuration`)).json();
    expect(meta.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none']);
    expect(meta.token_endpoint_auth_signing_alg_values_supported).toEqual(['HS256', 'RS256', 'PS256', 'ES256']);
  });

  it('shows a client_secret_jwt client its secret once and keeps no key material in its metadata', async () => {
    expect(hmacClient.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await platform.admin.call('GET', `/admin/clients/${hmacClient.client_id}`);
    expect(stored.json).not.toHaveProperty('client_secret');
    expect(stored.json.token_endpoint_auth_method).toBe('client_secret_jwt');
  });

  it('authenticates client_secret_jwt and private_key_jwt clients driven by openid-client', async () => {
    const issuer = await Issuer.discover(platform.base);
    const hmac = new issuer.Client({ client_id: hmacClient.client_id, client_secret: hmacClient.client_secret, token_endpoint_auth_method: 'client_secret_jwt' });
    const hmacTokens = await hmac.grant({ ...cc });
    expect(hmacTokens).toMatchObject({ token_type: 'Bearer', scope: 'extern.api', expires_in: 3600 });
    const keyed = new issuer.Client({ client_id: keyClient.client_id, token_endpoint_auth_method: 'private_key_jwt' }, JSON.parse(JSON.stringify({ keys: [rsa.privateJwk] })));
    expect(await keyed.grant({ ...cc })).toMatchObject({ token_type: 'Bearer', scope: 'extern.api' });
  });

  it('accepts the token endpoint URL as the audience, alone or in a list', async () => {
    const single = await postForm(token, withAssertion(await assertion(keyClient.client_id, rsa, token)));
    expect(single.status).toBe(200);
    const list = await postForm(token, withAssertion(await assertion(hmacClient.client_id, { secret: hmacClient.client_secret }, ['https://elsewhere.example', token]), { client_id: hmacClient.client_id }));
    expect(list.status).toBe(200);
  });

  it('refuses a replayed assertion (jti used once)', async () => {
    const jwt = await assertion(keyClient.client_id, rsa, platform.base);
    expect((await postForm(token, withAssertion(jwt))).status).toBe(200);
    const replay = await postForm(token, withAssertion(jwt));
    expect(replay.status).toBe(401);
    expect(replay.json).toEqual({ error: 'invalid_client', error_description: 'the client assertion was already used' });
  });

  it.each([
    ['a wrong audience', { aud: 'https://other.example/connect/token' }, 'the client assertion audience is not this server'],
    ['an expired assertion', { iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 120 }, 'the client assertion has expired'],
    ['an assertion valid for an hour', { exp: Math.floor(Date.now() / 1000) + 3600 }, 'the client assertion must expire within 300 seconds'],
    ['an assertion without exp', { exp: undefined }, 'the client assertion has no exp'],
    ['an assertion without jti', { jti: undefined }, 'the client assertion has no jti'],
    ['an iss other than the client', { iss: 'someone-else' }, 'the client assertion iss and sub must both be the client_id'],
  ])('refuses %s with invalid_client', async (_what, claims, description) => {
    for (const [clientId, key] of [[keyClient.client_id, rsa], [hmacClient.client_id, { secret: hmacClient.client_secret }]] as const) {
      const res = await postForm(token, withAssertion(await assertion(clientId, key, platform.base, claims)));
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: 'invalid_client', error_description: description });
    }
  });

  it('refuses a wrong secret, an unregistered key, the wrong method and a foreign algorithm', async () => {
    const wrongSecret = await postForm(token, withAssertion(await assertion(hmacClient.client_id, { secret: 'not-the-secret-at-all-but-long-enough-0123' }, platform.base)));
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.json).toEqual({ error: 'invalid_client', error_description: 'the client assertion signature is invalid' });

    const stranger = await clientKey('RS256');
    const unknownKey = await postForm(token, withAssertion(await assertion(keyClient.client_id, stranger, platform.base)));
    expect(unknownKey.json).toEqual({ error: 'invalid_client', error_description: 'no registered key of this client matches the client assertion' });

    const hmacForKeyClient = await postForm(token, withAssertion(await assertion(keyClient.client_id, { secret: 'whatever-secret-value-long-enough-012345678' }, platform.base)));
    expect(hmacForKeyClient.json).toEqual({ error: 'invalid_client', error_description: 'this client authenticates with private_key_jwt' });

    const basicClient = await platform.admin.createClient({ client_name: 'Basic', grant_types: ['client_credentials'], scope: 'extern.api' });
    const assertionForBasic = await postForm(token, withAssertion(await assertion(basicClient.client_id, rsa, platform.base)));
    expect(assertionForBasic.json).toEqual({ error: 'invalid_client', error_description: 'this client authenticates with client_secret_basic' });
    const basicForHmac = await postForm(token, cc, { Authorization: basic(hmacClient.client_id, hmacClient.client_secret) });
    expect(basicForHmac.status).toBe(401);
    expect(basicForHmac.json).toEqual({ error: 'invalid_client', error_description: 'this client authenticates with client_secret_jwt' });

    const badType = await postForm(token, withAssertion(await assertion(keyClient.client_id, rsa, platform.base), { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' }));
    expect(badType.json).toEqual({ error: 'invalid_client', error_description: `client_assertion_type must be ${JWT_BEARER}` });
  });

  it('accepts RS256, PS256 and ES256 keys from a jwks_uri, fetched once and fetched again for an unknown kid', async () => {
    const [ps, es] = await Promise.all([clientKey('PS256'), clientKey('ES256')]);
    jwksServer.keys = [ps.publicJwk];
    const remote = await platform.admin.createClient({ client_name: 'Remote keys', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: jwksServer.uri, grant_types: ['client_credentials'], scope: 'extern.api' });
    expect((await postForm(token, withAssertion(await assertion(remote.client_id, ps, token)))).status).toBe(200);
    expect((await postForm(token, withAssertion(await assertion(remote.client_id, ps, token)))).status).toBe(200);
    expect(jwksServer.fetches).toBe(1);

    // The client rotates to a new key; the next assertion names a kid we have not seen.
    jwksServer.keys = [es.publicJwk, rsa.publicJwk];
    await new Promise((r) => setTimeout(r, 5100)); // the refetch cooldown
    expect((await postForm(token, withAssertion(await assertion(remote.client_id, es, token)))).status).toBe(200);
    expect(jwksServer.fetches).toBe(2);
    expect((await postForm(token, withAssertion(await assertion(remote.client_id, rsa, token)))).status).toBe(200);
    expect(jwksServer.fetches).toBe(2);
    const retired = await postForm(token, withAssertion(await assertion(remote.client_id, ps, token)));
    expect(retired.json).toEqual({ error: 'invalid_client', error_description: 'no registered key of this client matches the client assertion' });
  });

  it('gives a client that moves to client_secret_jwt a new secret, since only a hash of the old one is kept', async () => {
    const moving = await platform.admin.createClient({ client_name: 'Moving', grant_types: ['client_credentials'], scope: 'extern.api' });
    const patched = await platform.admin.call('PATCH', `/admin/clients/${moving.client_id}`, { token_endpoint_auth_method: 'client_secret_jwt' });
    expect(patched.status).toBe(200);
    expect(patched.json.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(patched.json.client_secret).not.toBe(moving.client_secret);
    const ok = await postForm(token, withAssertion(await assertion(moving.client_id, { secret: patched.json.client_secret }, token)));
    expect(ok.status).toBe(200);
    const old = await postForm(token, withAssertion(await assertion(moving.client_id, { secret: moving.client_secret }, token)));
    expect(old.json).toEqual({ error: 'invalid_client', error_description: 'the client assertion signature is invalid' });
  });
});
