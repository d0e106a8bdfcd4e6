import { Browserless } from '@idp/testing';
import { TxtResolver } from '../../apps/auth/src/organizations/txt-resolver';
import { UpstreamIdp, startUpstreamIdp } from '../support/upstream-idp';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { api, signInToCabinet } from './cabinet';

/** Owners and admins manage their organisation from the cabinet; members see theirs and may leave. */
describe('organisation self-service in the cabinet (/api/account/organizations)', () => {
  let platform: EmbeddedPlatform;
  let upstream: UpstreamIdp;
  const dns: Record<string, string[]> = {};
  const logged: string[] = [];
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const people: Record<string, { id: string; browser: Browserless; csrf: Record<string, string> }> = {};
  let orgId: string;

  beforeAll(async () => {
    process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => (logged.push(String(chunk)), (writes.out as any).call(process.stdout, chunk, ...rest))) as never;
    process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => (logged.push(String(chunk)), (writes.err as any).call(process.stderr, chunk, ...rest))) as never;
    platform = await startEmbeddedPlatform({ LOG_LEVEL: 'debug' });
    jest.spyOn(platform.app.get(TxtResolver), 'resolve').mockImplementation(async (domain: string) => dns[domain] ?? []);
    upstream = await startUpstreamIdp(`${platform.base}/interaction/federated/callback`);
    for (const login of ['owner', 'second', 'helper', 'worker', 'outsider']) {
      const user = await platform.admin.createUser({ login, password: `${login}-password-1`, email: `${login}@example.kz`, given_name: login });
      const { browser } = await signInToCabinet(platform.base, login, `${login}-password-1`);
      const me = await api(platform.base, browser, 'GET', '/api/account');
      people[login] = { id: user.id, browser, csrf: { 'X-CSRF-Token': me.json.csrf_token } };
    }
    orgId = (await platform.admin.call('POST', '/admin/organizations', { name: 'Acme', owner_sub: people.owner.id })).json.id;
    await platform.admin.call('PUT', `/admin/organizations/${orgId}/members/${people.helper.id}`, { role: 'admin' });
    await platform.admin.call('PUT', `/admin/organizations/${orgId}/members/${people.worker.id}`, { role: 'member' });
  }, 60000);

  afterAll(async () => {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    await upstream?.stop();
    await platform?.close();
  });

  const as = (who: string, method: string, path: string, body?: unknown, csrf = true) =>
    api(platform.base, people[who].browser, method, `/api/account/organizations${path}`, body, csrf ? people[who].csrf : {});

  it('lists the caller\'s organisations; members see only the name and their role, managers see the members', async () => {
    expect((await api(platform.base, null, 'GET', '/api/account/organizations')).status).toBe(401);
    expect((await as('worker', 'GET', '')).json).toEqual([{ organization_id: orgId, name: 'Acme', role: 'member' }]);
    expect((await as('outsider', 'GET', '')).json).toEqual([]);
    const asMember = await as('worker', 'GET', `/${orgId}`);
    expect(asMember.json).toEqual({ id: orgId, name: 'Acme', created_at: expect.any(String), role: 'member' });
    expect((await as('outsider', 'GET', `/${orgId}`)).status).toBe(404);
    const asOwner = (await as('owner', 'GET', `/${orgId}`)).json;
    expect(asOwner.role).toBe('owner');
    expect(asOwner.members).toEqual(expect.arrayContaining([expect.objectContaining({ sub: people.worker.id, role: 'member', email: 'worker@example.kz' })]));
  });

  it('refuses changes without the CSRF header, and changes by members or outsiders, changing nothing', async () => {
    expect((await as('owner', 'POST', `/${orgId}/invitations`, { email: 'new@example.kz' }, false)).status).toBe(403);
    expect(await as('worker', 'POST', `/${orgId}/invitations`, { email: 'new@example.kz' })).toMatchObject({ status: 403, json: { error: 'access_denied' } });
    expect((await as('worker', 'PUT', `/${orgId}/members/${people.worker.id}`, { role: 'admin' })).status).toBe(403);
    expect((await as('outsider', 'DELETE', `/${orgId}/members/${people.worker.id}`)).status).toBe(404);
    expect((await as('worker', 'POST', `/${orgId}/domains`, { domain: 'acme.kz' })).status).toBe(403);
    const after = (await platform.admin.call('GET', `/admin/organizations/${orgId}`)).json;
    expect(after.invitations).toEqual([]);
    expect(after.domains).toEqual([]);
    expect(after.members.find((m: { sub: string }) => m.sub === people.worker.id).role).toBe('member');
  });

  it('invites by e-mail or phone; only an owner invites owners; bad input is a 400 naming the field', async () => {
    expect((await as('helper', 'POST', `/${orgId}/invitations`, { email: 'Second@Example.kz', role: 'admin' })).json).toMatchObject({ email: 'second@example.kz', role: 'admin' });
    expect((await as('helper', 'POST', `/${orgId}/invitations`, { phone: '+77015550011' })).json).toMatchObject({ phone: '+77015550011', role: 'member' });
    expect((await as('helper', 'POST', `/${orgId}/invitations`, { email: 'boss@example.kz', role: 'owner' })).status).toBe(403);
    expect(await as('helper', 'POST', `/${orgId}/invitations`, { email: 'not-an-address' })).toMatchObject({ status: 400, json: { error: 'invalid_request', fields: { email: 'not a valid e-mail address' } } });
    expect((await as('helper', 'POST', `/${orgId}/invitations`, { email: 'x@example.kz', role: 'king' })).json.fields).toEqual({ role: 'one of owner, admin, member' });
    expect((await as('owner', 'POST', `/${orgId}/invitations`, { email: 'boss@example.kz', role: 'owner' })).status).toBe(201);
  });

  it('changes roles: admins manage members, only owners change owners, the last owner stays', async () => {
    expect((await as('helper', 'PUT', `/${orgId}/members/${people.worker.id}`, { role: 'admin' })).json).toMatchObject({ sub: people.worker.id, role: 'admin' });
    expect((await as('helper', 'PUT', `/${orgId}/members/${people.worker.id}`, { role: 'member' })).status).toBe(200);
    expect((await as('helper', 'PUT', `/${orgId}/members/${people.worker.id}`, { role: 'owner' })).status).toBe(403);
    expect((await as('helper', 'PUT', `/${orgId}/members/${people.owner.id}`, { role: 'member' })).status).toBe(403);
    expect((await as('helper', 'DELETE', `/${orgId}/members/${people.owner.id}`)).status).toBe(403);
    expect(await as('owner', 'PUT', `/${orgId}/members/${people.owner.id}`, { role: 'admin' })).toMatchObject({ status: 409, json: { error: 'conflict' } });
    expect((await as('owner', 'POST', `/${orgId}/leave`)).status).toBe(409);
    expect((await as('owner', 'PUT', `/${orgId}/members/${people.outsider.id}`, { role: 'member' })).status).toBe(404);

    // A second owner, made by the owner, may then be demoted by either owner.
    await platform.admin.call('PUT', `/admin/organizations/${orgId}/members/${people.second.id}`, { role: 'member' });
    expect((await as('owner', 'PUT', `/${orgId}/members/${people.second.id}`, { role: 'owner' })).json.role).toBe('owner');
    expect((await as('second', 'PUT', `/${orgId}/members/${people.owner.id}`, { role: 'admin' })).json.role).toBe('admin');
    expect((await as('second', 'PUT', `/${orgId}/members/${people.owner.id}`, { role: 'owner' })).json.role).toBe('owner');
  });

  it('removes members, and a member leaves on their own', async () => {
    expect((await as('helper', 'DELETE', `/${orgId}/members/${people.worker.id}`)).status).toBe(204);
    expect((await as('worker', 'GET', '')).json).toEqual([]);
    await platform.admin.call('PUT', `/admin/organizations/${orgId}/members/${people.worker.id}`, { role: 'member' });
    expect((await as('worker', 'POST', `/${orgId}/leave`, {}, false)).status).toBe(403);
    expect((await as('worker', 'POST', `/${orgId}/leave`)).status).toBe(204);
    expect((await as('worker', 'GET', `/${orgId}`)).status).toBe(404);
    const trail = (await platform.admin.call('GET', `/admin/users/${people.worker.id}/audit`)).json as Array<{ type: string; data: Record<string, unknown> }>;
    expect(trail.filter((e) => e.type === 'organization.member_removed').map((e) => e.data.via)).toEqual(['left', 'cabinet']);
  });

  it('claims a domain, shows what to publish, verifies it, and sets up, changes and removes the upstream provider without ever showing its secret', async () => {
    const claimed = await as('helper', 'POST', `/${orgId}/domains`, { domain: 'Acme.kz' });
    expect(claimed.status).toBe(201);
    expect(claimed.json).toMatchObject({ domain: 'acme.kz', verified: false, dns_txt_record: `idp-verification=${claimed.json.verification_token}`, http_file_url: 'https://acme.kz/.well-known/idp-verification.txt' });
    expect((await as('helper', 'POST', `/${orgId}/domains`, { domain: 'not a domain' })).json.fields).toHaveProperty('domain');
    expect(await as('helper', 'POST', `/${orgId}/domains/acme.kz/verify`)).toMatchObject({ status: 400, json: { error: 'verification_failed' } });
    dns['acme.kz'] = [claimed.json.dns_txt_record];
    expect((await as('helper', 'POST', `/${orgId}/domains/acme.kz/verify`)).json).toMatchObject({ domain: 'acme.kz', verified: true, method: 'dns' });
    expect((await as('owner', 'GET', `/${orgId}`)).json.domains).toEqual([expect.objectContaining({ domain: 'acme.kz', verified: true, dns_txt_record: claimed.json.dns_txt_record })]);

    const incomplete = await as('helper', 'POST', `/${orgId}/upstream-providers`, { discovery_url: `${upstream.issuer}/.well-known/openid-configuration` });
    expect(incomplete).toMatchObject({ status: 400, json: { error: 'invalid_request', fields: { client_id: 'is required', client_secret: 'is required' } } });
    const added = await as('helper', 'POST', `/${orgId}/upstream-providers`, {
      name: 'Acme SSO', discovery_url: `${upstream.issuer}/.well-known/openid-configuration`, client_id: upstream.clientId, client_secret: upstream.clientSecret,
    });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ name: 'Acme SSO', issuer: upstream.issuer, redirect_uri: `${platform.base}/interaction/federated/callback` });
    const changed = await as('owner', 'PATCH', `/${orgId}/upstream-providers/${added.json.id}`, { name: 'Acme Workforce', client_secret: `${upstream.clientSecret}-rotated` });
    expect(changed.json).toMatchObject({ id: added.json.id, name: 'Acme Workforce' });
    expect((await as('owner', 'PATCH', `/${orgId}/upstream-providers/${added.json.id}`, { scopes: 'openid' })).status).toBe(400);
    expect((await as('worker', 'PATCH', `/${orgId}/upstream-providers/${added.json.id}`, { name: 'x' })).status).toBe(404);
    const shown = await as('owner', 'GET', `/${orgId}`);
    expect(shown.json.upstream_providers).toEqual([expect.objectContaining({ id: added.json.id, name: 'Acme Workforce' })]);
    for (const answer of [added, changed, shown]) expect(JSON.stringify(answer.json)).not.toContain(upstream.clientSecret);

    expect((await as('helper', 'DELETE', `/${orgId}/upstream-providers/${added.json.id}`)).status).toBe(204);
    expect((await as('helper', 'DELETE', `/${orgId}/upstream-providers/${added.json.id}`)).status).toBe(404);
    expect((await as('helper', 'DELETE', `/${orgId}/domains/acme.kz`)).status).toBe(204);
    const trail = (await platform.admin.call('GET', `/admin/users/${people.helper.id}/audit`)).json as Array<{ type: string; data: Record<string, unknown> }>;
    expect(trail.map((e) => e.type)).toEqual(expect.arrayContaining(['organization.domain_claimed', 'organization.domain_verified', 'organization.provider_changed', 'organization.domain_removed']));
  });

  it('serves the same management as pages with CSRF-protected forms, showing only what the role allows', async () => {
    await platform.admin.call('PUT', `/admin/organizations/${orgId}/members/${people.worker.id}`, { role: 'member' });
    const owner = people.owner.browser;
    const page = await owner.request('/account/organizations');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h2>Acme</h2>');
    expect(page.body).toContain('worker@example.kz');
    expect((await owner.request('/account')).body).toContain('href="/account/organizations"');

    const invited = await owner.submit(page, `/account/organizations/${orgId}/invitations`, { email: 'pages@example.kz', role: 'admin' });
    // The form answers 303 back to the page (the test browser follows it), with a notice.
    expect(invited.url).toMatch(/\/account\/organizations\?done=1$/);
    const after = invited;
    expect(after.body).toContain('Saved.');
    expect(after.body).toContain('pages@example.kz');
    const forged = await owner.request(`/account/organizations/${orgId}/invitations`, { form: { csrf: 'forged', email: 'forged@example.kz' } });
    expect(forged.status).toBe(403);
    const badInvite = await owner.submit(after, `/account/organizations/${orgId}/invitations`, { email: 'not-an-address' });
    expect(badInvite.status).toBe(400);
    expect(badInvite.body).toContain('not a valid e-mail address');
    expect(JSON.stringify((await platform.admin.call('GET', `/admin/organizations/${orgId}`)).json.invitations)).not.toContain('forged@example.kz');

    // A member sees the organisation and the way out, and no management forms; posting one anyway is refused.
    const workerPage = await people.worker.browser.request('/account/organizations');
    expect(workerPage.body).toContain('<h2>Acme</h2>');
    expect(workerPage.body).not.toContain('/invitations');
    expect(workerPage.body).toContain(`/account/organizations/${orgId}/leave`);
    const sneaky = await people.worker.browser.request(`/account/organizations/${orgId}/members/${people.owner.id}/remove`, { form: { csrf: people.worker.csrf['X-CSRF-Token'] } });
    expect(sneaky.status).toBe(403);
    expect(sneaky.body).toContain('only owners and admins manage the organization');

    // An admin sees no controls for an owner.
    const helperPage = await people.helper.browser.request('/account/organizations');
    expect(helperPage.body).not.toContain(`/members/${people.owner.id}/remove`);
    expect(helperPage.body).toContain(`/members/${people.worker.id}/remove`);

    // The provider form: the secret is write-only, an empty secret keeps the stored one.
    const claimed = await owner.submit(after, `/account/organizations/${orgId}/domains`, { domain: 'pages.kz' });
    const withDomain = claimed;
    expect(withDomain.body).toContain('idp-verification=');
    expect(withDomain.body).toContain('https://pages.kz/.well-known/idp-verification.txt');
    const saved = await owner.submit(withDomain, `/account/organizations/${orgId}/provider`, {
      name: 'Pages SSO', discovery_url: `${upstream.issuer}/.well-known/openid-configuration`, client_id: upstream.clientId, client_secret: upstream.clientSecret,
    });
    expect(saved.url).toMatch(/done=1$/);
    const withProvider = saved;
    expect(withProvider.body).toContain('value="Pages SSO"');
    expect(withProvider.body).toContain(`${platform.base}/interaction/federated/callback`);
    expect(withProvider.body).not.toContain(upstream.clientSecret);
    const renamed = await owner.submit(withProvider, `/account/organizations/${orgId}/provider`, { name: 'Pages Workforce', client_secret: '' });
    expect(renamed.url).toMatch(/done=1$/);
    const providers = (await platform.admin.call('GET', `/admin/organizations/${orgId}`)).json.upstream_providers;
    expect(providers).toEqual([expect.objectContaining({ name: 'Pages Workforce' })]);
    const removed = await owner.submit(await owner.request('/account/organizations'), `/account/organizations/${orgId}/provider/remove`, {});
    expect(removed.url).toMatch(/done=1$/);
    expect((await platform.admin.call('GET', `/admin/organizations/${orgId}`)).json.upstream_providers).toEqual([]);
  });

  it('never logs the upstream client secret', () => {
    const all = logged.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(upstream.clientSecret);
  });
});
