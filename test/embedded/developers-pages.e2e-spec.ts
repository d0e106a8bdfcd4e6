import { Browserless, postForm } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

/** The pages at /developers, driven as a browser submits their forms. */
describe("the integrators' cabinet pages at /developers", () => {
  let platform: EmbeddedPlatform;
  let browser: Browserless;

  const form = (overrides: Record<string, string> = {}) => ({
    client_name: 'Bakery',
    client_uri: 'https://bakery.example',
    redirect_uris: 'https://bakery.example/cb\nhttp://127.0.0.1:8080/cb',
    post_logout_redirect_uris: '',
    grant_types: 'client_credentials',
    response_types: '',
    token_endpoint_auth_method: 'client_secret_post',
    introspection_endpoint_auth_method: '',
    revocation_endpoint_auth_method: '',
    subject_type: 'public',
    application_type: 'web',
    scope: 'bakery.read',
    ...overrides,
  });

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    await platform.admin.createResource({ name: 'Bakery API', audience: 'https://api.bakery.example', scopes: ['bakery.read'] });
    await platform.admin.createUser({ login: 'aruzhan', password: 'aruzhan-password-1' });
    await platform.admin.createUser({ login: 'outsider', password: 'outsider-password-1' });
    browser = new Browserless(platform.base);
    const signIn = await browser.follow('/developers');
    expect(signIn.url).toContain('/interaction/');
    const home = await browser.submit(signIn, '/login', { username: 'aruzhan', password: 'aruzhan-password-1' });
    expect(home.url).toBe(`${platform.base}/developers`);
  });

  afterAll(() => platform.close());

  it('speaks Russian, English and Kazakh', async () => {
    for (const [lang, title] of [['ru', 'Кабинет интегратора'], ['en', "Integrators&#39; cabinet"], ['kk', 'Интегратор кабинеті']]) {
      const b = new Browserless(platform.base, lang);
      b.jar.store(browser.jar.header(`${platform.base}/developers`).split('; ').map((c) => `${c}; Path=/`));
      const page = await b.follow('/developers');
      expect(page.status).toBe(200);
      expect(page.body).toContain(`<html lang="${lang}">`);
      expect(page.body).toContain(title);
    }
  });

  it('shows a validation error on the page and creates nothing', async () => {
    const home = await browser.follow('/developers');
    const refused = await browser.submit(home, '/developers/apps', form({ redirect_uris: 'http://bakery.example/cb' }));
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('invalid_redirect_uri');
    expect(refused.body).toContain('must use https');
    const wrongGrant = await browser.submit(home, '/developers/apps', form({ grant_types: 'password' }));
    expect(wrongGrant.status).toBe(400);
    expect(wrongGrant.body).toContain('invalid_client_metadata');
    expect((await browser.follow('/developers')).body).not.toContain('data-client=');
  });

  it('refuses a form without the CSRF token', async () => {
    const res = await browser.request('/developers/apps', { form: form() });
    expect(res.status).toBe(403);
    expect((await browser.follow('/developers')).body).not.toContain('data-client=');
  });

  it('creates an application, shows its secret once, edits it, rotates the secret, and keeps strangers out', async () => {
    const home = await browser.follow('/developers');
    const created = await browser.submit(home, '/developers/apps', form());
    expect(created.status).toBe(201);
    const clientId = /id="client-id">([^<]+)</.exec(created.body)![1];
    const secret = /id="new-secret">([^<]+)</.exec(created.body)![1];
    expect(created.headers.get('cache-control')).toBe('no-store');
    const cc = (s: string) => postForm(`${platform.base}/connect/token`, { grant_type: 'client_credentials', scope: 'bakery.read', client_id: clientId, client_secret: s });
    expect((await cc(secret)).status).toBe(200);

    const page = await browser.follow(`/developers/apps/${clientId}`);
    expect(page.body).not.toContain('id="new-secret"');
    expect(page.body).toContain('Bakery');

    const edited = await browser.submit(page, `/developers/apps/${clientId}/edit`, form({ client_name: 'Bakery & Co', access_token_ttl: '900' }));
    expect(edited.status).toBe(200);
    expect(edited.url).toContain('done=saved');
    expect(edited.body).toContain('Bakery &amp; Co');
    const badEdit = await browser.submit(edited, `/developers/apps/${clientId}/edit`, form({ access_token_ttl: '999999' }));
    expect(badEdit.status).toBe(400);
    expect(badEdit.body).toContain('access_token_ttl');
    expect((await platform.admin.call('GET', `/admin/clients/${clientId}`)).json).toMatchObject({ client_name: 'Bakery & Co', access_token_ttl: 900 });

    const rotated = await browser.submit(edited, `/developers/apps/${clientId}/secrets`, { grace_seconds: '3600' });
    expect(rotated.status).toBe(200);
    const second = /id="new-secret">([^<]+)</.exec(rotated.body)![1];
    expect(second).not.toBe(secret);
    expect((await cc(secret)).status).toBe(200);
    expect((await cc(second)).status).toBe(200);
    expect(rotated.body).toContain('data-status="grace"');
    const tooLong = await browser.submit(rotated, `/developers/apps/${clientId}/secrets`, { grace_seconds: '9999999' });
    expect(tooLong.status).toBe(400);

    const oldId = /data-secret="([^"]+)" data-status="grace"/.exec(rotated.body)![1];
    const revoked = await browser.submit(rotated, `/developers/apps/${clientId}/secrets/revoke`, { secret_id: oldId });
    expect(revoked.url).toContain('done=revoked');
    expect((await cc(secret)).status).toBe(401);
    expect(await postForm(`${platform.base}/connect/introspect`, { token: 'x', client_id: clientId, client_secret: second })).toMatchObject({ status: 200, json: { active: false } });
    expect((await postForm(`${platform.base}/connect/introspect`, { token: 'x', client_id: clientId, client_secret: secret })).status).toBe(401);

    const requested = await browser.submit(revoked, `/developers/apps/${clientId}/capabilities`, { capability: 'trusted_phone' });
    expect(requested.body).toContain('data-capability-status="pending"');

    const outsider = new Browserless(platform.base);
    const signIn = await outsider.follow('/developers');
    await outsider.submit(signIn, '/login', { username: 'outsider', password: 'outsider-password-1' });
    const hidden = await outsider.follow(`/developers/apps/${clientId}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body).not.toContain('Bakery');
    const csrf = /name="csrf" value="([^"]+)"/.exec((await outsider.follow('/developers')).body)![1];
    expect((await outsider.request(`/developers/apps/${clientId}/secrets`, { form: { csrf, grace_seconds: '0' } })).status).toBe(404);
    expect((await cc(second)).status).toBe(200);

    const deleted = await browser.submit(requested, `/developers/apps/${clientId}/delete`, { confirm: 'yes' });
    expect(deleted.url).toBe(`${platform.base}/developers?done=deleted`);
    expect((await cc(second)).status).toBe(401);
  });
});
