import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

describe('admin API audit', () => {
  let platform: EmbeddedPlatform;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
  });

  afterAll(() => platform.close());

  const audit = async (query = '') => {
    const res = await platform.admin.call('GET', `/admin/audit${query}`);
    expect(res.status).toBe(200);
    return res.json as Array<Record<string, unknown>>;
  };

  it('records every admin call, refused ones included, newest first, without bodies or tokens', async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    const created = await platform.admin.call('POST', '/admin/users', { login: 'audited', password: 'audited-password-1' });
    expect(created.status).toBe(201);
    expect((await platform.admin.call('POST', '/admin/users', { login: 'audited', password: 'audited-password-1' })).status).toBe(409);
    const wrongToken = await fetch(`${platform.base}/admin/clients`, { headers: { Authorization: 'Bearer not-the-admin-token-at-all' } });
    expect(wrongToken.status).toBe(401);
    expect((await platform.admin.call('GET', `/admin/users?query=audited`)).status).toBe(200);

    const entries = await audit('?limit=4');
    expect(entries).toHaveLength(4);
    // The audit read itself is written only as its answer goes out, so the newest entries are the four calls above.
    expect(entries.map((e) => [e.method, e.route, e.path, e.status, e.outcome])).toEqual([
      ['GET', '/admin/users', '/admin/users', 200, 'ok'],
      ['GET', '/admin/clients', '/admin/clients', 401, 'unauthorized'],
      ['POST', '/admin/users', '/admin/users', 409, 'refused'],
      ['POST', '/admin/users', '/admin/users', 201, 'ok'],
    ]);
    for (const e of entries) {
      expect(e.ip).toBe('127.0.0.1');
      expect(Date.parse(e.at as string)).toBeGreaterThanOrEqual(Date.parse(before));
      expect(Object.keys(e).sort()).toEqual(['at', 'id', 'ip', 'method', 'outcome', 'path', 'route', 'status']);
    }
    const stored = JSON.stringify(await audit('?limit=1000'));
    expect(stored).not.toContain('audited-password-1');
    expect(stored).not.toContain('not-the-admin-token-at-all');
    expect(stored).not.toContain('test-admin-token-0123456789');
  });

  it('keeps the route pattern next to the concrete path, pages back with before_id, and records unknown admin paths', async () => {
    expect((await platform.admin.call('PATCH', '/admin/users/00000000-0000-0000-0000-000000000000', { locked: true })).status).toBe(404);
    expect((await platform.admin.call('GET', '/admin/no-such-thing')).status).toBe(404);
    const [unknown, patch] = await audit('?limit=2');
    expect(unknown).toMatchObject({ method: 'GET', path: '/admin/no-such-thing', status: 404, outcome: 'refused' });
    expect(patch).toMatchObject({ method: 'PATCH', route: '/admin/users/:id', path: '/admin/users/00000000-0000-0000-0000-000000000000', status: 404 });

    const page = await audit(`?limit=1&before_id=${patch.id}`);
    expect(Number(page[0].id)).toBeLessThan(Number(patch.id));
    // The read of the previous page is there too: reading the audit is an admin call like any other.
    expect((await audit('?limit=1'))[0]).toMatchObject({ method: 'GET', route: '/admin/audit', status: 200 });
  });

  it('refuses bad paging parameters in the admin error format, and a caller without the token', async () => {
    const bad = await platform.admin.call('GET', '/admin/audit?limit=0&before_id=abc');
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error: 'invalid_request', error_description: 'invalid limit, before_id', fields: { limit: 'must be an integer from 1 to 1000', before_id: 'must be an entry id' } });
    expect((await fetch(`${platform.base}/admin/audit`)).status).toBe(401);
  });
});
