import { getDataSourceToken } from '@nestjs/typeorm';
import { BaseClient, Issuer, generators } from 'openid-client';
import { DataSource } from 'typeorm';
import { Browserless, PageResponse, parseForms } from '@idp/testing';
import { Clock } from '../../apps/accounts/src/clock/clock';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';
import { askPhoneCode, newCode, readOutbox } from './otp';

const REDIRECT = 'https://rp.example/cb';

describe('sign-in and registration with one-time codes (embedded, development outbox)', () => {
  let platform: EmbeddedPlatform;
  let client: BaseClient;
  let passwordOnly: { client_id: string };
  let authDb: DataSource;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({ OTP_MAX_PER_IP_HOUR: '1000', OTP_MAX_PER_IP_DAY: '1000' });
    const registered = await platform.admin.createClient({
      client_name: 'Kassa',
      redirect_uris: [REDIRECT],
      scope: 'openid profile email phone',
      allowed_login_methods: ['password', 'phone_otp', 'email_otp'],
    });
    passwordOnly = await platform.admin.createClient({ client_name: 'Legacy', redirect_uris: [REDIRECT], scope: 'openid' });
    const issuer = await Issuer.discover(platform.base);
    client = new issuer.Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
    authDb = platform.app.get<DataSource>(getDataSourceToken('auth'));
  });

  afterAll(() => platform.close());
  afterEach(() => jest.restoreAllMocks());

  function start(scope = 'openid profile phone') {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = client.authorizationUrl({ scope, state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    return { url, checks };
  }

  async function tokensFrom(out: PageResponse, checks: Record<string, string>) {
    expect(out.location?.startsWith(REDIRECT + '?')).toBe(true);
    return client.callback(REDIRECT, client.callbackParams(out.location!), checks);
  }

  const sessionAmr = async (sid: unknown) => (await authDb.query(`SELECT amr FROM auth.sso_sessions WHERE id = $1`, [sid]))[0].amr;

  it('registers a new account from a phone code, asks for a name, then signs in again with a new code', async () => {
    const browser = new Browserless(platform.base);
    const { url, checks } = start();
    const login = await browser.follow(url);
    const forms = parseForms(login.body);
    expect(forms.find((f) => f.action.endsWith('/otp/phone'))!.autocomplete).toEqual({ phone: 'tel' });
    expect(forms.find((f) => f.action.endsWith('/otp/email'))!.autocomplete).toEqual({ email: 'email' });

    const codePage = await askPhoneCode(browser, login, '8 707 555 01 01');
    expect(codePage.status).toBe(200);
    expect(codePage.url).toMatch(/\/otp$/);
    expect(codePage.body).toContain('We sent a 6-digit code by SMS to +77075550101.');
    expect(parseForms(codePage.body).find((f) => f.action.endsWith('/otp/verify'))!.autocomplete).toEqual({ code: 'one-time-code' });

    const code = await newCode(platform.base, '+77075550101');
    const [message] = await readOutbox(platform.base, '8 707 555 01 01');
    expect(message).toEqual({ channel: 'sms', to: '+77075550101', code, text: `Your sign-in code: ${code}. It is valid for 6 min. Do not share it with anyone.`, at: expect.any(String) });

    const profile = await browser.submit(codePage, '/otp/verify', { code: `${code.slice(0, 3)} ${code.slice(3)}` });
    expect(profile.url).toMatch(/\/profile$/);
    expect(parseForms(profile.body)[0].autocomplete).toEqual({ given_name: 'given-name', family_name: 'family-name' });
    const noName = await browser.submit(profile, '/profile', { given_name: '  ' });
    expect(noName.status).toBe(400);
    expect(noName.body).toContain('Enter your first name');

    const consent = await browser.submit(noName, '/profile', { given_name: 'Aruzhan', family_name: 'Bekova' });
    expect(consent.body).toContain('value="allow"');
    const tokens = await tokensFrom(await browser.submit(consent, '/consent', {}, 'allow'), checks);
    const sub = tokens.claims().sub;
    expect(await client.userinfo(tokens)).toMatchObject({ sub, given_name: 'Aruzhan', family_name: 'Bekova', phone_number: '+77075550101', phone_number_verified: true });
    expect(await sessionAmr(tokens.claims().sid)).toEqual(['otp']);
    expect(tokens.claims().amr).toEqual(['otp']);
    const [interaction] = await authDb.query(`SELECT state, amr FROM auth.interactions WHERE session_id = $1`, [tokens.claims().sid]);
    expect(interaction).toEqual({ state: 'completed', amr: ['otp'] });

    // Another browser, the same phone, past the 120 s: the next code signs in to the same account, consent remembered.
    const later = new Date(Date.now() + 121_000);
    jest.spyOn(platform.app.get(Clock), 'now').mockImplementation(() => later);
    const again = start();
    const other = new Browserless(platform.base);
    const secondPage = await askPhoneCode(other, await other.follow(again.url), '+7 707 555 01 01');
    const second = await newCode(platform.base, '+77075550101', [code]);
    const back = await tokensFrom(await other.submit(secondPage, '/otp/verify', { code: second }), again.checks);
    expect(back.claims().sub).toBe(sub);
  });

  it('accepts a phone number or an e-mail address as the login of a password sign-in, and records amr pwd', async () => {
    await platform.admin.createUser({ login: 'kairat', password: 'kairat-password-1', phone: '+7 701 222 33 44', email: 'kairat@example.kz' });
    for (const identifier of ['8 (701) 222-33-44', 'Kairat@Example.KZ', 'kairat']) {
      const { url, checks } = start('openid');
      const browser = new Browserless(platform.base);
      const out = await signInThroughPages(browser, url, { login: identifier, password: 'kairat-password-1' });
      const tokens = await tokensFrom(out, checks);
      expect(await sessionAmr(tokens.claims().sid)).toEqual(['pwd']);
      expect(tokens.claims().amr).toEqual(['pwd']);
    }
  });

  it('counts wrong codes down, then refuses even the right one until a new code is sent', async () => {
    const browser = new Browserless(platform.base);
    const { url, checks } = start('openid');
    let page = await askPhoneCode(browser, await browser.follow(url), '+77075550202');
    const code = await newCode(platform.base, '+77075550202');
    const wrong = code === '000000' ? '111111' : '000000';
    for (const left of [4, 3, 2, 1]) {
      page = await browser.submit(page, '/otp/verify', { code: wrong });
      expect(page.status).toBe(400);
      expect(page.body).toContain(`The code is wrong. Attempts left: ${left}.`);
    }
    page = await browser.submit(page, '/otp/verify', { code: wrong });
    expect(page.body).toContain('Too many wrong codes. Ask for a new code.');
    page = await browser.submit(page, '/otp/verify', { code });
    expect(page.status).toBe(400);
    expect(page.body).toContain('Too many wrong codes. Ask for a new code.');

    // A new code only after 120 s: the page says when; then the new code works.
    const early = await browser.submit(page, '/otp/resend', {});
    expect(early.status).toBe(429);
    expect(early.headers.get('retry-after')).toMatch(/^(119|120)$/);
    expect(early.body).toMatch(/A code was sent here moments ago\. You can ask for a new one in (119|120) s\./);
    expect(early.body).toMatch(/You can ask for a new code in \d+ s, at \d\d:\d\d:\d\d UTC\./);
    const clock = platform.app.get(Clock);
    const later = new Date(Date.now() + 121_000);
    jest.spyOn(clock, 'now').mockImplementation(() => later);
    const resent = await browser.submit(early, '/otp/resend', {});
    expect(resent.status).toBe(200);
    expect(resent.body).toContain('A new code is on its way.');
    const fresh = await newCode(platform.base, '+77075550202', [code]);
    const profile = await browser.submit(resent, '/otp/verify', { code: fresh });
    expect(profile.url).toMatch(/\/profile$/);
    await tokensFrom(await browser.submit(profile, '/profile', { given_name: 'Dias' }), checks);
  });

  it('stops sending to one phone after 5 codes in an hour, and says for how long', async () => {
    const browser = new Browserless(platform.base);
    let page = await askPhoneCode(browser, await browser.follow(start('openid').url), '+77075550808');
    const clock = jest.spyOn(platform.app.get(Clock), 'now');
    let at = Date.now();
    for (let sent = 2; sent <= 5; sent++) {
      at += 121_000;
      const moment = new Date(at);
      clock.mockImplementation(() => moment);
      page = await browser.submit(page, '/otp/resend', {});
      expect(page.status).toBe(200);
    }
    const sixth = new Date(at + 121_000);
    clock.mockImplementation(() => sixth);
    page = await browser.submit(page, '/otp/resend', {});
    expect(page.status).toBe(429);
    // The first code leaves the hour 3600 - 5 x 121 s after the sixth try: 50 min.
    expect(page.body).toContain('Too many codes were asked for. Try again in 50 min.');
    expect(await readOutbox(platform.base, '+77075550808')).toHaveLength(5);
  });

  it('says a code has expired after 330 seconds', async () => {
    const browser = new Browserless(platform.base);
    const page = await askPhoneCode(browser, await browser.follow(start('openid').url), '+77075550303');
    const code = await newCode(platform.base, '+77075550303');
    const expiry = new Date(Date.now() + 330_000);
    jest.spyOn(platform.app.get(Clock), 'now').mockImplementation(() => expiry);
    const expired = await browser.submit(page, '/otp/verify', { code });
    expect(expired.status).toBe(400);
    expect(expired.body).toContain('The code has expired. Ask for a new code.');
  });

  it('shows the same pages for a phone with an account and one without', async () => {
    await platform.admin.createUser({ login: 'known-phone', password: 'known-password-1', phone: '+77075550404' });
    const pageFor = async (phone: string) => {
      const browser = new Browserless(platform.base);
      const login = await browser.follow(start('openid').url);
      const page = await askPhoneCode(browser, login, phone);
      const id = new URL(page.url).pathname.split('/')[2];
      const csrf = parseForms(page.body)[0].fields.csrf;
      return { status: page.status, url: page.url.replace(id, 'ID'), body: page.body.replaceAll(id, 'ID').replaceAll(csrf, 'CSRF').replace(phone, 'PHONE').replace(/\d\d:\d\d:\d\d UTC/, 'TIME') };
    };
    const known = await pageFor('+77075550404');
    const unknown = await pageFor('+77075550505');
    expect(unknown).toEqual(known);
    expect(known.status).toBe(200);
    // Both got a code; neither answer said which one has an account.
    expect(await readOutbox(platform.base, '+77075550404')).toHaveLength(1);
    expect(await readOutbox(platform.base, '+77075550505')).toHaveLength(1);
  });

  it('fills the phone field from a login_hint that is a phone number', async () => {
    const browser = new Browserless(platform.base);
    const page = await browser.follow(client.authorizationUrl({ scope: 'openid', state: generators.state(), login_hint: '+77075550707' }));
    expect(parseForms(page.body).find((f) => f.action.endsWith('/otp/phone'))!.fields.phone).toBe('+77075550707');
  });

  it('explains a mistyped phone, and keeps a password-only client to passwords', async () => {
    const browser = new Browserless(platform.base);
    const bad = await askPhoneCode(browser, await browser.follow(start('openid').url), '12345');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Enter a phone number, for example +7 707 123 45 67.');

    const legacy = new Browserless(platform.base);
    const page = await legacy.follow(`/connect/authorize?${new URLSearchParams({ client_id: passwordOnly.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'state-12345' })}`);
    expect(parseForms(page.body).map((f) => f.action.split('/').slice(3).join('/'))).toEqual(['login', 'cancel']);
    const forced = await legacy.request(page.url + '/otp/phone', { form: { csrf: parseForms(page.body)[0].fields.csrf, phone: '+77075550606' } });
    expect(forced.status).toBe(303);
    expect(await readOutbox(platform.base, '+77075550606')).toEqual([]);
  });
});
