import { decodeJwt, decodeProtectedHeader } from 'jose';
import { basic, postForm } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

describe('token endpoint errors and client_credentials, asserted exactly', () => {
  let platform: EmbeddedPlatform;
  let m2m: { client_id: string; client_secret: string };
  let post: { client_id: string; client_secret: string };
  let token: string;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    token = `${platform.base}/connect/token`;
    await platform.admin.createResource({ name: 'Extern API', audience: 'https://api.example/extern', scopes: ['extern.api', 'extern.read'] });
    await platform.admin.createResource({ name: 'Billing', audience: 'https://billing.example', scopes: ['billing'] });
    m2m = await platform.admin.createClient({ client_name: 'Backend', grant_types: ['client_credentials'], scope: 'extern.api extern.read billing' });
    post = await platform.admin.createClient({ client_name: 'Post', grant_types: ['client_credentials'], scope: 'extern.api', token_endpoint_auth_method: 'client_secret_post' });
  });

  afterAll(() => platform.close());

  it('issues an RFC 9068 access token for API scopes', async () => {
    const res = await postForm(token, { grant_type: 'client_credentials', scope: 'extern.api billing' }, { Authorization: basic(m2m.client_id, m2m.client_secret) });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(res.json).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
    expect(res.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'extern.api billing' });
    expect(decodeProtectedHeader(res.json.access_token)).toMatchObject({ typ: 'at+jwt', alg: 'RS256' });
    const claims = decodeJwt(res.json.access_token);
    expect(claims).toMatchObject({ iss: platform.base, sub: m2m.client_id, client_id: m2m.client_id, scope: 'extern.api billing' });
    expect(claims.aud).toEqual(['https://api.example/extern', 'https://billing.example']);
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(typeof claims.jti).toBe('string');
  });

  it('authenticates client_secret_post clients from the body and refuses them over Basic', async () => {
    const ok = await postForm(token, { grant_type: 'client_credentials', scope: 'extern.api', client_id: post.client_id, client_secret: post.client_secret });
    expect(ok.status).toBe(200);
    const wrongMethod = await postForm(token, { grant_type: 'client_credentials', scope: 'extern.api' }, { Authorization: basic(post.client_id, post.client_secret) });
    expect(wrongMethod.status).toBe(401);
    expect(wrongMethod.json).toEqual({ error: 'invalid_client', error_description: 'this client authenticates with client_secret_post' });
  });

  it.each([
    [{ grant_type: 'client_credentials', scope: 'openid extern.api' }, 400, { error: 'invalid_scope', error_description: 'user scopes are not available without a user: openid' }],
    [{ grant_type: 'client_credentials', scope: 'profile email' }, 400, { error: 'invalid_scope', error_description: 'user scopes are not available without a user: profile email' }],
    [{ grant_type: 'client_credentials' }, 400, { error: 'invalid_request', error_description: 'missing parameter: scope' }],
    [{ grant_type: 'client_credentials', scope: 'unknown.api' }, 400, { error: 'invalid_scope', error_description: 'scope not allowed for this client: unknown.api' }],
    [{ grant_type: 'urn:example:unknown' }, 400, { error: 'unsupported_grant_type', error_description: 'grant_type urn:example:unknown is not supported' }],
    [{ grant_type: 'password', username: 'a', password: 'b' }, 400, { error: 'unauthorized_client', error_description: 'this client may not use the password grant' }],
    [{ grant_type: 'authorization_code', code: 'x', redirect_uri: 'https://x' }, 400, { error: 'unauthorized_client', error_description: 'this client may not use the authorization_code grant' }],
    [{ scope: 'extern.api' }, 400, { error: 'invalid_request', error_description: 'grant_type is required' }],
  ])('answers %j with %i %j', async (form, status, body) => {
    const res = await postForm(token, form as Record<string, string>, { Authorization: basic(m2m.client_id, m2m.client_secret) });
    expect(res.status).toBe(status);
    expect(res.json).toEqual(body);
  });

  it('answers a failed Basic authentication with 401 and a challenge', async () => {
    const res = await postForm(token, { grant_type: 'client_credentials', scope: 'extern.api' }, { Authorization: basic(m2m.client_id, 'wrong') });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="token", charset="UTF-8"');
    expect(res.json).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
    const unknown = await postForm(token, { grant_type: 'client_credentials', scope: 'x' }, { Authorization: basic('nobody', 'nothing') });
    expect(unknown.json).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
  });

  it('refuses credentials over 300 characters, two auth methods at once, and repeated parameters', async () => {
    const long = await postForm(token, { grant_type: 'client_credentials', scope: 'x', client_id: 'a'.repeat(301), client_secret: 's' });
    expect(long.json).toEqual({ error: 'invalid_client', error_description: 'client_id and client_secret are at most 300 characters' });
    const both = await postForm(token, { grant_type: 'client_credentials', scope: 'extern.api', client_secret: m2m.client_secret }, { Authorization: basic(m2m.client_id, m2m.client_secret) });
    expect(both.json).toEqual({ error: 'invalid_request', error_description: 'client authentication must use only one method' });
    const repeated = await fetch(token, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basic(m2m.client_id, m2m.client_secret) },
      body: 'grant_type=client_credentials&scope=extern.api&scope=billing',
    });
    expect(repeated.status).toBe(400);
    expect(await repeated.json()).toEqual({ error: 'invalid_request', error_description: 'parameter scope is included more than once' });
  });

  it('answers invalid_client when no authentication is included', async () => {
    const res = await postForm(token, { grant_type: 'client_credentials', scope: 'extern.api' });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: 'invalid_client', error_description: 'no client authentication was included' });
  });

  it('does not accept an access token from client_credentials at UserInfo', async () => {
    const res = await postForm(token, { grant_type: 'client_credentials', scope: 'extern.api' }, { Authorization: basic(m2m.client_id, m2m.client_secret) });
    const info = await fetch(`${platform.base}/connect/userinfo`, { headers: { Authorization: `Bearer ${res.json.access_token}` } });
    expect(info.status).toBe(401);
    expect(await info.json()).toEqual({ error: 'invalid_token', error_description: 'the access token does not allow UserInfo (no openid scope)' });
    const none = await fetch(`${platform.base}/connect/userinfo`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="userinfo"');
  });
});
