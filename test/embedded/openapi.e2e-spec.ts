import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every `$ref` in the document, with where it was found. */
function refs(node: unknown, at = '#', out: Array<{ ref: string; at: string }> = []) {
  if (Array.isArray(node)) node.forEach((v, i) => refs(v, `${at}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push({ ref: v, at });
      else refs(v, `${at}/${k}`, out);
    }
  }
  return out;
}

/** Follows a local JSON pointer (`#/components/schemas/X`). */
function resolve(document: any, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node: any, key) => (node && typeof node === 'object' ? node[key] : undefined), document);
}

describe('OpenAPI document of the REST APIs', () => {
  let platform: EmbeddedPlatform;
  let document: any;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    const res = await fetch(`${platform.base}/api-docs/json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    document = await res.json();
  });

  afterAll(() => platform.close());

  it('is an OpenAPI 3 document with info, the issuer as server and the security schemes', () => {
    expect(document.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(document.servers).toEqual([{ url: platform.base }]);
    expect(document.components.securitySchemes).toEqual({
      admin_token: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      initial_access_token: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      registration_access_token: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      client_secret_basic: expect.objectContaining({ type: 'http', scheme: 'basic' }),
    });
  });

  it('lists the admin, partner and registration paths, and no pages or protocol endpoints', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]: [string, any]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /admin/clients', 'GET /admin/clients', 'GET /admin/clients/{id}', 'PATCH /admin/clients/{id}', 'DELETE /admin/clients/{id}',
        'POST /admin/users', 'GET /admin/users', 'PATCH /admin/users/{id}', 'POST /admin/users/{id}/sessions/end',
        'GET /admin/users/{id}/consents', 'DELETE /admin/users/{id}/consents/{clientId}',
        'POST /admin/resources', 'GET /admin/resources',
        'POST /admin/initial-access-tokens', 'GET /admin/initial-access-tokens', 'DELETE /admin/initial-access-tokens/{id}',
        'GET /admin/keys', 'POST /admin/keys/rotate',
        'POST /api/v1/external-accounts', 'DELETE /api/v1/external-accounts/{serviceUserId}', 'POST /api/v1/trusted-phone',
        'POST /connect/register', 'GET /connect/register/{client_id}', 'PUT /connect/register/{client_id}', 'DELETE /connect/register/{client_id}',
      ]),
    );
    const paths = Object.keys(document.paths);
    expect(paths.filter((p) => /^\/(connect\/(authorize|token|userinfo)|interaction|device|demo|health|metrics|\.well-known)/.test(p))).toEqual([]);
  });

  it('gives every operation responses and a tag, and declares how each is authenticated', () => {
    for (const [path, item] of Object.entries<any>(document.paths)) {
      const ops = METHODS.filter((m) => item[m]);
      expect({ path, ops: ops.length > 0 }).toEqual({ path, ops: true });
      for (const m of ops) {
        const op = item[m];
        expect({ path, m, responses: Object.keys(op.responses ?? {}).length > 0 }).toEqual({ path, m, responses: true });
        for (const code of Object.keys(op.responses)) expect({ path, m, code, valid: /^([1-5]\d\d|default)$/.test(code) && typeof op.responses[code].description === 'string' }).toEqual({ path, m, code, valid: true });
        expect(op.tags?.length).toBeGreaterThan(0);
        for (const p of path.match(/\{(\w+)\}/g) ?? []) {
          expect({ path, m, param: op.parameters?.some((x: any) => x.in === 'path' && x.name === p.slice(1, -1) && x.required) }).toEqual({ path, m, param: true });
        }
      }
    }
    expect(document.paths['/admin/clients'].post.security).toEqual([{ admin_token: [] }]);
    expect(document.paths['/connect/register'].post.security).toEqual([{ initial_access_token: [] }]);
    expect(document.paths['/connect/register/{client_id}'].get.security).toEqual([{ registration_access_token: [] }]);
    expect(document.paths['/api/v1/trusted-phone'].post.security).toEqual([{ client_secret_basic: [] }]);
  });

  it('resolves every $ref, and describes the bodies with their fields', () => {
    const all = refs(document);
    expect(all.length).toBeGreaterThan(10);
    expect(all.filter(({ ref }) => resolve(document, ref) === undefined)).toEqual([]);
    const schema = (path: string, m: string) => resolve(document, document.paths[path][m].requestBody.content['application/json'].schema.$ref) as any;
    expect(schema('/admin/resources', 'post')).toMatchObject({ required: expect.arrayContaining(['name', 'audience', 'scopes']), properties: { scopes: { type: 'array' } } });
    expect(schema('/admin/users', 'post')).toMatchObject({ required: expect.arrayContaining(['login', 'password']) });
    expect(Object.keys(schema('/admin/clients', 'post').properties)).toEqual(expect.arrayContaining(['client_name', 'redirect_uris', 'grant_types', 'token_endpoint_auth_method', 'allowed_login_methods']));
    expect(schema('/admin/initial-access-tokens', 'post').properties.max_uses).toMatchObject({ minimum: 1 });
  });

  it('serves Swagger UI from our own origin under a CSP that allows no other host', async () => {
    const page = await fetch(`${platform.base}/api-docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https?:/);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets).toEqual(expect.arrayContaining(['/api-docs/swagger-ui-bundle.js', '/api-docs/swagger-ui.css', '/api-docs/init.js']));
    for (const asset of assets) {
      expect(asset.startsWith('/')).toBe(true);
      const res = await fetch(platform.base + asset);
      expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
    }
    expect(await (await fetch(`${platform.base}/api-docs/init.js`)).text()).toContain("url: '/api-docs/json'");
  });

  it('validates admin bodies by their DTO classes in the admin API error format, storing nothing', async () => {
    const resource = await platform.admin.call('POST', '/admin/resources', { name: ' ', audience: 42, scopes: ['ok', 'bad scope'] });
    expect(resource.status).toBe(400);
    expect(resource.json).toEqual({
      error: 'invalid_request',
      error_description: 'invalid name, audience, scopes',
      fields: { name: 'is required', audience: 'is required (a URI or name, at most 500 characters)', scopes: 'must be a non-empty array of scope tokens' },
    });
    const openid = await platform.admin.call('POST', '/admin/resources', { name: 'X', audience: 'https://x.example', scopes: ['openid'] });
    expect(openid.json.fields.scopes).toMatch(/^must not use the OpenID Connect scopes/);
    expect((await platform.admin.call('GET', '/admin/resources')).json).toEqual([]);

    const iat = await platform.admin.call('POST', '/admin/initial-access-tokens', { max_uses: 0, expires_in: 1.5, scope: '  ', description: 7 });
    expect(iat.status).toBe(400);
    expect(iat.json.fields).toEqual({
      description: 'must be a string of at most 200 characters',
      scope: 'must be a space-separated list of scope tokens',
      max_uses: 'must be a positive integer',
      expires_in: 'must be a positive integer number of seconds',
    });
    expect((await platform.admin.call('POST', '/admin/initial-access-tokens', { scope: 'openid  extern.api', max_uses: 2 })).status).toBe(201);

    const user = await platform.admin.call('POST', '/admin/users', { login: 5, email: [], custom_fields: [], public_external_accounts: [1] });
    expect(user.status).toBe(400);
    expect(user.json.fields).toEqual({ login: 'is required', password: 'is required', email: 'must be a string', custom_fields: 'must be a JSON object', public_external_accounts: 'must be an array of JSON objects' });
    const patch = await platform.admin.call('PATCH', '/admin/users/someone', { locked: 'yes' });
    expect(patch.status).toBe(400);
    expect(patch.json.fields).toEqual({ locked: 'must be true or false' });
  });
});
