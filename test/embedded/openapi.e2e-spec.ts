import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
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

/**
 * A small structural check of an OpenAPI 3 document: the parts a code generator or Swagger UI
 * relies on. Answers the problems found, one line each.
 */
export function openApiProblems(doc: any): string[] {
  const problems: string[] = [];
  const isObject = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);
  if (typeof doc?.openapi !== 'string' || !/^3\.\d+\.\d+$/.test(doc.openapi)) problems.push('openapi: must be a 3.x.y version');
  if (!isObject(doc?.info) || typeof doc.info.title !== 'string' || typeof doc.info.version !== 'string') problems.push('info: title and version are required');
  if (!isObject(doc?.paths)) return [...problems, 'paths: must be an object'];
  const schemes = Object.keys(doc.components?.securitySchemes ?? {});
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    if (!path.startsWith('/')) problems.push(`${path}: a path must start with /`);
    const ops = METHODS.filter((m) => item[m]);
    if (!ops.length) problems.push(`${path}: no operation`);
    const templated = (path.match(/\{([^}]+)\}/g) ?? []).map((p) => p.slice(1, -1));
    for (const m of ops) {
      const op = item[m];
      const at = `${m.toUpperCase()} ${path}`;
      if (op.operationId !== undefined) {
        if (operationIds.has(op.operationId)) problems.push(`${at}: operationId ${op.operationId} is used twice`);
        operationIds.add(op.operationId);
      }
      if (!isObject(op.responses) || !Object.keys(op.responses).length) problems.push(`${at}: no responses`);
      for (const [code, response] of Object.entries<any>(op.responses ?? {})) {
        if (!/^([1-5](\d\d|XX)|default)$/.test(code)) problems.push(`${at}: response code ${code}`);
        if (!response.$ref && typeof response.description !== 'string') problems.push(`${at} ${code}: a response needs a description`);
        for (const [type, media] of Object.entries<any>(response.content ?? {})) if (!isObject(media.schema)) problems.push(`${at} ${code} ${type}: no schema`);
      }
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])];
      for (const p of params) {
        if (p.$ref) continue;
        if (typeof p.name !== 'string' || !['query', 'header', 'path', 'cookie'].includes(p.in)) problems.push(`${at}: a parameter needs a name and in`);
        if (p.in === 'path' && p.required !== true) problems.push(`${at}: path parameter ${p.name} must be required`);
        if (p.in === 'path' && !templated.includes(p.name)) problems.push(`${at}: path parameter ${p.name} is not in the path`);
        if (!isObject(p.schema) && !isObject(p.content)) problems.push(`${at}: parameter ${p.name} has no schema`);
      }
      for (const name of templated) if (!params.some((p) => p.in === 'path' && p.name === name)) problems.push(`${at}: path parameter ${name} is not declared`);
      if (op.requestBody && !op.requestBody.$ref) {
        if (!isObject(op.requestBody.content) || !Object.keys(op.requestBody.content).length) problems.push(`${at}: a request body needs content`);
        for (const [type, media] of Object.entries<any>(op.requestBody.content ?? {})) if (!isObject(media.schema)) problems.push(`${at} body ${type}: no schema`);
      }
      for (const requirement of op.security ?? doc.security ?? []) for (const name of Object.keys(requirement)) if (!schemes.includes(name)) problems.push(`${at}: unknown security scheme ${name}`);
    }
  }
  for (const { ref, at } of refs(doc)) if (resolve(doc, ref) === undefined) problems.push(`${at}: $ref ${ref} does not resolve`);
  for (const [name, schema] of Object.entries<any>(doc.components?.schemas ?? {})) {
    if (!isObject(schema)) problems.push(`components.schemas.${name}: not a schema`);
    for (const required of schema?.required ?? []) if (!schema.properties?.[required]) problems.push(`components.schemas.${name}: required ${required} is not a property`);
  }
  return problems;
}

