import { BaseClient, Issuer, generators } from 'openid-client';
import { Browserless, basic, postForm } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';

const REDIRECT = 'https://rp.example/cb';

describe('dynamic client registration (RFC 7591) and client configuration (RFC 7592)', () => {
  let platform: EmbeddedPlatform;
  let endpoint: string;
  let initial: string;

  const register = async (body: unknown, token: string | null = initial) => {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: await res.json(), headers: res.headers };
  };
  const manage = async (method: string, uri: string, token: string, body?: unknown) => {
    const res = await fetch(uri, { method, headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  const newInitialToken = async (body: Record<string, unknown> = {}) => {
    const res = await platform.admin.call('POST', '/admin/initial-access-tokens', body);
    expect(res.status).toBe(201);
    return res.json;
  };

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    endpoint = `${platform.base}/connect/register`;
    initial = (await newInitialToken({ description: 'partner onboarding' })).token;
    await platform.admin.createUser({ login: 'madina', password: 'madina-password-1', given_name: 'Madina' });
  });

  afterAll(() => platform.close());

  it('advertises the registration endpoint', async () => {
    const meta = await (await fetch(`${platform.base}/.well-known/openid-configuration`)).json();
    expect(meta.registration_endpoint).toBe(endpoint);
  });

  it('refuses registration without an initial access token, or with a wrong one', async () => {
    const none = await register({ client_name: 'App', redirect_uris: [REDIRECT] }, null);
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ error: 'invalid_token', error_description: 'an initial access token is required as Authorization: Bearer <token>' });
    const wrong = await register({ client_name: 'App', redirect_uris: [REDIRECT] }, 'not-a-real-token');
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ error: 'invalid_token', error_description: 'the initial access token is invalid, expired or used up' });
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
    // The admin token is not an initial access token.
    expect((await register({ client_name: 'App', redirect_uris: [REDIRECT] }, 'test-admin-token-0123456789')).status).toBe(401);
  });

  it('shows an initial access token once, and lists it without the token', async () => {
    const created = await newInitialToken({ description: 'one partner', max_uses: 1, expires_in: 3600 });
    expect(Object.keys(created).sort()).toEqual(['created_at', 'description', 'expires_at', 'id', 'scope', 'token', 'uses_left']);
    expect(created).toMatchObject({ description: 'one partner', uses_left: 1, scope: null });
    const listed = (await platform.admin.call('GET', '/admin/initial-access-tokens')).json.find((t: { id: string }) => t.id === created.id);
    expect(listed).not.toHaveProperty('token');
    expect((await fetch(`${platform.base}/admin/initial-access-tokens`)).status).toBe(401);
    const bad = await platform.admin.call('POST', '/admin/initial-access-tokens', { max_uses: 0 });
    expect(bad.json).toEqual({ error: 'invalid_request', error_description: 'invalid max_uses', fields: { max_uses: 'must be a positive integer' } });
    expect((await platform.admin.call('DELETE', `/admin/initial-access-tokens/${created.id}`)).status).toBe(204);
    expect((await register({ client_name: 'App', redirect_uris: [REDIRECT] }, created.token)).status).toBe(401);
  });

  it('registers a confidential web client and answers RFC 7591 3.2.1 with its metadata and credentials', async () => {
    const res = await register({ client_name: 'Partner portal', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile offline_access', contacts: ['ops@partner.example'] });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { client_id, client_secret, client_id_issued_at, registration_access_token, ...rest } = res.json;
    expect(client_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(registration_access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Math.abs(client_id_issued_at - Date.now() / 1000)).toBeLessThan(10);
    expect(rest).toEqual({
      client_secret_expires_at: 0,
      client_name: 'Partner portal',
      redirect_uris: [REDIRECT],
      post_logout_redirect_uris: [],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'openid profile offline_access',
      application_type: 'web',
      subject_type: 'public',
      id_token_signed_response_alg: 'RS256',
      allowed_login_methods: ['password'],
      require_2fa: false,
      first_party: false,
      contacts: ['ops@partner.example'],
      registration_client_uri: `${endpoint}/${client_id}`,
    });
  });

  it('ignores unknown metadata and the settings only an administrator may make', async () => {
    const res = await register({
      client_name: 'Greedy', redirect_uris: [REDIRECT], first_party: true, require_2fa: true, allowed_login_methods: ['phone_otp'],
      access_token_ttl: 31536000, refresh_token_ttl: 31536000, id_token_ttl: 31536000, software_id: 'x', favourite_colour: 'green',
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ first_party: false, require_2fa: false, allowed_login_methods: ['password'] });
    for (const field of ['access_token_ttl', 'refresh_token_ttl', 'id_token_ttl', 'software_id', 'favourite_colour']) expect(res.json).not.toHaveProperty(field);
  });

  it.each([
    ['a fragment', { redirect_uris: ['https://rp.example/cb#frag'] }, 'redirect_uris each URI must not contain a fragment'],
    ['a relative URI', { redirect_uris: ['/cb'] }, 'redirect_uris each URI must be an absolute URI'],
    ['a custom scheme on a web client', { redirect_uris: ['com.example.app:/cb'] }, 'redirect_uris each URI web clients must use http(s)'],
    ['http on a host other than loopback', { redirect_uris: ['http://rp.example/cb'] }, 'redirect_uris each URI must use https (http only on a loopback address)'],
    ['http on a host other than loopback, native', { application_type: 'native', redirect_uris: ['http://rp.example/cb'] }, 'redirect_uris each URI must use https (http only on a loopback address)'],
    ['a javascript: URI', { application_type: 'native', redirect_uris: ['javascript:alert(1)'] }, 'redirect_uris each URI scheme not allowed'],
    ['no redirect URI for the code grant', { redirect_uris: [] }, 'redirect_uris at least one is required for authorization_code and implicit'],
  ])('refuses %s with invalid_redirect_uri', async (_name, metadata, description) => {
    const res = await register({ client_name: 'App', ...metadata });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: 'invalid_redirect_uri', error_description: description });
  });

  it('accepts https, loopback http, and a private-use scheme for a native client', async () => {
    const native = await register({ client_name: 'Desktop', application_type: 'native', redirect_uris: ['com.example.desktop:/cb', 'http://127.0.0.1:5000/cb', 'http://[::1]/cb', 'http://localhost/cb'] });
    expect(native.status).toBe(201);
    expect(native.json).toMatchObject({ token_endpoint_auth_method: 'none', application_type: 'native' });
    expect(native.json).not.toHaveProperty('client_secret');
    const web = await register({ client_name: 'Local web', redirect_uris: ['http://localhost:8080/cb', REDIRECT] });
    expect(web.status).toBe(201);
  });

  it.each([
    ['an unsupported grant type', { redirect_uris: [REDIRECT], grant_types: ['urn:example:unknown'] }, 'grant_types unsupported: urn:example:unknown'],
    ['a grant only an administrator may give', { redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'password'] }, 'grant_types not available to self-registered clients: password'],
    ['an unknown auth method', { redirect_uris: [REDIRECT], token_endpoint_auth_method: 'tls_client_auth' }, 'token_endpoint_auth_method must be one of client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt, none'],
    ['a public client_credentials client', { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' }, 'token_endpoint_auth_method a public client cannot use client_credentials'],
    ['a pairwise client on two hosts without a sector', { redirect_uris: [REDIRECT, 'https://other.example/cb'], subject_type: 'pairwise' }, 'sector_identifier_uri is required for a pairwise client whose redirect URIs have several hosts'],
    ['an http sector_identifier_uri', { redirect_uris: [REDIRECT], subject_type: 'pairwise', sector_identifier_uri: 'http://rp.example/sector.json' }, 'sector_identifier_uri must be an https URI'],
    ['a missing name and a bad logo', { client_name: undefined, redirect_uris: [REDIRECT], logo_uri: 'not a uri' }, 'client_name is required; logo_uri must be an absolute http(s) URI'],
  ])('refuses %s with invalid_client_metadata', async (_name, metadata, description) => {
    const res = await register({ client_name: 'App', ...metadata });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: 'invalid_client_metadata', error_description: description });
  });

  it('keeps registered clients to the scopes their initial access token allows: the user scopes unless it names more', async () => {
    await platform.admin.createResource({ name: 'Extern API', audience: 'https://api.example/extern', scopes: ['extern.api'] });
    const greedy = await register({ client_name: 'M2M', grant_types: ['client_credentials'], scope: 'extern.api' });
    expect(greedy).toMatchObject({ status: 400, json: { error: 'invalid_client_metadata', error_description: 'scope extern.api is not allowed; this registration may ask for openid profile email phone accounts offline_access' } });
    const partner = await newInitialToken({ scope: 'openid extern.api' });
    expect(partner.scope).toBe('openid extern.api');
    const m2m = await register({ client_name: 'M2M', grant_types: ['client_credentials'], scope: 'extern.api' }, partner.token);
    expect(m2m.status).toBe(201);
    const cc = await postForm(`${platform.base}/connect/token`, { grant_type: 'client_credentials', scope: 'extern.api' }, { Authorization: basic(m2m.json.client_id, m2m.json.client_secret) });
    expect(cc.status).toBe(200);
    // The limit holds for updates too.
    const widened = await manage('PUT', m2m.json.registration_client_uri, m2m.json.registration_access_token, { client_id: m2m.json.client_id, client_name: 'M2M', grant_types: ['client_credentials'], scope: 'extern.api profile' });
    expect(widened).toEqual({ status: 400, json: { error: 'invalid_client_metadata', error_description: 'scope profile is not allowed; this registration may ask for openid extern.api' } });
    const badScope = await platform.admin.call('POST', '/admin/initial-access-tokens', { scope: '' });
    expect(badScope.json.fields).toEqual({ scope: 'must be a space-separated list of scope tokens' });
  });

  it('refuses a body that is not a JSON object', async () => {
    const res = await register(['client_name']);
    expect(res).toMatchObject({ status: 400, json: { error: 'invalid_client_metadata', error_description: 'the request body must be a JSON object' } });
  });

  it('does not spend a single-use token on a refused request, and spends it on a registration', async () => {
    const { token } = await newInitialToken({ max_uses: 1 });
    expect((await register({ client_name: 'App', redirect_uris: ['/relative'] }, token)).status).toBe(400);
    expect((await register({ client_name: 'App', redirect_uris: [REDIRECT] }, token)).status).toBe(201);
    const again = await register({ client_name: 'App', redirect_uris: [REDIRECT] }, token);
    expect(again.status).toBe(401);
    expect(again.json.error).toBe('invalid_token');
  });

  it('refuses an expired initial access token', async () => {
    const { token } = await newInitialToken({ expires_in: 1 });
    await new Promise((r) => setTimeout(r, 1100));
    expect((await register({ client_name: 'App', redirect_uris: [REDIRECT] }, token)).status).toBe(401);
  });

  describe('the client configuration endpoint (RFC 7592)', () => {
    let reg: Record<string, any>;
    let uri: string;

    beforeAll(async () => {
      reg = (await register({ client_name: 'Managed', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'client_credentials'], scope: 'openid profile' })).json;
      uri = reg.registration_client_uri;
    });

    it('reads the configuration with the registration access token, never showing the secrets again', async () => {
      const res = await manage('GET', uri, reg.registration_access_token);
      expect(res.status).toBe(200);
      const { client_secret: _s, client_secret_expires_at: _e, registration_access_token: _t, ...expected } = reg;
      expect(res.json).toEqual(expected);
    });

    it('refuses a wrong token, another client\'s token and an admin-made client with 401 invalid_token', async () => {
      const wrong = await manage('GET', uri, 'wrong-token');
      expect(wrong).toEqual({ status: 401, json: { error: 'invalid_token', error_description: 'the registration access token is invalid' } });
      const other = (await register({ client_name: 'Other', redirect_uris: [REDIRECT] })).json;
      expect((await manage('GET', uri, other.registration_access_token)).status).toBe(401);
      expect((await manage('PUT', uri, other.registration_access_token, { client_id: reg.client_id, client_name: 'Hijacked', redirect_uris: [REDIRECT] })).status).toBe(401);
      expect((await manage('DELETE', uri, other.registration_access_token)).status).toBe(401);
      const adminMade = await platform.admin.createClient({ client_name: 'Admin made', redirect_uris: [REDIRECT] });
      expect((await manage('GET', `${endpoint}/${adminMade.client_id}`, reg.registration_access_token)).status).toBe(401);
      const noToken = await fetch(uri);
      expect(noToken.status).toBe(401);
      expect(await noToken.json()).toEqual({ error: 'invalid_token', error_description: 'the registration access token is required as Authorization: Bearer <token>' });
    });

    it('replaces the metadata on PUT, keeping what an administrator set and the secret', async () => {
      await platform.admin.call('PATCH', `/admin/clients/${reg.client_id}`, { first_party: true, access_token_ttl: 600 });
      const res = await manage('PUT', uri, reg.registration_access_token, {
        client_id: reg.client_id, client_secret: reg.client_secret, client_name: 'Managed, renamed', redirect_uris: [REDIRECT, 'https://rp.example/cb2'],
        grant_types: ['authorization_code', 'client_credentials'], first_party: false, registration_client_uri: uri, client_id_issued_at: reg.client_id_issued_at,
      });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ client_id: reg.client_id, client_name: 'Managed, renamed', redirect_uris: [REDIRECT, 'https://rp.example/cb2'], scope: 'openid', first_party: true, access_token_ttl: 600, registration_client_uri: uri });
      expect(res.json).not.toHaveProperty('client_secret');
      // The secret still authenticates the client.
      const introspection = await postForm(`${platform.base}/connect/introspect`, { token: 'unknown' }, { Authorization: basic(reg.client_id, reg.client_secret) });
      expect(introspection).toMatchObject({ status: 200, json: { active: false } });
    });

    it('refuses a PUT without this client_id, with a wrong secret, or with bad metadata', async () => {
      const put = (body: Record<string, unknown>) => manage('PUT', uri, reg.registration_access_token, { client_name: 'X', redirect_uris: [REDIRECT], ...body });
      expect(await put({})).toEqual({ status: 400, json: { error: 'invalid_client_metadata', error_description: "client_id must be present and be this client's identifier" } });
      expect(await put({ client_id: reg.client_id, client_secret: 'guess' })).toEqual({ status: 400, json: { error: 'invalid_client_metadata', error_description: 'client_secret does not match the current secret' } });
      expect(await put({ client_id: reg.client_id, redirect_uris: ['https://rp.example/#x'] })).toEqual({ status: 400, json: { error: 'invalid_redirect_uri', error_description: 'redirect_uris each URI must not contain a fragment' } });
      expect((await manage('GET', uri, reg.registration_access_token)).json.client_name).toBe('Managed, renamed');
    });

    it('deletes the client: its token and its credentials stop working', async () => {
      expect((await manage('DELETE', uri, reg.registration_access_token)).status).toBe(204);
      expect((await manage('GET', uri, reg.registration_access_token)).status).toBe(401);
      const introspection = await postForm(`${platform.base}/connect/introspect`, { token: 'unknown' }, { Authorization: basic(reg.client_id, reg.client_secret) });
      expect(introspection).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    });
  });

  it('lets a client registered by openid-client sign a user in and read its own registration', async () => {
    const issuer = await Issuer.discover(platform.base);
    // The typings leave the registration statics off the issuer-bound class; the runtime has them.
    const Client = issuer.Client as unknown as Pick<typeof BaseClient, 'register' | 'fromUri'>;
    const client: BaseClient = await Client.register(
      { client_name: 'Self-registered RP', redirect_uris: [REDIRECT], response_types: ['code'], grant_types: ['authorization_code'], scope: 'openid profile' },
      { initialAccessToken: initial },
    );
    expect(client.metadata.client_secret).toBeDefined();
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = client.authorizationUrl({ scope: 'openid profile', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    const out = await signInThroughPages(new Browserless(platform.base), url, { login: 'madina', password: 'madina-password-1' });
    expect(out.location!.startsWith(REDIRECT + '?')).toBe(true);
    const tokens = await client.callback(REDIRECT, client.callbackParams(out.location!), checks);
    expect(tokens.claims()).toMatchObject({ iss: platform.base, aud: client.metadata.client_id, nonce: checks.nonce });
    expect(await client.userinfo(tokens)).toMatchObject({ given_name: 'Madina' });

    const read = await Client.fromUri(client.metadata.registration_client_uri as string, client.metadata.registration_access_token as string);
    expect(read.metadata).toMatchObject({ client_id: client.metadata.client_id, client_name: 'Self-registered RP' });
  });
});
