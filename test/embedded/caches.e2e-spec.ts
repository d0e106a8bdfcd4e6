import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { basic, postForm } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

/** Counts the statements every app of the embedded platform sends to the database. */
function countQueries(platform: EmbeddedPlatform): { count: number } {
  const counter = { count: 0 };
  for (const name of ['auth', 'accounts', 'consent']) {
    const ds = platform.app.get<DataSource>(getDataSourceToken(name), { strict: false });
    const create = ds.createQueryRunner.bind(ds);
    ds.createQueryRunner = (...args: Parameters<DataSource['createQueryRunner']>) => {
      const runner = create(...args);
      const query = runner.query.bind(runner);
      runner.query = ((...q: Parameters<typeof runner.query>) => {
        // The per-client daily token counts are written by a timer every few seconds, for all
        // requests at once, not by any one request.
        if (!String(q[0]).includes('auth.client_usage_daily')) counter.count++;
        return query(...q);
      }) as typeof runner.query;
      return runner;
    };
  }
  return counter;
}

describe('hot-path caches: clients, resources, keys', () => {
  let platform: EmbeddedPlatform;
  let token: string;
  let m2m: { client_id: string; client_secret: string };
  const cc = (scope = 'cache.api') => postForm(token, { grant_type: 'client_credentials', scope }, { Authorization: basic(m2m.client_id, m2m.client_secret) });

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    token = `${platform.base}/connect/token`;
    await platform.admin.createResource({ name: 'Cache API', audience: 'https://cache.example', scopes: ['cache.api'] });
    m2m = await platform.admin.createClient({ client_name: 'Cached', grant_types: ['client_credentials'], scope: 'cache.api other.api' });
  });

  afterAll(() => platform.close());

  it('client_credentials touches the database at most once per request', async () => {
    expect((await cc()).status).toBe(200);
    const counter = countQueries(platform);
    for (let i = 0; i < 5; i++) expect((await cc()).status).toBe(200);
    expect(counter.count).toBeLessThanOrEqual(5);
    // The counter sees what does reach the database.
    const before = counter.count;
    expect((await platform.admin.call('GET', '/admin/clients')).status).toBe(200);
    expect(counter.count).toBeGreaterThan(before);
  });

  it('a changed client is seen by the next request', async () => {
    expect((await cc()).status).toBe(200);
    const patched = await platform.admin.call('PATCH', `/admin/clients/${m2m.client_id}`, { grant_types: ['authorization_code'], redirect_uris: ['https://rp.example/cb'] });
    expect(patched.status).toBe(200);
    const refused = await cc();
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ error: 'unauthorized_client', error_description: 'this client may not use the client_credentials grant' });
    expect((await platform.admin.call('PATCH', `/admin/clients/${m2m.client_id}`, { grant_types: ['client_credentials'] })).status).toBe(200);
    expect((await cc()).status).toBe(200);
  });

  it('a new API resource is usable at once, though the list of resources was cached', async () => {
    expect((await cc('other.api')).json).toEqual({ error: 'invalid_scope', error_description: 'unknown scope: other.api' });
    await platform.admin.createResource({ name: 'Other', audience: 'https://other.example', scopes: ['other.api'] });
    const res = await cc('other.api');
    expect(res.status).toBe(200);
    expect(res.json.scope).toBe('other.api');
  });

  it('a deleted client is refused by the next request', async () => {
    expect((await cc()).status).toBe(200);
    expect((await platform.admin.call('DELETE', `/admin/clients/${m2m.client_id}`)).status).toBe(204);
    const res = await cc();
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
  });
});
