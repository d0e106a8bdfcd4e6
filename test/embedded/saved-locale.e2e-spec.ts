import { BaseClient, Issuer, generators } from 'openid-client';
import { Browserless, PageResponse } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { api } from './cabinet';

const REDIRECT = 'https://rp.example/cb';

/** Texts that tell the page languages apart. */
const CONSENT = { kk: 'Рұқсат беру', en: '>Allow<', ru: 'Разрешить' };
const TWO_FACTOR = { kk: 'Екі кезеңді кіру', en: 'Two-step sign-in', ru: 'Двухэтапный вход' };
const DEVICE = { kk: 'Құрылғыны қосу', en: 'Connect a device', ru: 'Подключение устройства' };
const LOGOUT = { kk: 'Шығасыз ба?', en: 'Sign out?', ru: 'Выйти?' };
const CABINET = { kk: 'Сіздің тіркелгіңіз', en: 'Your account' };

/**
 * Pages choose their language by ui_locales, then the language the signed-in user saved in the
 * profile, then Accept-Language, then Russian. `new Browserless(base, '')` sends no Accept-Language header at all.
 */
describe('the language saved in the profile', () => {
  let platform: EmbeddedPlatform;
  let rp: BaseClient;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    const registered = await platform.admin.createClient({ client_name: 'Bookshop', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], scope: 'openid profile' });
    rp = new (await Issuer.discover(platform.base)).Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
    for (const login of ['kanat', 'saule', 'timur']) await platform.admin.createUser({ login, password: `${login}-password-1`, given_name: login });
    // Kanat saves Kazakh in the cabinet (from an English-speaking browser); the others save nothing.
    const browser = await signIn(new Browserless(platform.base, 'en'), 'kanat');
    const me = await api(platform.base, browser, 'GET', '/api/account');
    const saved = await api(platform.base, browser, 'PATCH', '/api/account/profile', { locale: 'kk' }, { 'X-CSRF-Token': me.json.csrf_token });
    expect(saved).toMatchObject({ status: 200, json: { locale: 'kk' } });
  });

  afterAll(() => platform.close());

  const authorizeUrl = (extra: Record<string, string> = {}) =>
    rp.authorizationUrl({ scope: 'openid profile', state: generators.state(), nonce: generators.nonce(), code_challenge: generators.codeChallenge(generators.codeVerifier()), code_challenge_method: 'S256', ...extra });

  /** Authorize, then the password on the sign-in page: answers the page after it (consent here). */
  async function signIn(browser: Browserless, login: string, extra: Record<string, string> = {}): Promise<Browserless> {
    await toConsent(browser, login, extra);
    return browser;
  }

  async function toConsent(browser: Browserless, login: string, extra: Record<string, string> = {}): Promise<{ login: PageResponse; consent: PageResponse }> {
    const page = await browser.follow(authorizeUrl(extra));
    expect(page.url).toContain('/interaction/');
    const consent = await browser.submit(page, '/login', { username: login, password: `${login}-password-1` });
    return { login: page, consent };
  }

  it('gives a user who saved kk Kazakh pages once known, with no Accept-Language', async () => {
    const browser = new Browserless(platform.base, '');
    const { login, consent } = await toConsent(browser, 'kanat');
    // Before the user is known, nothing is saved to go by: Russian, the default.
    expect(login.body).toContain('Вход');
    expect(consent.body).toContain(CONSENT.kk);
    expect(consent.body).toContain('lang="kk"');

    // The session keeps the language: the cabinet, its two-factor page, the device page and sign-out.
    expect((await browser.follow('/account')).body).toContain(CABINET.kk);
    expect((await browser.follow('/account/two-factor')).body).toContain(TWO_FACTOR.kk);
    expect((await browser.follow('/device')).body).toContain(DEVICE.kk);
    expect((await browser.follow(`/connect/endsession?client_id=${rp.metadata.client_id}`)).body).toContain(LOGOUT.kk);
  });

  it('puts the saved language ahead of Accept-Language', async () => {
    const browser = new Browserless(platform.base, 'en-US,en;q=0.9');
    const { login, consent } = await toConsent(browser, 'kanat');
    expect(login.body).toContain('Sign in');
    expect(consent.body).toContain(CONSENT.kk);
    expect((await browser.follow('/account/two-factor')).body).toContain(TWO_FACTOR.kk);
  });

  it('lets ui_locales=en win over the saved language', async () => {
    const browser = new Browserless(platform.base, '');
    const { consent } = await toConsent(browser, 'kanat', { ui_locales: 'en' });
    expect(consent.body).toContain(CONSENT.en);
    expect(consent.body).not.toContain(CONSENT.kk);
    expect((await browser.follow(`/connect/endsession?client_id=${rp.metadata.client_id}&ui_locales=en`)).body).toContain(LOGOUT.en);
    expect((await browser.follow('/account/two-factor?ui_locales=en')).body).toContain(TWO_FACTOR.en);
  });

  it('uses Accept-Language when nothing is saved, and Russian without it', async () => {
    const kazakh = new Browserless(platform.base, 'kk-KZ,ru;q=0.5');
    expect((await toConsent(kazakh, 'saule')).consent.body).toContain(CONSENT.kk);
    expect((await kazakh.follow('/device')).body).toContain(DEVICE.kk);
    const english = new Browserless(platform.base, 'en');
    expect((await toConsent(english, 'saule')).consent.body).toContain(CONSENT.en);
    expect((await english.follow('/account/two-factor')).body).toContain(TWO_FACTOR.en);
    const none = new Browserless(platform.base, '');
    expect((await toConsent(none, 'timur')).consent.body).toContain(CONSENT.ru);
    expect((await none.follow('/account/two-factor')).body).toContain(TWO_FACTOR.ru);
  });

  it('follows a change in the cabinet on the sessions already open, at once', async () => {
    await platform.admin.createUser({ login: 'zhanna', password: 'zhanna-password-1', given_name: 'zhanna' });
    const browser = new Browserless(platform.base, '');
    await signIn(browser, 'zhanna');
    expect((await browser.follow('/account/two-factor')).body).toContain(TWO_FACTOR.ru);
    const me = await api(platform.base, browser, 'GET', '/api/account');
    const form = await browser.follow('/account');
    const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)![1];
    const saved = await browser.request('/account/profile', { form: { csrf, given_name: 'zhanna', locale: 'kk' } });
    expect(saved.status).toBe(303);
    expect((await browser.follow('/account/two-factor')).body).toContain(TWO_FACTOR.kk);
    // The JSON twin does the same; a refused value changes nothing.
    const bad = await api(platform.base, browser, 'PATCH', '/api/account/profile', { locale: 'de' }, { 'X-CSRF-Token': me.json.csrf_token });
    expect(bad.status).toBe(400);
    expect((await browser.follow('/device')).body).toContain(DEVICE.kk);
    await api(platform.base, browser, 'PATCH', '/api/account/profile', { locale: 'en' }, { 'X-CSRF-Token': me.json.csrf_token });
    expect((await browser.follow('/device')).body).toContain(DEVICE.en);
  });
});