/** Every route of the app (method and OpenAPI-style path) under the given prefixes, from the controllers Nest mounted. */
function routesOf(platform: EmbeddedPlatform, prefixes: string[]): string[] {
  const routes: string[] = [];
  const join = (...parts: string[]) => '/' + parts.flatMap((p) => p.split('/')).filter(Boolean).join('/');
  for (const module of platform.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as any;
      if (!type?.prototype) continue;
      const bases = [Reflect.getMetadata(PATH_METADATA, type) ?? ''].flat() as string[];
      for (const key of Object.getOwnPropertyNames(type.prototype)) {
        const handler = Object.getOwnPropertyDescriptor(type.prototype, key)?.value; // never a getter's value
        if (typeof handler !== 'function' || key === 'constructor') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler);
        const paths = Reflect.getMetadata(PATH_METADATA, handler);
        if (method === undefined || paths === undefined) continue;
        for (const base of bases) {
          for (const path of [paths].flat() as string[]) {
            const full = join(base, path).replace(/:(\w+)/g, '{$1}');
            if (prefixes.some((prefix) => full === prefix || full.startsWith(`${prefix}/`))) routes.push(`${RequestMethod[method]} ${full}`);
          }
        }
      }
    }
  }
  return [...new Set(routes)].sort();
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
      sso_session: expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'idp_session' }),
      access_token: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
  });

  it('passes the structural check of an OpenAPI 3 document', () => {
    expect(openApiProblems(document)).toEqual([]);
  });

  it('has a structural check that finds what is wrong (the check itself works)', () => {
    const broken = {
      openapi: '2.0',
      info: { title: 'x' },
      paths: {
        '/a/{id}': { get: { responses: {} }, post: { responses: { 201: {} }, requestBody: { content: { 'application/json': {} } }, security: [{ nobody: [] }] } },
        b: { put: { responses: { 700: { description: 'x', content: { 'application/json': { schema: { $ref: '#/components/schemas/Gone' } } } } } } },
      },
      components: { schemas: { Thing: { type: 'object', required: ['name'], properties: {} } } },
    };
    expect(openApiProblems(broken).sort()).toEqual(
      [
        'openapi: must be a 3.x.y version',
        'info: title and version are required',
        'GET /a/{id}: no responses',
        'GET /a/{id}: path parameter id is not declared',
        'POST /a/{id} 201: a response needs a description',
        'POST /a/{id}: path parameter id is not declared',
        'POST /a/{id} body application/json: no schema',
        'POST /a/{id}: unknown security scheme nobody',
        'b: a path must start with /',
        'PUT b: response code 700',
        '#/paths/b/put/responses/700/content/application/json/schema: $ref #/components/schemas/Gone does not resolve',
        'components.schemas.Thing: required name is not a property',
      ].sort(),
    );
  });

  it('documents every route of the admin, account and partner APIs that the app serves, and nothing it does not', () => {
    const served = routesOf(platform, ['/admin', '/api/account', '/api/v1']);
    expect(served.length).toBeGreaterThan(60);
    for (const expected of ['GET /api/account', 'PATCH /api/account/profile', 'DELETE /api/account/two-factor/devices/{id}', 'GET /api/v1/userdata/photo', 'GET /admin/audit', 'POST /admin/organizations/{id}/upstream-providers']) expect(served).toContain(expected);
    const documented = Object.entries<any>(document.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`));
    expect(served.filter((route) => !documented.includes(route))).toEqual([]);
    // The other way round: what the document lists under these prefixes is a real route of the router.
    const fastify = platform.app.getHttpAdapter().getInstance();
    const listed = documented.filter((route) => /^\w+ \/(admin|api\/account|api\/v1)(\/|$)/.test(route));
    expect(listed.filter((route) => {
      const [method, path] = route.split(' ');
      return !fastify.hasRoute({ method: method as any, url: path.replace(/\{(\w+)\}/g, ':$1') });
    })).toEqual([]);
  });

  it('describes the account API bodies by the DTO classes that validate them', async () => {
    const schema = (path: string, m: string) => resolve(document, document.paths[path][m].requestBody.content['application/json'].schema.$ref) as any;
    expect(Object.keys(schema('/api/account/profile', 'patch').properties)).toEqual(expect.arrayContaining(['given_name', 'birthdate', 'locale']));
    expect(schema('/api/account/identifiers', 'post')).toMatchObject({ required: expect.arrayContaining(['channel', 'destination']) });
    expect(schema('/api/account/login-methods', 'put').properties.methods).toMatchObject({ type: 'array' });
    expect(document.paths['/api/account'].get.security).toEqual(expect.arrayContaining([{ sso_session: [] }, { access_token: [] }]));
  });

  it('validates client metadata by its DTO class in the admin API error format, storing nothing', async () => {
    const before = (await platform.admin.call('GET', '/admin/clients')).json.length;
    const created = await platform.admin.call('POST', '/admin/clients', { client_id: 'a b', client_name: 'Shop', redirect_uris: ['https://shop.example/cb'], device_poll_interval: 0, require_2fa: 'yes', allowed_login_methods: ['password', 'magic'] });
    expect(created.status).toBe(400);
    expect(created.json).toEqual({
      error: 'invalid_request',
      error_description: expect.stringMatching(/^invalid /),
      fields: {
        client_id: 'must be 3-300 characters of letters, digits and . _ ~ -',
        device_poll_interval: 'must be an integer from 1 to 60 seconds',
        require_2fa: 'must be true or false',
        allowed_login_methods: 'must be a non-empty array of password, phone_otp, email_otp, certificate, federated',
      },
    });
    expect((await platform.admin.call('POST', '/admin/clients', { redirect_uris: ['https://shop.example/cb'] })).json.fields).toEqual({ client_name: 'is required' });
    expect((await platform.admin.call('GET', '/admin/clients')).json.length).toBe(before);

    const client = (await platform.admin.call('POST', '/admin/clients', { client_name: 'Shop', redirect_uris: ['https://shop.example/cb'] })).json;
    const patched = await platform.admin.call('PATCH', `/admin/clients/${client.client_id}`, { access_token_ttl: 30, first_party: 'no' });
    expect(patched).toMatchObject({ status: 400, json: { error: 'invalid_request', fields: { access_token_ttl: 'must be an integer number of seconds, 60 or more', first_party: 'must be true or false' } } });
    expect((await platform.admin.call('GET', `/admin/clients/${client.client_id}`)).json).not.toHaveProperty('access_token_ttl');

    const org = await platform.admin.call('POST', '/admin/organizations', { name: 7, owner_sub: 5 });
    expect(org).toMatchObject({ status: 400, json: { error: 'invalid_request', fields: { name: 'is required', owner_sub: 'must be a string' } } });
    const anchor = await platform.admin.call('POST', '/admin/trust-anchors', { certificate: 42 });
    expect(anchor).toMatchObject({ status: 400, json: { fields: { certificate: 'must be one X.509 certificate, PEM or base64 DER' } } });
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
    expect(schema('/admin/clients', 'post').required).toEqual(['client_name']);
    expect(schema('/admin/clients/{id}', 'patch').required ?? []).toEqual([]);
    expect(schema('/admin/organizations', 'post')).toMatchObject({ required: ['name'] });
    expect(schema('/admin/trust-anchors', 'post')).toMatchObject({ required: ['certificate'] });
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
