import { Browserless, basic, postForm } from '@idp/testing';
import { signInThroughPages } from '../embedded/flows';
import { Topology } from './topology';

/**
 * Cached clients and API resources across auth instances, each running as a cluster of two
 * workers: a change made through one instance is seen at once by every worker of the other.
 */
describe('distributed: hot-path caches dropped on every instance and worker', () => {
  const topology = new Topology({ AUTH_WORKERS: '2' });
  let m2m: { client_id: string; client_secret: string };
  const cc = (base: string, scope = 'dist.cache') =>
    postForm(`${base}/connect/token`, { grant_type: 'client_credentials', scope }, { Authorization: basic(m2m.client_id, m2m.client_secret) });
  /** Enough requests that both workers of an instance answer some (connections are handed out in turn). */
  const statuses = async (base: string, scope?: string) => Promise.all(Array.from({ length: 6 }, () => cc(base, scope).then((r) => r.status)));

  beforeAll(async () => {
    await Topology.resetDatabase();
    await topology.start();
    await topology.admin.createResource({ name: 'Dist cache', audience: 'https://dist-cache.example', scopes: ['dist.cache'] });
    m2m = await topology.admin.createClient({ client_name: 'Cached m2m', grant_types: ['client_credentials'], scope: 'dist.cache dist.later' });
  }, 120_000);

  afterAll(() => topology.stopAll());

  it('every worker of both instances answers, and each instance runs two workers', async () => {
    expect(await statuses(topology.authA)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await statuses(topology.authB)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(topology.log('auth-a')).toMatch(/worker 1 of 2/);
    expect(topology.log('auth-a')).toMatch(/worker 2 of 2/);
  });

  it('/metrics answers the sum over both workers, whichever worker the scrape reaches', async () => {
    const issued = async (): Promise<number[]> =>
      Promise.all(
        Array.from({ length: 4 }, async () => {
          const res = await fetch(`${topology.authA}/metrics`);
          expect(res.status).toBe(200);
          const text = await res.text();
          expect(text).not.toMatch(/cluster metrics unavailable/);
          const line = text.split('\n').find((l) => l.startsWith('oauth_token_requests_total{') && l.includes(`client_id="${m2m.client_id}"`) && l.includes('outcome="issued"'));
          return line ? Number(line.split(' ').pop()) : 0;
        }),
      );
    const before = await issued();
    expect(new Set(before).size).toBe(1);
    // Six concurrent requests are shared out over both workers; every scrape sees all six.
    expect(await statuses(topology.authA)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await issued()).toEqual(before.map((n) => n + 6));
  });

  it('a client changed through instance A is refused at once by every worker of instance B', async () => {
    expect(await statuses(topology.authB)).toEqual([200, 200, 200, 200, 200, 200]);
    const patched = await topology.admin.call('PATCH', `/admin/clients/${m2m.client_id}`, { grant_types: ['authorization_code'], redirect_uris: ['https://rp.example/cb'] });
    expect(patched.status).toBe(200);
    expect(await statuses(topology.authB)).toEqual([400, 400, 400, 400, 400, 400]);
    expect((await cc(topology.authB)).json.error).toBe('unauthorized_client');
    expect((await topology.admin.call('PATCH', `/admin/clients/${m2m.client_id}`, { grant_types: ['client_credentials'] })).status).toBe(200);
    expect(await statuses(topology.authB)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('an API resource added through instance A is usable at once on instance B', async () => {
    expect((await cc(topology.authB, 'dist.later')).json).toEqual({ error: 'invalid_scope', error_description: 'unknown scope: dist.later' });
    await topology.admin.createResource({ name: 'Later', audience: 'https://later.example', scopes: ['dist.later'] });
    expect(await statuses(topology.authB, 'dist.later')).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('a client deleted through instance A is invalid_client at once on instance B', async () => {
    expect((await topology.admin.call('DELETE', `/admin/clients/${m2m.client_id}`)).status).toBe(204);
    expect(await statuses(topology.authB)).toEqual([401, 401, 401, 401, 401, 401]);
  });

  it("UserInfo on every worker of instance B shows a profile changed through instance A once the accounts app's event arrives", async () => {
    const redirect = 'https://rp.example/cb';
    const app = await topology.admin.createClient({ client_name: 'Dist cabinet', redirect_uris: [redirect], scope: 'openid profile account', first_party: true, token_endpoint_auth_method: 'client_secret_post' });
    await topology.admin.createUser({ login: 'saule', password: 'saule-password-1', given_name: 'Saule' });
    const authorize = `${topology.authA}/connect/authorize?${new URLSearchParams({ client_id: app.client_id, response_type: 'code', redirect_uri: redirect, scope: 'openid profile account', state: 'dist-cache-state' })}`;
    const out = await signInThroughPages(new Browserless(topology.authA), authorize, { login: 'saule', password: 'saule-password-1' });
    const code = new URL(out.location!).searchParams.get('code')!;
    const tokens = (await postForm(`${topology.authA}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: app.client_id, client_secret: app.client_secret })).json;
    const bearer = { Authorization: `Bearer ${tokens.access_token}` };
    const nicknames = async () => Promise.all(Array.from({ length: 6 }, async () => (await (await fetch(`${topology.authB}/connect/userinfo`, { headers: bearer })).json()).nickname ?? null));

    // Both workers of B now keep the claims without a nickname.
    expect(await nicknames()).toEqual([null, null, null, null, null, null]);
    const saved = await fetch(`${topology.authA}/api/account/profile`, { method: 'PATCH', headers: { ...bearer, 'Content-Type': 'application/json' }, body: JSON.stringify({ nickname: 'sake' }) });
    expect(saved.status).toBe(200);
    let seen: Array<string | null> = [];
    for (let i = 0; i < 30; i++) {
      seen = await nicknames();
      if (seen.every((n) => n === 'sake')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // Well inside the ten seconds the copies would otherwise live.
    expect(seen).toEqual(['sake', 'sake', 'sake', 'sake', 'sake', 'sake']);

    // A revocation through A holds on B at once: it is read from the database, never from a copy.
    expect((await postForm(`${topology.authA}/connect/revocation`, { token: tokens.access_token, client_id: app.client_id, client_secret: app.client_secret })).status).toBe(200);
    const after = await Promise.all(Array.from({ length: 6 }, async () => (await fetch(`${topology.authB}/connect/userinfo`, { headers: bearer })).status));
    expect(after).toEqual([401, 401, 401, 401, 401, 401]);
  });
});
