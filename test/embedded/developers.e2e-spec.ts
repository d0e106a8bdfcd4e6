import { generateKeyPair, exportJWK } from 'jose';
import { basic, Browserless, postForm } from '@idp/testing';
import { AuthClock, SystemAuthClock } from '../../apps/auth/src/clock';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { PNG, api, multipart } from './cabinet';

const REDIRECT = 'https://shop.example/cb';

describe("the integrators' cabinet API at /api/developers", () => {
  let platform: EmbeddedPlatform;
  let owner: { browser: Browserless; csrf: Record<string, string>; sub: string };

  const clock = () => platform.app.get(AuthClock, { strict: false }) as SystemAuthClock;
  const call = (who: { browser: Browserless; csrf: Record<string, string> } | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    api(platform.base, who?.browser ?? null, method, path, body, { ...(who?.csrf ?? {}), ...headers });
  const token = (clientId: string, secret: string) =>
    postForm(`${platform.base}/connect/token`, { grant_type: 'client_credentials', scope: 'shop.orders' }, { Authorization: basic(clientId, secret) });

  /** Signs in through /developers and comes back to it, as a person would. */
  async function signIn(login: string, password: string) {
    const browser = new Browserless(platform.base);
    const signInPage = await browser.follow('/developers');
    expect(signInPage.url).toContain('/interaction/');
    const landed = await browser.submit(signInPage, '/login', { username: login, password });
    expect(landed.url).toBe(`${platform.base}/developers`);
    const me = await api(platform.base, browser, 'GET', '/api/developers');
    expect(me.status).toBe(200);
    return { browser, csrf: { 'X-CSRF-Token': me.json.csrf_token as string }, sub: me.json.sub as string };
  }

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    await platform.admin.createResource({ name: 'Shop API', audience: 'https://api.shop.example', scopes: ['shop.orders'] });
    await platform.admin.createUser({ login: 'dana', password: 'dana-password-1', email: 'dana@example.kz' });
    await platform.admin.createUser({ login: 'erlan', password: 'erlan-password-1', email: 'erlan@example.kz', phone: '+77071234567' });
    await platform.admin.createUser({ login: 'stranger', password: 'stranger-password-1' });
    owner = await signIn('dana', 'dana-password-1');
  });

  afterAll(() => platform.close());

  const app = { client_name: 'Shop', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'client_credentials'], scope: 'openid profile shop.orders', client_uri: 'https://shop.example' };

  it('needs the signed-in session, and the X-CSRF-Token header on every change', async () => {
    expect(await call(null, 'GET', '/api/developers/apps')).toMatchObject({ status: 401, json: { error: 'login_required' } });
    expect(await api(platform.base, owner.browser, 'POST', '/api/developers/apps', app)).toMatchObject({ status: 403, json: { error: 'invalid_request' } });
    expect((await call(owner, 'GET', '/api/developers/apps')).json).toEqual([]);
  });

  it('refuses bad metadata exactly as dynamic registration does, creating nothing', async () => {
    expect(await call(owner, 'POST', '/api/developers/apps', { ...app, redirect_uris: ['http://shop.example/cb'] })).toMatchObject({
      status: 400, json: { error: 'invalid_redirect_uri', error_description: expect.stringContaining('redirect_uris') },
    });
    expect(await call(owner, 'POST', '/api/developers/apps', { ...app, grant_types: ['password'] })).toMatchObject({
      status: 400, json: { error: 'invalid_client_metadata', error_description: expect.stringContaining('not available to self-registered clients: password') },
    });
    expect(await call(owner, 'POST', '/api/developers/apps', { ...app, access_token_ttl: 90000 })).toMatchObject({ status: 400, json: { error: 'invalid_client_metadata', error_description: expect.stringContaining('access_token_ttl') } });
    expect(await call(owner, 'POST', '/api/developers/apps', { ...app, scope: 'openid iin' })).toMatchObject({ status: 400, json: { error: 'invalid_client_metadata' } });
    expect(await call(owner, 'POST', '/api/developers/apps', [1])).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    expect((await call(owner, 'GET', '/api/developers/apps')).json).toEqual([]);
  });

  it('creates an application with a fixed client_id and a secret shown once, edits it, and deletes it', async () => {
    const created = await call(owner, 'POST', '/api/developers/apps', { ...app, access_token_ttl: 600, introspection_endpoint_auth_method: 'client_secret_post' });
    expect(created).toMatchObject({ status: 201, json: { client_name: 'Shop', role: 'owner', access_token_ttl: 600, introspection_endpoint_auth_method: 'client_secret_post', client_secret: expect.any(String) } });
    const id = created.json.client_id;
    expect((await token(id, created.json.client_secret)).status).toBe(200);
    expect((await call(owner, 'GET', `/api/developers/apps/${id}`)).json.client_secret).toBeUndefined();

    const edited = await call(owner, 'PATCH', `/api/developers/apps/${id}`, { client_name: 'Shop 2', post_logout_redirect_uris: ['https://shop.example/bye'] });
    expect(edited).toMatchObject({ status: 200, json: { client_id: id, client_name: 'Shop 2', redirect_uris: [REDIRECT], access_token_ttl: 600, post_logout_redirect_uris: ['https://shop.example/bye'] } });
    expect(await call(owner, 'PATCH', `/api/developers/apps/${id}`, { client_id: 'mine' })).toMatchObject({ status: 400, json: { error: 'invalid_client_metadata' } });
    expect(await call(owner, 'PATCH', `/api/developers/apps/${id}`, { redirect_uris: ['not a uri'] })).toMatchObject({ status: 400, json: { error: 'invalid_redirect_uri' } });
    expect((await call(owner, 'GET', `/api/developers/apps/${id}`)).json).toMatchObject({ client_name: 'Shop 2', redirect_uris: [REDIRECT] });
    expect((await call(owner, 'GET', '/api/developers/apps')).json.map((a: { client_id: string }) => a.client_id)).toEqual([id]);

    expect((await call(owner, 'DELETE', `/api/developers/apps/${id}`)).status).toBe(204);
    expect((await call(owner, 'GET', `/api/developers/apps/${id}`)).status).toBe(404);
    expect((await token(id, created.json.client_secret)).json.error).toBe('invalid_client');
  });

  it('rotates secrets: the old one works through the chosen grace period and not after; revoking stops one at once', async () => {
    const created = await call(owner, 'POST', '/api/developers/apps', app);
    const id = created.json.client_id;
    const first = created.json.client_secret;
    expect(await call(owner, 'POST', `/api/developers/apps/${id}/secrets`, { grace_seconds: 8 * 86400 })).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    expect(await call(owner, 'POST', `/api/developers/apps/${id}/secrets`, { grace_seconds: 'soon' })).toMatchObject({ status: 400 });
    expect((await token(id, first)).status).toBe(200);

    const second = await call(owner, 'POST', `/api/developers/apps/${id}/secrets`, { grace_seconds: 3600 });
    expect(second).toMatchObject({ status: 201, json: { client_id: id, client_secret: expect.any(String) } });
    expect((await token(id, first)).status).toBe(200);
    expect((await token(id, second.json.client_secret)).status).toBe(200);
    // Introspection and revocation take any live secret too.
    const at = (await token(id, second.json.client_secret)).json.access_token;
    expect((await postForm(`${platform.base}/connect/introspect`, { token: at }, { Authorization: basic(id, first) })).json.active).toBe(true);

    clock().advance(3601);
    expect(await token(id, first)).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    expect((await token(id, second.json.client_secret)).status).toBe(200);
    const secrets = (await call(owner, 'GET', `/api/developers/apps/${id}/secrets`)).json;
    expect(secrets.map((s: { status: string }) => s.status)).toEqual(['current', 'expired']);
    expect(secrets[0].last_used_at).toEqual(expect.any(String));

    // With no grace the replaced secret stops at once.
    const third = await call(owner, 'POST', `/api/developers/apps/${id}/secrets`, { grace_seconds: 0 });
    expect((await token(id, second.json.client_secret)).status).toBe(401);
    expect((await token(id, third.json.client_secret)).status).toBe(200);

    // A fourth with a day of grace, then the replaced one revoked by hand.
    const fourth = await call(owner, 'POST', `/api/developers/apps/${id}/secrets`, { grace_seconds: 86400 });
    expect((await token(id, third.json.client_secret)).status).toBe(200);
    expect((await call(owner, 'DELETE', `/api/developers/apps/${id}/secrets/${third.json.id}`)).status).toBe(204);
    expect((await token(id, third.json.client_secret)).status).toBe(401);
    expect((await call(owner, 'DELETE', `/api/developers/apps/${id}/secrets/${third.json.id}`)).status).toBe(404);
    // Revoking the current one leaves the client with no working secret until a new one is issued.
    expect((await call(owner, 'DELETE', `/api/developers/apps/${id}/secrets/${fourth.json.id}`)).status).toBe(204);
    expect((await token(id, fourth.json.client_secret)).status).toBe(401);
    const fifth = await call(owner, 'POST', `/api/developers/apps/${id}/secrets`, { grace_seconds: 0 });
    expect((await token(id, fifth.json.client_secret)).status).toBe(200);
    // The integrator's changes are in the admin audit beside the administrators' calls.
    const audit: Array<{ method: string; route: string; path: string; status: number }> = (await platform.admin.call('GET', '/admin/audit?limit=100')).json;
    const mine = audit.filter((e) => e.path.startsWith(`/api/developers/apps/${id}/secrets`));
    expect(mine.filter((e) => e.method === 'POST' && e.route === '/api/developers/apps/:id/secrets' && e.status === 201)).toHaveLength(4);
    expect(mine.filter((e) => e.method === 'POST' && e.status === 400)).toHaveLength(2);
    expect(mine.filter((e) => e.method === 'DELETE' && e.status === 204)).toHaveLength(2);
    expect(audit.some((e) => e.method === 'GET' && e.path.startsWith('/api/developers'))).toBe(false);
  });

  it('takes public keys or a jwks_uri, and refuses private keys and unsupported ones', async () => {
    const id = (await call(owner, 'POST', '/api/developers/apps', app)).json.client_id;
    // Moving to private_key_jwt retires the secrets.
    expect((await call(owner, 'PATCH', `/api/developers/apps/${id}`, { token_endpoint_auth_method: 'private_key_jwt' })).json.error).toBe('invalid_client_metadata');
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const pub = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    expect(await call(owner, 'PUT', `/api/developers/apps/${id}/keys`, { jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'k1' }] } })).toMatchObject({ status: 400, json: { error: 'invalid_client_metadata', error_description: expect.stringContaining('public keys only') } });
    expect(await call(owner, 'PUT', `/api/developers/apps/${id}/keys`, { jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } })).toMatchObject({ status: 400, json: { error: 'invalid_client_metadata' } });
    expect(await call(owner, 'PUT', `/api/developers/apps/${id}/keys`, { jwks: { keys: [{ ...pub, alg: 'HS256' }] } })).toMatchObject({ status: 400, json: { error_description: expect.stringContaining('alg') } });
    expect(await call(owner, 'PUT', `/api/developers/apps/${id}/keys`, { jwks_uri: 'ftp://keys.example/jwks' })).toMatchObject({ status: 400, json: { error: 'invalid_client_metadata' } });
    expect((await call(owner, 'GET', `/api/developers/apps/${id}`)).json.jwks).toBeUndefined();
    expect(await call(owner, 'PUT', `/api/developers/apps/${id}/keys`, { jwks: { keys: [pub] } })).toMatchObject({ status: 200, json: { jwks: { keys: [{ kid: 'k1', kty: 'RSA' }] } } });
    expect(await call(owner, 'PUT', `/api/developers/apps/${id}/keys`, { jwks_uri: 'https://shop.example/jwks.json' })).toMatchObject({ status: 200, json: { jwks_uri: 'https://shop.example/jwks.json' } });
    expect((await call(owner, 'GET', `/api/developers/apps/${id}`)).json.jwks).toBeUndefined();
    expect(await call(owner, 'PATCH', `/api/developers/apps/${id}`, { token_endpoint_auth_method: 'private_key_jwt' })).toMatchObject({ status: 200, json: { token_endpoint_auth_method: 'private_key_jwt' } });
    expect((await call(owner, 'GET', `/api/developers/apps/${id}/secrets`)).json.map((s: { status: string }) => s.status)).toEqual(['revoked']);
    expect(await call(owner, 'POST', `/api/developers/apps/${id}/secrets`, { grace_seconds: 0 })).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
  });

  it('asks for partner capabilities, which an administrator approves or rejects', async () => {
    const id = (await call(owner, 'POST', '/api/developers/apps', app)).json.client_id;
    expect(await call(owner, 'POST', `/api/developers/apps/${id}/capabilities`, { capability: 'root' })).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    const phone = await call(owner, 'POST', `/api/developers/apps/${id}/capabilities`, { capability: 'trusted_phone' });
    expect(phone).toMatchObject({ status: 201, json: { capability: 'trusted_phone', status: 'pending', client_id: id } });
    expect((await call(owner, 'POST', `/api/developers/apps/${id}/capabilities`, { capability: 'trusted_phone' })).status).toBe(409);
    const password = await call(owner, 'POST', `/api/developers/apps/${id}/capabilities`, { capability: 'password' });
    const trusted = await call(owner, 'POST', `/api/developers/apps/${id}/capabilities`, { capability: 'trusted' });

    expect((await platform.admin.call('GET', '/admin/capability-requests?status=bogus')).status).toBe(400);
    const pending = await platform.admin.call('GET', '/admin/capability-requests?status=pending');
    expect(pending.json.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([phone.json.id, password.json.id, trusted.json.id]));
    expect((await fetch(`${platform.base}/admin/capability-requests/${phone.json.id}/approve`, { method: 'POST' })).status).toBe(401);

    expect(await platform.admin.call('POST', `/admin/capability-requests/${phone.json.id}/approve`, {})).toMatchObject({ status: 200, json: { status: 'approved' } });
    expect((await platform.admin.call('GET', `/admin/clients/${id}`)).json.trusted_phone_enabled).toBe(true);
    expect((await platform.admin.call('POST', `/admin/capability-requests/${phone.json.id}/approve`, {})).status).toBe(409);
    expect(await platform.admin.call('POST', `/admin/capability-requests/${password.json.id}/approve`, {})).toMatchObject({ status: 200 });
    // The trusted grant needs the partner's keys first: the approval is refused and changes nothing.
    expect(await platform.admin.call('POST', `/admin/capability-requests/${trusted.json.id}/approve`, {})).toMatchObject({ status: 400, json: { error_description: expect.stringContaining('jwks') } });
    expect(await platform.admin.call('POST', `/admin/capability-requests/${trusted.json.id}/reject`, { reason: 'upload your keys first' })).toMatchObject({ status: 200, json: { status: 'rejected', reason: 'upload your keys first' } });
    expect((await platform.admin.call('POST', '/admin/capability-requests/00000000-0000-0000-0000-000000000000/approve', {})).status).toBe(404);

    const seen = (await call(owner, 'GET', `/api/developers/apps/${id}/capabilities`)).json;
    expect(Object.fromEntries(seen.map((r: { capability: string; status: string }) => [r.capability, r.status]))).toEqual({ trusted_phone: 'approved', password: 'approved', trusted: 'rejected' });
    // The approved grant stays on through the integrator's own edits.
    const edited = await call(owner, 'PATCH', `/api/developers/apps/${id}`, { client_name: 'Shop with passwords', grant_types: ['authorization_code', 'client_credentials'] });
    expect(edited.json.grant_types).toEqual(expect.arrayContaining(['password', 'client_credentials']));
    expect(edited.json.trusted_phone_enabled).toBe(true);
    // The decisions are in the admin audit.
    const audit = (await platform.admin.call('GET', '/admin/audit?limit=50')).json;
    expect(JSON.stringify(audit)).toContain(`/admin/capability-requests/${phone.json.id}/approve`);
  });

  it('lets the owner add team members by login, e-mail or phone; everyone else gets 404', async () => {
    const id = (await call(owner, 'POST', '/api/developers/apps', app)).json.client_id;
    const stranger = await signIn('stranger', 'stranger-password-1');
    for (const [method, path, body] of [['GET', '', undefined], ['PATCH', '', { client_name: 'Mine' }], ['DELETE', '', undefined], ['POST', '/secrets', { grace_seconds: 0 }], ['GET', '/usage', undefined], ['GET', '/members', undefined], ['PUT', '/keys', { jwks_uri: 'https://x.example/j' }]] as const) {
      expect(await call(stranger, method, `/api/developers/apps/${id}${path}`, body)).toMatchObject({ status: 404, json: { error: 'not_found' } });
    }
    expect((await call(stranger, 'GET', `/developers/apps/${id}`)).status).toBe(404);
    expect((await call(owner, 'GET', `/api/developers/apps/${id}`)).json.client_name).toBe('Shop');

    expect(await call(owner, 'POST', `/api/developers/apps/${id}/members`, { identifier: 'nobody@example.kz' })).toMatchObject({ status: 404 });
    expect(await call(owner, 'POST', `/api/developers/apps/${id}/members`, { identifier: '+7 707 123 45 67' })).toMatchObject({ status: 201, json: { login: 'erlan', role: 'member' } });
    const erlan = await signIn('erlan', 'erlan-password-1');
    expect((await call(erlan, 'GET', `/api/developers/apps/${id}`)).json).toMatchObject({ client_id: id, role: 'member' });
    expect((await call(erlan, 'PATCH', `/api/developers/apps/${id}`, { client_name: 'Shop by Erlan' })).status).toBe(200);
    expect((await call(erlan, 'DELETE', `/api/developers/apps/${id}`)).status).toBe(403);
    expect((await call(erlan, 'POST', `/api/developers/apps/${id}/members`, { identifier: 'stranger' })).status).toBe(403);
    const members = (await call(owner, 'GET', `/api/developers/apps/${id}/members`)).json;
    expect(members.map((m: { login: string; role: string }) => `${m.login}:${m.role}`)).toEqual(['dana:owner', 'erlan:member']);

    expect((await call(owner, 'DELETE', `/api/developers/apps/${id}/members/${erlan.sub}`)).status).toBe(204);
    expect((await call(erlan, 'GET', `/api/developers/apps/${id}`)).status).toBe(404);
    expect((await call(owner, 'DELETE', `/api/developers/apps/${id}/members/${owner.sub}`)).status).toBe(404);
    expect(await call(owner, 'POST', `/api/developers/apps/${id}/members`, { identifier: 'ERLAN@example.kz' })).toMatchObject({ status: 201, json: { login: 'erlan' } });
  });

  it('takes a PNG, JPEG or WebP logo of at most 1 MB, by its bytes, and serves it from our origin with safe headers', async () => {
    const id = (await call(owner, 'POST', '/api/developers/apps', app)).json.client_id;
    const put = (data: Buffer, type: string) => call(owner, 'PUT', `/api/developers/apps/${id}/logo`, data, { 'Content-Type': type });
    expect(await put(Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]), 'image/png')).toMatchObject({ status: 413, json: { error: 'too_large' } });
    expect(await put(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'image/svg+xml')).toMatchObject({ status: 415 });
    expect(await put(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/png')).toMatchObject({ status: 415, json: { error: 'unsupported_media_type' } });
    expect(await put(Buffer.from('GIF89a\x01\x00\x01\x00'), 'image/gif')).toMatchObject({ status: 415 });
    expect((await call(owner, 'GET', `/api/developers/apps/${id}`)).json.logo_uri).toBeUndefined();

    const saved = await put(PNG, 'image/jpeg');
    expect(saved.status).toBe(200);
    const logoUri: string = saved.json.logo_uri;
    expect(logoUri).toMatch(new RegExp(`^${platform.base}/developers/logos/[0-9a-f-]{36}$`));
    const served = await fetch(logoUri);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(served.headers.get('cache-control')).toContain('max-age');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(`${platform.base}/developers/logos/00000000-0000-0000-0000-000000000000`)).status).toBe(404);

    // The consent page shows it to people signing in to the application.
    const person = new Browserless(platform.base);
    const authorize = `/connect/authorize?${new URLSearchParams({ client_id: id, response_type: 'code', scope: 'openid profile', redirect_uri: REDIRECT, state: 'state-12345678', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`;
    const login = await person.follow(authorize);
    const consent = await person.submit(login, '/login', { username: 'stranger', password: 'stranger-password-1' });
    expect(consent.body).toContain('/consent"');
    expect(consent.body).toContain(`<img src="${logoUri}"`);

    // The page's form takes it as multipart, and refuses an SVG there too.
    const page = await owner.browser.follow(`/developers/apps/${id}`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1];
    const upload = (type: string, data: Buffer) => {
      const { body, contentType } = multipart({ csrf }, { name: 'logo', filename: 'logo', type, data });
      return fetch(`${platform.base}/developers/apps/${id}/logo`, { method: 'POST', headers: { Cookie: owner.browser.jar.header(`${platform.base}/developers`), 'Content-Type': contentType, 'Accept-Language': 'en' }, body: new Uint8Array(body), redirect: 'manual' });
    };
    const svg = await upload('image/svg+xml', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'));
    expect(svg.status).toBe(415);
    expect(await svg.text()).toContain('SVG is not accepted');
    const ok = await upload('image/png', PNG);
    expect(ok.status).toBe(303);
    expect((await call(owner, 'GET', `/api/developers/apps/${id}`)).json.logo_uri).not.toBe(logoUri);
    expect((await fetch(logoUri)).status).toBe(404);
  });

  it('counts token requests and errors per day, and shows when each secret was last used', async () => {
    const created = await call(owner, 'POST', '/api/developers/apps', app);
    const id = created.json.client_id;
    for (let i = 0; i < 3; i++) expect((await token(id, created.json.client_secret)).status).toBe(200);
    expect((await token(id, 'wrong-secret')).status).toBe(401);
    expect((await postForm(`${platform.base}/connect/token`, { grant_type: 'client_credentials', scope: 'nothing.here' }, { Authorization: basic(id, created.json.client_secret) })).status).toBe(400);
    const usage = await call(owner, 'GET', `/api/developers/apps/${id}/usage`);
    expect(usage.status).toBe(200);
    const today = clock().now().toISOString().slice(0, 10);
    expect(usage.json.days).toHaveLength(14);
    expect(usage.json.days.at(-1)).toEqual({ day: today, requests: 5, errors: 2 });
    expect(usage.json.days.slice(0, -1).every((d: { requests: number }) => d.requests === 0)).toBe(true);
    expect(usage.json.secrets).toEqual([{ id: expect.any(String), status: 'current', last_used_at: expect.any(String) }]);
    // The page shows the same.
    const page = await owner.browser.follow(`/developers/apps/${id}`);
    expect(page.body).toContain(`<tr><td>${today}</td><td>5</td><td>2</td></tr>`);
  });
});
