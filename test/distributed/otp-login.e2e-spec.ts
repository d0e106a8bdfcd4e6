import { Browser, Page } from 'playwright-core';
import { BaseClient, Issuer, generators } from 'openid-client';
import { launchChromium } from './browser';
import { startRelyingParty } from './relying-party';
import { Topology } from './topology';

const PHONE = '+77079001122';

/** Accounts sends the code (to its outbox), either auth instance shows it: nothing is kept in one process. */
describe('distributed mode: registration and sign-in with a phone code through the development outbox, in Chromium', () => {
  // The resend interval is off here: the clock of other processes cannot be moved (the embedded suite checks the 120 s).
  const topology = new Topology({ DEV_OUTBOX: 'on', OTP_RESEND_INTERVAL: '0' });
  let browser: Browser;
  let rp: Awaited<ReturnType<typeof startRelyingParty>>;
  let client: BaseClient;
  let sub: string;

  beforeAll(async () => {
    await Topology.resetDatabase();
    [browser, rp] = await Promise.all([launchChromium(), startRelyingParty(), topology.start()]);
    const registered = await topology.admin.createClient({
      client_name: 'Касса',
      redirect_uris: [rp.redirectUri],
      scope: 'openid profile phone',
      allowed_login_methods: ['password', 'phone_otp'],
    });
    client = new (await Issuer.discover(topology.authA)).Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [rp.redirectUri] });
  });

  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await topology.stopAll();
  });

  function authorizeUrl(base: string) {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = client.authorizationUrl({ scope: 'openid profile phone', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    return { url: url.replace(topology.authA, base), checks };
  }

  /** The newest code for the phone, read from the outbox of the given instance. */
  async function codeFromOutbox(base: string, seen: string[] = []): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${base}/dev/outbox?to=${encodeURIComponent(PHONE)}`);
      expect(res.status).toBe(200);
      const [newest] = await res.json();
      if (newest && !seen.includes(newest.code)) return newest.code;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no code in the outbox');
  }

  async function askCode(page: Page, typed: string) {
    await page.fill('input[autocomplete="tel"]', typed);
    await page.click('form[action$="/otp/phone"] button[type="submit"]');
    await page.waitForSelector('input[autocomplete="one-time-code"]');
  }

  async function callback(page: Page, checks: Record<string, string>) {
    await page.waitForURL((u) => u.toString().startsWith(rp.redirectUri), { timeout: 15000 });
    return client.callback(rp.redirectUri, client.callbackParams(page.url()), checks);
  }

  it('registers a new account from a phone code on instance A, with the code read through instance B', async () => {
    const context = await browser.newContext({ locale: 'ru-RU' });
    const page = await context.newPage();
    const { url, checks } = authorizeUrl(topology.authA);
    await page.goto(url);
    await askCode(page, '8 707 900 11 22');
    expect(await page.locator('#otp-sent').textContent()).toBe(`Мы отправили 6-значный код по SMS на номер ${PHONE}.`);

    const code = await codeFromOutbox(topology.authB);
    await page.fill('input[autocomplete="one-time-code"]', '000000' === code ? '111111' : '000000');
    await page.click('form[action$="/otp/verify"] button[type="submit"]');
    expect(await page.locator('#otp-error').textContent()).toBe('Код неверный. Осталось попыток: 4.');

    await page.fill('input[autocomplete="one-time-code"]', code);
    await page.click('form[action$="/otp/verify"] button[type="submit"]');
    expect(await page.locator('h1').textContent()).toBe('Как вас зовут?');
    await page.fill('input[autocomplete="given-name"]', 'Айгерим');
    await page.fill('input[autocomplete="family-name"]', 'Сейтова');
    await page.click('button[type="submit"]');
    await page.click('button[name="decision"][value="allow"]');
    const tokens = await callback(page, checks);
    sub = tokens.claims().sub;
    expect(await client.userinfo(tokens)).toMatchObject({ sub, given_name: 'Айгерим', family_name: 'Сейтова', phone_number: PHONE, phone_number_verified: true });
    await context.close();
  });

  it('signs the same phone in again on instance B with a new code, straight back to the application', async () => {
    const first = await codeFromOutbox(topology.authA);
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const { url, checks } = authorizeUrl(topology.authB);
    await page.goto(url);
    await askCode(page, '+7 707 900-11-22');
    const code = await codeFromOutbox(topology.authA, [first]);
    await page.fill('input[autocomplete="one-time-code"]', code);
    await page.click('form[action$="/otp/verify"] button[type="submit"]');
    const tokens = await callback(page, checks);
    expect(tokens.claims().sub).toBe(sub);
    await context.close();
  });

  it('accepts the phone as the login of a password sign-in', async () => {
    await topology.admin.createUser({ login: 'nurlan', password: 'nurlan-password-1', phone: '+7 701 900 33 44' });
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const { url, checks } = authorizeUrl(topology.authA);
    await page.goto(url);
    await page.fill('input[autocomplete="username"]', '87019003344');
    await page.fill('input[autocomplete="current-password"]', 'nurlan-password-1');
    await page.click('form[action$="/login"] button[type="submit"]');
    await page.click('button[name="decision"][value="allow"]');
    expect((await callback(page, checks)).claims().sub).toBeDefined();
    await context.close();
  });
});
