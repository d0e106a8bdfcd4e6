import { Browser, BrowserContext, Page } from 'playwright-core';
import { BaseClient, Issuer, generators } from 'openid-client';
import { launchChromium } from './browser';
import { startRelyingParty } from './relying-party';
import { Topology } from './topology';

const PRIMARY = '+77079005501';
const SECOND = '+77079005502';

/** A second phone added in the cabinet pages on one auth instance signs in through the other. */
describe('distributed mode: a second phone added and verified in the cabinet, then used to sign in, in Chromium', () => {
  const topology = new Topology({ DEV_OUTBOX: 'on', OTP_RESEND_INTERVAL: '0' });
  let browser: Browser;
  let rp: Awaited<ReturnType<typeof startRelyingParty>>;
  let client: BaseClient;
  let sub: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await Topology.resetDatabase();
    [browser, rp] = await Promise.all([launchChromium(), startRelyingParty(), topology.start()]);
    const registered = await topology.admin.createClient({
      client_name: 'Shop',
      redirect_uris: [rp.redirectUri],
      scope: 'openid profile phone',
      allowed_login_methods: ['password', 'phone_otp'],
    });
    client = new (await Issuer.discover(topology.authA)).Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [rp.redirectUri] });
    sub = (await topology.admin.createUser({ login: 'timur', password: 'timur-password-1', phone: PRIMARY, given_name: 'Timur' })).id;
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await rp?.close();
    await topology.stopAll();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US' });
    contexts.push(context);
    return context.newPage();
  }

  async function codeFromOutbox(base: string, to: string, seen: string[] = []): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const [newest] = await (await fetch(`${base}/dev/outbox?to=${encodeURIComponent(to)}`)).json();
      if (newest && !seen.includes(newest.code)) return newest.code;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no code in the outbox');
  }

  it('adds and verifies a second phone on instance A, keeping the first one primary', async () => {
    const page = await newPage();
    await page.goto(`${topology.authA}/account`);
    await page.waitForSelector('input[autocomplete="username"]');
    await page.fill('input[autocomplete="username"]', 'timur');
    await page.fill('input[autocomplete="current-password"]', 'timur-password-1');
    await page.click('form[action$="/login"] button[type="submit"]');
    await page.waitForURL((u) => u.pathname === '/account', { timeout: 15000 });

    await page.fill('#new-phone', '8 707 900 55 02');
    await page.click('form:has(#new-phone) button[type="submit"]');
    await page.waitForSelector('input[autocomplete="one-time-code"]');
    const code = await codeFromOutbox(topology.authB, SECOND);
    await page.fill('input[autocomplete="one-time-code"]', code === '000000' ? '111111' : '000000');
    await page.click('form[action="/account/identifiers/confirm"] button[type="submit"]');
    await page.waitForSelector('input[autocomplete="one-time-code"]');
    expect(await page.content()).toContain('The code is wrong. Attempts left: 4.');
    await page.fill('input[autocomplete="one-time-code"]', code);
    await page.click('form[action="/account/identifiers/confirm"] button[type="submit"]');
    await page.waitForSelector('.identifier');
    expect(await page.textContent('.notice')).toBe('Confirmed and added.');
    expect(await page.textContent('#phone-row')).toContain(PRIMARY);
    const second = page.locator('.identifier', { hasText: SECOND });
    expect(await second.textContent()).toContain('verified');
    expect(await second.locator('button', { hasText: 'Make primary' }).count()).toBe(1);
  });

  it('signs in on instance B with a code sent to the second phone, to the same account', async () => {
    const page = await newPage();
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = client.authorizationUrl({ scope: 'openid profile phone', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    await page.goto(url.replace(topology.authA, topology.authB));
    const seen = [await codeFromOutbox(topology.authA, SECOND)];
    await page.fill('input[autocomplete="tel"]', SECOND);
    await page.click('form[action$="/otp/phone"] button[type="submit"]');
    await page.waitForSelector('input[autocomplete="one-time-code"]');
    await page.fill('input[autocomplete="one-time-code"]', await codeFromOutbox(topology.authA, SECOND, seen));
    await page.click('form[action$="/otp/verify"] button[type="submit"]');
    // An existing account: no "your name" page, straight to consent.
    await page.click('button[name="decision"][value="allow"]');
    await page.waitForURL((u) => u.toString().startsWith(rp.redirectUri), { timeout: 15000 });
    const tokens = await client.callback(rp.redirectUri, client.callbackParams(page.url()), checks);
    expect(tokens.claims().sub).toBe(sub);
    expect(await client.userinfo(tokens)).toMatchObject({ sub, given_name: 'Timur', phone_number: PRIMARY, phone_number_verified: true });
  });

  it('makes the second phone primary from the cabinet page, and the phone number claim follows', async () => {
    const page = await newPage();
    await page.goto(`${topology.authB}/account`);
    await page.waitForSelector('input[autocomplete="username"]');
    await page.fill('input[autocomplete="username"]', SECOND);
    await page.fill('input[autocomplete="current-password"]', 'timur-password-1');
    await page.click('form[action$="/login"] button[type="submit"]');
    await page.waitForURL((u) => u.pathname === '/account', { timeout: 15000 });
    await page.locator('.identifier', { hasText: SECOND }).locator('button', { hasText: 'Make primary' }).click();
    await page.waitForSelector('.notice');
    expect(await page.textContent('.notice')).toBe('Primary saved.');
    expect(await page.textContent('#phone-row')).toContain(SECOND);
    expect(await page.locator('.identifier', { hasText: PRIMARY }).count()).toBe(1);

    const found = await topology.admin.call('GET', `/admin/users?query=${encodeURIComponent(SECOND)}`);
    expect(found.json.users ?? found.json).toEqual(expect.arrayContaining([expect.objectContaining({ id: sub, phone_number: SECOND })]));
  });
});
