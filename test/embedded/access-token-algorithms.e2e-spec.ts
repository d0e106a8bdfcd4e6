import { Issuer, generators } from 'openid-client';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { Browserless, basic, postForm } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';

const REDIRECT = 'https://rp.example/cb';
const PLAIN = 'https://api.example/plain';
const EC = 'https://api.example/ec';
const ED = 'https://api.example/ed';
const PREPUBLISH = 2;

describe('per-API access token signing algorithms (RS256, ES256, EdDSA)', () => {
  let platform: EmbeddedPlatform;
  let m2m: { client_id: string; client_secret: string };
  let ecApi: { client_id: string; client_secret: string; access_token_signing_alg: string };

  const jwks = async () => (await fetch(`${platform.base}/.well-known/openid-configuration/jwks`)).json();
  const machineToken = async (form: Record<string, string>) => {
    const res = await postForm(`${platform.base}/connect/token`, { grant_type: 'client_credentials', ...form }, { Authorization: basic(m2m.client_id, m2m.client_secret) });
    return res;
  };
  const verifyWithJwks = async (token: string) => jwtVerify(token, createLocalJWKSet(await jwks()), { issuer: platform.base, typ: 'at+jwt' });

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({ KEY_PREPUBLISH_SECONDS: String(PREPUBLISH), KEY_RELOAD_SECONDS: '1' });
    await platform.admin.createResource({ name: 'Plain API', audience: PLAIN, scopes: ['plain.api'] });
    ecApi = await platform.admin.createResource({ name: 'EC API', audience: EC, scopes: ['ec.api'], access_token_signing_alg: 'ES256' });
    await platform.admin.createResource({ name: 'Ed API', audience: ED, scopes: ['ed.api'], access_token_signing_alg: 'EdDSA' });
    m2m = await platform.admin.createClient({ client_name: 'Backend', grant_types: ['client_credentials'], scope: 'plain.api ec.api ed.api' });
  });

  afterAll(() => platform.close());

  it('refuses an unknown algorithm with the field named, and stores nothing', async () => {
    for (const alg of ['HS256', 'none', 'ES512', 42]) {
      const res = await platform.admin.call('POST', '/admin/resources', { name: 'Bad', audience: 'https://api.example/bad', scopes: ['bad.api'], access_token_signing_alg: alg });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: 'invalid_request', error_description: expect.any(String), fields: { access_token_signing_alg: 'must be one of RS256, ES256, EdDSA' } });
    }
    const listed = (await platform.admin.call('GET', '/admin/resources')).json;
    expect(listed.map((r: { audience: string; access_token_signing_alg: string }) => [r.audience, r.access_token_signing_alg])).toEqual([
      [PLAIN, 'RS256'],
      [EC, 'ES256'],
      [ED, 'EdDSA'],
    ]);
    expect(ecApi.access_token_signing_alg).toBe('ES256');
  });

  it('publishes one key per algorithm in use, each with kid, alg and use', async () => {
    const { keys } = await jwks();
    expect(keys.map((k: { alg: string }) => k.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    for (const k of keys) expect(k).toEqual(expect.objectContaining({ kid: expect.any(String), use: 'sig' }));
    expect(keys.find((k: { alg: string }) => k.alg === 'ES256')).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(keys.find((k: { alg: string }) => k.alg === 'EdDSA')).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    for (const k of keys) expect(k).not.toHaveProperty('d');
    // ID tokens stay RS256: discovery says so and no more.
    const discovery = await (await fetch(`${platform.base}/.well-known/openid-configuration`)).json();
    expect(discovery.id_token_signing_alg_values_supported).toEqual(['RS256']);
  });

  it.each([
    [PLAIN, 'plain.api', 'RS256'],
    [EC, 'ec.api', 'ES256'],
    [ED, 'ed.api', 'EdDSA'],
  ])('signs the tokens for %s with the API\'s algorithm, verifiable against the JWKS', async (audience, scope, alg) => {
    for (const form of [{ scope }, { scope: 'plain.api ec.api ed.api', resource: audience }] as Record<string, string>[]) {
      const res = await machineToken(form);
      expect(res.status).toBe(200);
      const token = res.json.access_token as string;
      expect(decodeProtectedHeader(token)).toMatchObject({ alg, typ: 'at+jwt' });
      const { payload, protectedHeader } = await verifyWithJwks(token);
      expect(protectedHeader.alg).toBe(alg);
      expect(payload.aud).toBe(audience);
    }
  });

  it('lets the API introspect an ES256 token, and refuses a token for APIs that want different algorithms', async () => {
    const token = (await machineToken({ scope: 'ec.api', resource: EC })).json.access_token;
    const res = await postForm(`${platform.base}/connect/introspect`, { token }, { Authorization: basic(ecApi.client_id, ecApi.client_secret) });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ active: true, aud: EC, scope: 'ec.api' });

    const mixed = await machineToken({ scope: 'ec.api plain.api' });
    expect(mixed.status).toBe(400);
    expect(mixed.json).toEqual({ error: 'invalid_target', error_description: expect.stringContaining('different algorithms') });
  });

  it('accepts an EdDSA user access token at UserInfo, while the id_token stays RS256', async () => {
    const web = await platform.admin.createClient({ client_name: 'Web', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], scope: 'openid profile ed.api', first_party: true });
    await platform.admin.createUser({ login: 'dana', password: 'dana-password-1', given_name: 'Dana' });
    const rp = new (await Issuer.discover(platform.base)).Client({ client_id: web.client_id, client_secret: web.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = rp.authorizationUrl({ scope: 'openid profile ed.api', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    const out = await signInThroughPages(new Browserless(platform.base), url, { login: 'dana', password: 'dana-password-1' });
    const tokens = await rp.callback(REDIRECT, rp.callbackParams(out.location!), checks);
    expect(decodeProtectedHeader(tokens.access_token!).alg).toBe('EdDSA');
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('RS256');
    expect(await rp.userinfo(tokens.access_token!)).toMatchObject({ given_name: 'Dana' });
  });

  it('rotates every algorithm in use with pre-publication, and tokens signed before still verify', async () => {
    const before = Object.fromEntries(
      await Promise.all([
        ['ES256', (await machineToken({ scope: 'ec.api', resource: EC })).json.access_token],
        ['EdDSA', (await machineToken({ scope: 'ed.api', resource: ED })).json.access_token],
      ]),
    ) as Record<string, string>;
    const rotated = await platform.admin.call('POST', '/admin/keys/rotate');
    expect(rotated.status).toBe(201);
    expect(rotated.json).toMatchObject({ alg: 'RS256', status: 'next' });
    const listed = (await platform.admin.call('GET', '/admin/keys')).json as Array<{ alg: string; status: string; kid: string }>;
    for (const alg of ['RS256', 'ES256', 'EdDSA']) expect(listed.filter((k) => k.alg === alg).map((k) => k.status).sort()).toEqual(['current', 'next']);
    expect((await jwks()).keys).toHaveLength(6);
    // Still the old keys until the new ones activate.
    expect(decodeProtectedHeader((await machineToken({ scope: 'ec.api', resource: EC })).json.access_token).kid).toBe(decodeProtectedHeader(before.ES256).kid);

    await new Promise((r) => setTimeout(r, PREPUBLISH * 1000 + 1200));
    for (const [alg, audience] of [
      ['ES256', EC],
      ['EdDSA', ED],
    ]) {
      const fresh = (await machineToken({ scope: 'plain.api ec.api ed.api', resource: audience })).json.access_token;
      const next = listed.find((k) => k.alg === alg && k.status === 'next')!;
      expect(decodeProtectedHeader(fresh)).toMatchObject({ alg, kid: next.kid });
      await expect(verifyWithJwks(fresh)).resolves.toBeDefined();
      // Signed before the rotation: still published, still verifies, still active.
      await expect(verifyWithJwks(before[alg])).resolves.toBeDefined();
    }
    const res = await postForm(`${platform.base}/connect/introspect`, { token: before.ES256 }, { Authorization: basic(ecApi.client_id, ecApi.client_secret) });
    expect(res.json.active).toBe(true);
    const statuses = (await platform.admin.call('GET', '/admin/keys')).json as Array<{ alg: string; status: string }>;
    for (const alg of ['RS256', 'ES256', 'EdDSA']) expect(statuses.filter((k) => k.alg === alg).map((k) => k.status).sort()).toEqual(['current', 'retiring']);
  });
});
