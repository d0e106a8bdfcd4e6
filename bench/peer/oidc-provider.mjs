// The benchmark's peer: node-oidc-provider configured like our auth app for the scenarios the
// bench runs. RS256 JWT access tokens for one API resource, introspection, revocation, refresh
// rotation, client_credentials, the device flow, and a password login through its interaction API
// (bcrypt at the cost we are given, like our accounts service), driven without a browser.
//
// Usage: node bench/peer/oidc-provider.mjs --port 0 --bcrypt-cost 10
// Prints one line `{"peer":"oidc-provider","issuer":"http://127.0.0.1:<port>", ...}` when listening.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';
import { exportJWK, generateKeyPair } from 'jose';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';

const require = createRequire(import.meta.url);
const bcrypt = require('bcrypt');

const { values: args } = parseArgs({
  options: { port: { type: 'string', default: '0' }, 'bcrypt-cost': { type: 'string', default: '10' } },
});

export const API = 'https://api.bench.example';
export const API_SCOPE = 'bench.api';
const CLIENT = { client_id: 'bench-client', client_secret: randomBytes(24).toString('hex') };
const USER = { login: 'bench-user', password: 'bench-password-1', id: 'bench-user-id' };
const REDIRECT_URI = 'http://127.0.0.1:9/cb';

const passwordHash = await bcrypt.hash(USER.password, Number(args['bcrypt-cost']));

const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
const signingJwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'peer-key' };

/**
 * oidc-provider's own in-memory adapter over a store without its 1,000-entry LRU limit (which
 * would evict the codes and sessions the bench mints beforehand); entries still expire. Kept in
 * memory, the peer does less work per request than our PostgreSQL-backed platform.
 */
class UnboundedStore {
  entries = new Map();
  get(key) {
    const e = this.entries.get(key);
    if (e && e.expiresAt && e.expiresAt < Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e?.value;
  }
  set(key, value, options) {
    this.entries.set(key, { value, expiresAt: options?.maxAge ? Date.now() + options.maxAge : 0 });
  }
  delete(key) {
    this.entries.delete(key);
  }
}
const store = new UnboundedStore();

const server = createServer();
await new Promise((resolve) => server.listen(Number(args.port), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  adapter: (model) => new MemoryAdapter(model, store),
  clients: [
    {
      ...CLIENT,
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: ['code'],
      scope: `openid profile offline_access ${API_SCOPE}`,
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signingJwk] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  scopes: ['openid', 'profile', 'offline_access', API_SCOPE],
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
  pkce: { required: () => false },
  rotateRefreshToken: true,
  ttl: { AccessToken: 3600, AuthorizationCode: 300, RefreshToken: 2592000, IdToken: 1800, DeviceCode: 600, ClientCredentials: 3600, Interaction: 3600, Session: 1209600, Grant: 1209600 },
  features: {
    devInteractions: { enabled: false },
    introspection: { enabled: true },
    revocation: { enabled: true },
    clientCredentials: { enabled: true },
    deviceFlow: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Like ours: a request that names the API's scope gets a token for the API; one without it does not.
      defaultResource: (ctx, _client, oneOf) => oneOf ?? (String(ctx.oidc.params?.scope ?? ctx.oidc.entities?.Grant?.getOIDCScope?.() ?? '').split(' ').includes(API_SCOPE) ? API : undefined),
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== API) throw new Provider.errors.InvalidTarget();
        return { scope: API_SCOPE, audience: API, accessTokenTTL: 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
  async findAccount(_ctx, id) {
    if (id !== USER.id) return undefined;
    return { accountId: id, claims: () => ({ sub: id, name: 'Bench User', preferred_username: USER.login }) };
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
});

const readForm = (req) =>
  new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(body))));
    req.on('error', reject);
  });

const page = (res, uid, action, fields) => {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  const inputs = fields.map((f) => `<input name="${f}" autocomplete="${f === 'password' ? 'current-password' : 'username'}">`).join('');
  res.end(`<!doctype html><form method="post" action="/interaction/${uid}/${action}">${inputs}<button name="decision" value="allow">go</button></form>`);
};

/** The interaction routes: what an integrator of oidc-provider writes (login with a password, then consent). */
async function interaction(req, res) {
  const [, , uid, action] = req.url.split('?')[0].split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (process.env.PEER_DEBUG) process.stderr.write(JSON.stringify(details.prompt) + '\n');
  if (req.method === 'GET') return page(res, uid, details.prompt.name === 'login' ? 'login' : 'consent', details.prompt.name === 'login' ? ['username', 'password'] : []);
  const form = await readForm(req);
  if (action === 'login') {
    const known = form.username === USER.login;
    const ok = await bcrypt.compare(form.password ?? '', passwordHash);
    if (!known || !ok) return page(res, uid, 'login', ['username', 'password']);
    return provider.interactionFinished(req, res, { login: { accountId: USER.id } }, { mergeWithLastSubmission: false });
  }
  const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  grant.addOIDCScope(`openid profile offline_access ${API_SCOPE}`);
  grant.addResourceScope(API, API_SCOPE);
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const callback = provider.callback();
server.on('request', (req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((err) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(err?.message ?? err));
    });
    return;
  }
  callback(req, res);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.stdout.write(
  JSON.stringify({ peer: 'oidc-provider', issuer, client: CLIENT, user: { login: USER.login, password: USER.password }, redirect_uri: REDIRECT_URI, api: API, api_scope: API_SCOPE }) + '\n',
);
