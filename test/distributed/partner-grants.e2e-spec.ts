import { randomUUID } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';
import { basic, clientKey, postForm } from '@idp/testing';
import { Topology } from './topology';

describe('distributed mode: partner grants across two auth instances', () => {
  const topology = new Topology();
  let partner: { client_id: string; client_secret: string };
  let key: Awaited<ReturnType<typeof clientKey>>;
  let user: { id: string };

  beforeAll(async () => {
    await Topology.resetDatabase();
    await topology.start();
    await topology.admin.createResource({ name: 'Extern API', audience: 'https://api.example/extern', scopes: ['extern.api'] });
    key = await clientKey('RS256');
    partner = await topology.admin.createClient({ client_name: 'Bank', grant_types: ['trusted'], scope: 'extern.api', jwks: { keys: [key.publicJwk] } });
    user = await topology.admin.createUser({ login: 'nurlan', password: 'nurlan-password', phone: '+7 701 222 33 44' });
  });

  afterAll(() => topology.stopAll());

  it('links on instance A (phone resolved by accounts over NATS), issues on instance B, and refuses the same jti on A', async () => {
    const link = await postForm(`${topology.authA}/api/v1/external-accounts`, { service_user_id: 'bank-77', phone: '87012223344' }, { Authorization: basic(partner.client_id, partner.client_secret) });
    expect(link.status).toBe(201);
    expect(link.json).toEqual({ service_user_id: 'bank-77', sub: user.id, created_at: expect.any(String) });

    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({ iss: partner.client_id, sub: 'bank-77', jti: randomUUID(), exp: now + 3600 })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .sign(key.privateKey);
    const form = { grant_type: 'trusted', token: jwt };
    const headers = { Authorization: basic(partner.client_id, partner.client_secret) };

    const onB = await postForm(`${topology.authB}/connect/token`, form, headers);
    expect(onB.status).toBe(200);
    expect(Object.keys(onB.json).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
    expect(decodeJwt(onB.json.access_token)).toMatchObject({ iss: topology.authA, sub: user.id, client_id: partner.client_id, aud: 'https://api.example/extern', scope: 'extern.api' });

    const replayOnA = await postForm(`${topology.authA}/connect/token`, form, headers);
    expect(replayOnA.status).toBe(400);
    expect(replayOnA.json).toEqual({ error: 'invalid_grant', error_description: 'the token was already used' });
  });

  it('refuses on instance B a partner user id unlinked on instance A', async () => {
    const headers = { Authorization: basic(partner.client_id, partner.client_secret) };
    const del = await fetch(`${topology.authA}/api/v1/external-accounts/bank-77`, { method: 'DELETE', headers });
    expect(del.status).toBe(204);
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({ iss: partner.client_id, sub: 'bank-77', jti: randomUUID(), exp: now + 600 }).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey);
    const res = await postForm(`${topology.authB}/connect/token`, { grant_type: 'trusted', token: jwt }, headers);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: 'invalid_grant', error_description: 'the token sub is not linked to an account' });
  });
});
