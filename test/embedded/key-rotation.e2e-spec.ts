import { BaseClient, Issuer, TokenSet, generators } from 'openid-client';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { Browserless, basic, postForm } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';

const REDIRECT = 'https://rp.example/cb';
const PREPUBLISH = 3;

describe('signing key rotation', () => {
  let platform: EmbeddedPlatform;
  let app: { client_id: string; client_secret: string };

  const jwks = async () => (await fetch(`${platform.base}/.well-known/openid-configuration/jwks`)).json();
  const kidOf = (jwt: string) => decodeProtectedHeader(jwt).kid;
  const machineToken = async () => {
    const res = await postForm(`${platform.base}/connect/token`, { grant_type: 'client_credentials', scope: 'extern.api' }, { Authorization: basic(app.client_id, app.client_secret) });
    expect(res.status).toBe(200);
    return res.json.access_token as string;
  };
  const newRelyingParty = async () => new (await Issuer.discover(platform.base)).Client({ client_id: app.client_id, client_secret: app.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
  const userTokens = async (rp: BaseClient): Promise<TokenSet> => {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = rp.authorizationUrl({ scope: 'openid profile', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    const out = await signInThroughPages(new Browserless(platform.base), url, { login: 'arman', password: 'arman-password-1' });
    return rp.callback(REDIRECT, rp.callbackParams(out.location!), checks);
  };

  beforeAll(async () => {
    // A short pre-publication and reload time, so the test sees the whole life of a key.
    platform = await startEmbeddedPlatform({ KEY_PREPUBLISH_SECONDS: String(PREPUBLISH), KEY_RELOAD_SECONDS: '1' });
    await platform.admin.createResource({ name: 'Extern API', audience: 'https://api.example/extern', scopes: ['extern.api'] });
    app = await platform.admin.createClient({ client_name: 'Rotating', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'client_credentials'], scope: 'openid profile extern.api' });
    await platform.admin.createUser({ login: 'arman', password: 'arman-password-1', given_name: 'Arman' });
  });

  afterAll(() => platform.close());

  it('lists the keys for an administrator only', async () => {
    expect((await fetch(`${platform.base}/admin/keys`)).status).toBe(401);
    expect((await fetch(`${platform.base}/admin/keys/rotate`, { method: 'POST' })).status).toBe(401);
    const res = await platform.admin.call('GET', '/admin/keys');
    expect(res.status).toBe(200);
    expect(res.json).toHaveLength(1);
    expect(res.json[0]).toEqual({ kid: (await jwks()).keys[0].kid, alg: 'RS256', status: 'current', created_at: expect.any(String), activated_at: expect.any(String), retired_at: null, unpublished_at: null });
  });

  it('publishes the next key before it signs, switches at activation, and keeps accepting tokens signed before', async () => {
    const early = await newRelyingParty();
    const before = await userTokens(early);
    const oldKid = kidOf(before.access_token!);
    expect(kidOf(before.id_token!)).toBe(oldKid);

    const rotated = await platform.admin.call('POST', '/admin/keys/rotate');
    expect(rotated.status).toBe(201);
    const next = rotated.json;
    expect(next).toMatchObject({ alg: 'RS256', status: 'next', retired_at: null, unpublished_at: null });
    expect(new Date(next.activated_at).getTime() - Date.now()).toBeGreaterThan((PREPUBLISH - 1) * 1000);
    const again = await platform.admin.call('POST', '/admin/keys/rotate');
    expect(again.status).toBe(409);
    expect(again.json).toEqual({ error: 'conflict', error_description: `key ${next.kid} is already waiting to sign from ${next.activated_at}`, next });

    // Published at once, but not yet signing.
    expect((await jwks()).keys.map((k: { kid: string }) => k.kid)).toEqual([next.kid, oldKid]);
    expect(kidOf(await machineToken())).toBe(oldKid);
    const listed = (await platform.admin.call('GET', '/admin/keys')).json;
    expect(listed.map((k: { kid: string; status: string }) => [k.kid, k.status])).toEqual([[next.kid, 'next'], [oldKid, 'current']]);
    expect(listed[1].retired_at).toBe(next.activated_at);
    // A relying party that fetches the JWKS during the pre-publication window (openid-client fetches
    // it at most once a minute) already holds the key that signs next.
    const timely = await newRelyingParty();
    expect(kidOf((await userTokens(timely)).id_token!)).toBe(oldKid);

    await new Promise((r) => setTimeout(r, new Date(next.activated_at).getTime() - Date.now() + 200));

    const fresh = await machineToken();
    expect(kidOf(fresh)).toBe(next.kid);
    const keySet = createLocalJWKSet(await jwks());
    await expect(jwtVerify(fresh, keySet, { issuer: platform.base })).resolves.toBeDefined();
    // Tokens signed by the retired key still hold everywhere until they expire.
    await expect(jwtVerify(before.id_token!, keySet, { issuer: platform.base, audience: app.client_id })).resolves.toBeDefined();
    expect(await early.userinfo(before)).toMatchObject({ given_name: 'Arman' });
    const introspection = await postForm(`${platform.base}/connect/introspect`, { token: before.access_token! }, { Authorization: basic(app.client_id, app.client_secret) });
    expect(introspection.json).toMatchObject({ active: true, client_id: app.client_id });

    // It meets the new kid in an ID token and validates it from the JWKS it already has.
    const after = await userTokens(timely);
    expect(kidOf(after.id_token!)).toBe(next.kid);
    expect(after.claims().aud).toBe(app.client_id);

    const states = (await platform.admin.call('GET', '/admin/keys')).json;
    expect(states.map((k: { kid: string; status: string }) => [k.kid, k.status])).toEqual([[next.kid, 'current'], [oldKid, 'retiring']]);
    // Retired after the longest token lifetime (ACCESS_TOKEN_TTL 3600 here) plus one reload.
    expect(new Date(states[1].unpublished_at).getTime() - new Date(states[1].retired_at).getTime()).toBe((3600 + 1) * 1000);
  });
});
