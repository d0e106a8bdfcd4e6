import { getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { KeyLike, SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { DataSource } from 'typeorm';
import { basic, clientKey, postForm, startJwksServer } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const EXTERN = 'https://api.example/extern';
const now = () => Math.floor(Date.now() / 1000);
type Registered = { client_id: string; client_secret: string };
type Key = Awaited<ReturnType<typeof clientKey>>;

describe('partner grants: trusted and jwt-bearer, with users linked through /api/v1/external-accounts', () => {
  let platform: EmbeddedPlatform;
  let token: string;
  let links: string;
  let partner: Registered;
  let partnerKey: Key;
  let standard: Registered;
  let standardKey: Key;
  let plain: Registered;
  let jwksServer: Awaited<ReturnType<typeof startJwksServer>>;
  let aigerim: { id: string };
  let bolat: { id: string };

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    token = `${platform.base}/connect/token`;
    links = `${platform.base}/api/v1/external-accounts`;
    await platform.admin.createResource({ name: 'Extern API', audience: EXTERN, scopes: ['extern.api', 'extern.read'] });
    await platform.admin.createResource({ name: 'Billing', audience: 'https://billing.example', scopes: ['billing'] });
    partnerKey = await clientKey('RS256');
    partner = await platform.admin.createClient({ client_name: 'Bank', grant_types: ['trusted'], scope: 'extern.api extern.read', jwks: { keys: [partnerKey.publicJwk] } });
    // The standard twin: keys from a jwks_uri, pairwise subjects.
    standardKey = await clientKey('RS256');
    jwksServer = await startJwksServer();
    jwksServer.keys = [standardKey.publicJwk];
    standard = await platform.admin.createClient({ client_name: 'Insurer', grant_types: [JWT_BEARER_GRANT], scope: 'extern.api billing', subject_type: 'pairwise', jwks_uri: jwksServer.uri });
    plain = await platform.admin.createClient({ client_name: 'Backend', grant_types: ['client_credentials'], scope: 'extern.api' });
    aigerim = await platform.admin.createUser({ login: 'aigerim', password: 'aigerim-password', phone: '+7 707 111 22 33' });
    bolat = await platform.admin.createUser({ login: 'bolat', password: 'bolat-password-1', phone: '+7 707 444 55 66' });
    // A phone typed in and never confirmed: it names no account.
    const accounts = platform.app.get<DataSource>(getDataSourceToken('accounts'));
    await accounts.query(`UPDATE accounts.users SET phone_verified = false WHERE id = $1`, [bolat.id]);
  });

  afterAll(async () => {
    await jwksServer?.close();
    await platform.close();
  });

  async function linkJson(who: Registered, body: Record<string, unknown>) {
    const res = await fetch(links, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: basic(who.client_id, who.client_secret) }, body: JSON.stringify(body) });
    return { status: res.status, json: await res.json(), headers: res.headers };
  }

  async function signed(clientId: string, key: { kid: string; privateKey: KeyLike }, claims: Record<string, unknown> = {}, header: Record<string, unknown> = { kid: key.kid }) {
    const payload: Record<string, unknown> = { iss: clientId, sub: 'bank-user-1', jti: randomUUID(), iat: now(), exp: now() + 600, ...claims };
    for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', ...header }).sign(key.privateKey);
  }

  const trusted = async (jwt: string, extra: Record<string, string> = {}, who: Registered = partner) =>
    postForm(token, { grant_type: 'trusted', token: jwt, ...extra }, { Authorization: basic(who.client_id, who.client_secret) });

  describe('linking', () => {
    it('links a partner user id to the account with that verified phone (JSON body), answering 201', async () => {
      const res = await linkJson(partner, { service_user_id: 'bank-user-1', phone: '8 (707) 111-22-33' });
      expect(res.status).toBe(201);
      expect(res.json).toEqual({ service_user_id: 'bank-user-1', sub: aigerim.id, created_at: expect.any(String) });
    });

    it('takes a form body too, and gives a pairwise client the sub it will see in tokens', async () => {
      const res = await postForm(links, { service_user_id: 'ins-7', phone: '+77071112233' }, { Authorization: basic(standard.client_id, standard.client_secret) });
      expect(res.status).toBe(201);
      expect(res.json.sub).not.toBe(aigerim.id);
      expect(res.json.sub).toMatch(/^[\w-]{43}$/);
    });

    it('refuses an unverified phone and an unknown phone with the same answer', async () => {
      const expected = { error: 'invalid_request', error_description: 'invalid phone', fields: { phone: 'no account has this phone number verified' } };
      const unverified = await linkJson(partner, { service_user_id: 'bank-user-2', phone: '+77074445566' });
      expect(unverified.status).toBe(400);
      expect(unverified.json).toEqual(expected);
      const unknown = await linkJson(partner, { service_user_id: 'bank-user-2', phone: '+77079990000' });
      expect(unknown.status).toBe(400);
      expect(unknown.json).toEqual(expected);
    });

    it('refuses a bad phone and missing fields', async () => {
      const bad = await linkJson(partner, { service_user_id: 'bank-user-2', phone: '12' });
      expect(bad.status).toBe(400);
      expect(bad.json).toEqual({ error: 'invalid_request', error_description: 'invalid phone', fields: { phone: 'not a valid phone number' } });
      const missing = await linkJson(partner, {});
      expect(missing.json).toEqual({ error: 'invalid_request', error_description: 'invalid service_user_id, phone', fields: { service_user_id: 'is required', phone: 'is required' } });
    });

    it('answers 409 when the service_user_id is already linked', async () => {
      const res = await linkJson(partner, { service_user_id: 'bank-user-1', phone: '+77071112233' });
      expect(res.status).toBe(409);
      expect(res.json).toEqual({ error: 'conflict', error_description: 'this service_user_id is already linked', fields: { service_user_id: 'this service_user_id is already linked' } });
    });

    it('refuses an unauthenticated caller, a wrong secret, and a client without a partner grant', async () => {
      const none = await fetch(links, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ service_user_id: 'x', phone: '+77071112233' }) });
      expect(none.status).toBe(401);
      expect(await none.json()).toEqual({ error: 'invalid_client', error_description: 'no client authentication was included' });
      const wrong = await linkJson({ client_id: partner.client_id, client_secret: 'wrong' }, { service_user_id: 'x', phone: '+77071112233' });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="token", charset="UTF-8"');
      expect(wrong.json).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
      const other = await linkJson(plain, { service_user_id: 'x', phone: '+77071112233' });
      expect(other.status).toBe(400);
      expect(other.json).toEqual({ error: 'unauthorized_client', error_description: 'this client may not use the trusted or jwt-bearer grant' });
    });

    it('unlinks with DELETE, after which the partner user id no longer signs in', async () => {
      expect((await linkJson(partner, { service_user_id: 'bank-user-9', phone: '+77071112233' })).status).toBe(201);
      expect((await trusted(await signed(partner.client_id, partnerKey, { sub: 'bank-user-9' }))).status).toBe(200);
      const del = await fetch(`${links}/bank-user-9`, { method: 'DELETE', headers: { Authorization: basic(partner.client_id, partner.client_secret) } });
      expect(del.status).toBe(204);
      const again = await fetch(`${links}/bank-user-9`, { method: 'DELETE', headers: { Authorization: basic(partner.client_id, partner.client_secret) } });
      expect(again.status).toBe(404);
      expect(await again.json()).toEqual({ error: 'not_found', error_description: 'external account not found' });
      const res = await trusted(await signed(partner.client_id, partnerKey, { sub: 'bank-user-9' }));
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: 'invalid_grant', error_description: 'the token sub is not linked to an account' });
    });
  });

  describe('grant_type=trusted', () => {
    it('issues an access token only, for the linked account, with the client API scopes by default', async () => {
      const res = await trusted(await signed(partner.client_id, partnerKey));
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(Object.keys(res.json).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
      expect(res.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'extern.api extern.read' });
      expect(decodeProtectedHeader(res.json.access_token)).toMatchObject({ typ: 'at+jwt', alg: 'RS256' });
      const claims = decodeJwt(res.json.access_token);
      expect(claims).toMatchObject({ iss: platform.base, sub: aigerim.id, client_id: partner.client_id, aud: EXTERN, scope: 'extern.api extern.read' });
    });

    it('accepts a token whose header names the key by x5t, and aud naming the token endpoint', async () => {
      const jwt = await signed(partner.client_id, partnerKey, { aud: token }, { x5t: 'partner-cert-thumbprint' });
      const res = await trusted(jwt, { scope: 'extern.read' });
      expect(res.status).toBe(200);
      expect(decodeJwt(res.json.access_token)).toMatchObject({ sub: aigerim.id, scope: 'extern.read' });
    });

    it.each<[string, () => Promise<string>, string]>([
      ['expired', () => signed(partner.client_id, partnerKey, { exp: now() - 60 }), 'the token has expired'],
      ['living more than 24 hours', () => signed(partner.client_id, partnerKey, { exp: now() + 25 * 3600 }), 'the token must expire within 24 hours'],
      ['signed with another key', async () => signed(partner.client_id, { kid: partnerKey.kid, privateKey: (await clientKey('RS256')).privateKey }), 'the token signature is invalid'],
      ['for another audience', () => signed(partner.client_id, partnerKey, { aud: 'https://elsewhere.example' }), 'the token audience is not this server'],
      ['with a jti over 36 bytes', () => signed(partner.client_id, partnerKey, { jti: 'x'.repeat(37) }), 'the token jti must be a string of at most 36 bytes'],
      ['about an unlinked user', () => signed(partner.client_id, partnerKey, { sub: 'never-linked' }), 'the token sub is not linked to an account'],
    ])('answers a token %s with invalid_grant', async (_what, make, description) => {
      const res = await trusted(await make());
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: 'invalid_grant', error_description: description });
    });

    it('refuses a replayed jti', async () => {
      const jwt = await signed(partner.client_id, partnerKey);
      expect((await trusted(jwt)).status).toBe(200);
      const replay = await trusted(jwt);
      expect(replay.status).toBe(400);
      expect(replay.json).toEqual({ error: 'invalid_grant', error_description: 'the token was already used' });
    });

    it('does not burn the jti of a request refused for its scope', async () => {
      const jwt = await signed(partner.client_id, partnerKey);
      const refused = await trusted(jwt, { scope: 'billing' });
      expect(refused.json).toEqual({ error: 'invalid_scope', error_description: 'scope not allowed for this client: billing' });
      expect((await trusted(jwt)).status).toBe(200);
    });

    it.each([
      [{ scope: 'openid extern.api' }, { error: 'invalid_scope', error_description: 'only API scopes may be requested with this grant: openid' }],
      [{ scope: 'billing' }, { error: 'invalid_scope', error_description: 'scope not allowed for this client: billing' }],
    ])('answers %j with invalid_scope', async (extra, body) => {
      const res = await trusted(await signed(partner.client_id, partnerKey), extra);
      expect(res.status).toBe(400);
      expect(res.json).toEqual(body);
    });

    it('answers a missing token with invalid_request and a client without the grant with unauthorized_client', async () => {
      const missing = await postForm(token, { grant_type: 'trusted' }, { Authorization: basic(partner.client_id, partner.client_secret) });
      expect(missing.status).toBe(400);
      expect(missing.json).toEqual({ error: 'invalid_request', error_description: 'missing parameter: token' });
      const other = await trusted(await signed(plain.client_id, partnerKey), {}, plain);
      expect(other.status).toBe(400);
      expect(other.json).toEqual({ error: 'unauthorized_client', error_description: 'this client may not use the trusted grant' });
      const twin = await postForm(token, { grant_type: JWT_BEARER_GRANT, assertion: await signed(partner.client_id, partnerKey) }, { Authorization: basic(partner.client_id, partner.client_secret) });
      expect(twin.json).toEqual({ error: 'unauthorized_client', error_description: `this client may not use the ${JWT_BEARER_GRANT} grant` });
    });
  });

  describe(`grant_type=${JWT_BEARER_GRANT}`, () => {
    const bearer = (assertion: string, extra: Record<string, string> = {}) =>
      postForm(token, { grant_type: JWT_BEARER_GRANT, assertion, ...extra }, { Authorization: basic(standard.client_id, standard.client_secret) });

    it('issues an access token for the pairwise sub, with the keys from the jwks_uri and the requested scope', async () => {
      const res = await bearer(await signed(standard.client_id, standardKey, { sub: 'ins-7', aud: platform.base }), { scope: 'billing' });
      expect(res.status).toBe(200);
      expect(Object.keys(res.json).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
      const claims = decodeJwt(res.json.access_token);
      expect(claims).toMatchObject({ client_id: standard.client_id, aud: 'https://billing.example', scope: 'billing' });
      expect(claims.sub).not.toBe(aigerim.id);
      const link = await linkJson(standard, { service_user_id: 'ins-7', phone: '+77071112233' });
      expect(link.status).toBe(409);
    });

    it('refuses a replayed assertion and a missing one', async () => {
      const assertion = await signed(standard.client_id, standardKey, { sub: 'ins-7' });
      expect((await bearer(assertion, { scope: 'extern.api' })).status).toBe(200);
      expect((await bearer(assertion, { scope: 'extern.api' })).json).toEqual({ error: 'invalid_grant', error_description: 'the assertion was already used' });
      const missing = await postForm(token, { grant_type: JWT_BEARER_GRANT }, { Authorization: basic(standard.client_id, standard.client_secret) });
      expect(missing.json).toEqual({ error: 'invalid_request', error_description: 'missing parameter: assertion' });
    });

    it('binds the token to one API with resource', async () => {
      const res = await bearer(await signed(standard.client_id, standardKey, { sub: 'ins-7' }), { resource: EXTERN });
      expect(res.status).toBe(200);
      expect(decodeJwt(res.json.access_token)).toMatchObject({ aud: EXTERN, scope: 'extern.api' });
    });
  });
});
