import { BaseClient, Issuer, generators } from 'openid-client';
import { Browserless } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

const REDIRECT = 'https://rp.example/cb';

describe('a password change required by an administrator', () => {
  let platform: EmbeddedPlatform;
  let rp: BaseClient;
  let id: string;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    const registered = await platform.admin.createClient({ client_name: 'Bookshop', redirect_uris: [REDIRECT], scope: 'openid profile' });
    rp = new (await Issuer.discover(platform.base)).Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
    id = (await platform.admin.createUser({ login: 'kairat', password: 'kairat-password-1', password_change_required: true })).id;
  });

  afterAll(() => platform.close());

  function start() {
    const checks = { state: generators.state(), code_verifier: generators.codeVerifier() };
    return { checks, url: rp.authorizationUrl({ scope: 'openid profile', state: checks.state, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' }) };
  }

  async function signIn(password: string) {
    const browser = new Browserless(platform.base);
    const { url, checks } = start();
    const login = await browser.follow(url);
    return { browser, checks, page: await browser.submit(login, '/login', { username: 'kairat', password }) };
  }

  it('stops at the password step before consent; cancelling there names the stage', async () => {
    const { browser, page } = await signIn('kairat-password-1');
    expect(page.url).toMatch(/\/interaction\/[^/]+\/password$/);
    expect(page.body).toContain('Your administrator asks you to choose a new password before you go on.');
    const cancelled = await browser.submit(page, '/cancel', {}, 'cancel');
    const params = new URL(cancelled.location!).searchParams;
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('cancel_stage')).toBe('password_change');
  });

  it('refuses a weak password and a forged form, then goes on to consent and the client', async () => {
    const { browser, checks, page } = await signIn('kairat-password-1');
    const forged = await browser.request(new URL(page.url).pathname, { form: { csrf: 'forged', password: 'kairat-password-2' } });
    expect(forged.status).toBe(403);
    const weak = await browser.submit(page, '/password', { password: 'qwertyuiop' });
    expect(weak.status).toBe(400);
    expect(weak.body).toContain('Choose another password');
    const consent = await browser.submit(weak, '/password', { password: 'kairat-password-2' });
    expect(consent.body).toContain('Bookshop asks for access');
    const out = await browser.submit(consent, '/consent', {}, 'allow');
    const tokens = await rp.callback(REDIRECT, rp.callbackParams(out.location!), checks);
    expect(await rp.userinfo(tokens)).toMatchObject({ password_change_required: false });

    const [summary] = (await platform.admin.call('GET', `/admin/users?query=${id}`)).json;
    expect(summary.password_change_required).toBe(false);
    const trail = (await platform.admin.call('GET', `/admin/users/${id}/audit`)).json as Array<{ type: string; data: unknown }>;
    expect(trail.find((e) => e.type === 'user.password_changed')!.data).toEqual({ via: 'forced' });
  });

  it('asks no more once the password is changed, and the old password no longer works', async () => {
    expect((await signIn('kairat-password-1')).page.status).toBe(401);
    const again = await signIn('kairat-password-2');
    expect(again.page.location).toContain('code=');
  });
});
