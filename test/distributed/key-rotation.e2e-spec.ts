import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { AdminApi, basic, postForm } from '@idp/testing';
import { Topology } from './topology';

const PREPUBLISH = 5;

describe('distributed mode: a key rotated through one auth instance reaches the other without a restart', () => {
  // Seconds instead of an hour and a minute, so the whole life of a key fits in the test.
  const topology = new Topology({ KEY_PREPUBLISH_SECONDS: String(PREPUBLISH), KEY_RELOAD_SECONDS: '1' });
  let client: { client_id: string; client_secret: string };

  const jwks = async (base: string) => (await fetch(`${base}/.well-known/openid-configuration/jwks`)).json();
  const kids = async (base: string) => (await jwks(base)).keys.map((k: { kid: string }) => k.kid);
  const token = async (base: string) => {
    const res = await postForm(`${base}/connect/token`, { grant_type: 'client_credentials', scope: 'extern.api' }, { Authorization: basic(client.client_id, client.client_secret) });
    expect(res.status).toBe(200);
    return res.json.access_token as string;
  };
  const introspect = async (base: string, t: string) => (await postForm(`${base}/connect/introspect`, { token: t }, { Authorization: basic(client.client_id, client.client_secret) })).json;
  const kidOf = (jwt: string) => decodeProtectedHeader(jwt).kid;

  beforeAll(async () => {
    await Topology.resetDatabase();
    await topology.start();
    await topology.admin.createResource({ name: 'Extern API', audience: 'https://api.example/extern', scopes: ['extern.api'] });
    client = await topology.admin.createClient({ client_name: 'Partner backend', grant_types: ['client_credentials'], scope: 'extern.api' });
  });

  afterAll(() => topology.stopAll());

  it('publishes the next key on instance B before B signs with it, then B switches at activation', async () => {
    const [oldKid] = await kids(topology.authB);
    const beforeOnB = await token(topology.authB);
    expect(kidOf(beforeOnB)).toBe(oldKid);

    const rotated = await topology.admin.call('POST', '/admin/keys/rotate');
    expect(rotated.status).toBe(201);
    const next = rotated.json;
    const activation = new Date(next.activated_at).getTime();

    // B reads the keys again within its reload interval and publishes the new one ahead of use.
    const until = Date.now() + 4000;
    while (!(await kids(topology.authB)).includes(next.kid) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect(await kids(topology.authB)).toEqual([next.kid, oldKid]);
    expect(Date.now()).toBeLessThan(activation);
    expect(kidOf(await token(topology.authB))).toBe(oldKid);
    const listedOnB = await new AdminApi(topology.authB, topology.adminToken).call('GET', '/admin/keys');
    expect(listedOnB.json.map((k: { kid: string; status: string }) => [k.kid, k.status])).toEqual([[next.kid, 'next'], [oldKid, 'current']]);

    await new Promise((r) => setTimeout(r, activation - Date.now() + 300));

    for (const base of [topology.authA, topology.authB]) {
      const fresh = await token(base);
      expect(kidOf(fresh)).toBe(next.kid);
      await expect(jwtVerify(fresh, createLocalJWKSet(await jwks(topology.authB)), { issuer: topology.authA })).resolves.toBeDefined();
    }
    // The token B signed with the old key still holds on both instances, and both still publish that key.
    expect(await introspect(topology.authA, beforeOnB)).toMatchObject({ active: true, client_id: client.client_id });
    expect(await introspect(topology.authB, beforeOnB)).toMatchObject({ active: true });
    expect(await kids(topology.authA)).toEqual([next.kid, oldKid]);
    expect(await kids(topology.authB)).toEqual([next.kid, oldKid]);
    const listed = await topology.admin.call('GET', '/admin/keys');
    expect(listed.json.map((k: { kid: string; status: string }) => [k.kid, k.status])).toEqual([[next.kid, 'current'], [oldKid, 'retiring']]);
  });
});
