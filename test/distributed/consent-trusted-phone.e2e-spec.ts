import { Browser, Page } from 'playwright-core';
import { BaseClient, Issuer, generators } from 'openid-client';
import { basic, postForm } from '@idp/testing';
import { launchChromium } from './browser';
import { startRelyingParty } from './relying-party';
import { Topology } from './topology';

const PHONE = '+77079005566';

/** Consent and trusted phones live in the consent service: what one auth instance records, the other honours. */
describe('distributed mode: consent remember / re-ask / deny and the trusted-phone skip across two auth instances, in Chromium', () => {
  const topology = new Topology({ DEV_OUTBOX: 'on' });
  let browser: Browser;
  let rp: Awaited<ReturnType<typeof startRelyingParty>>;
  let client: BaseClient;
  let registered: { client_id: string; client_secret: string };
  let userId: string;

  beforeAll(async () => {
    await Topology.resetDatabase();
    [browser, rp] = await Promise.all([launchChromium(), startRelyingParty(), topology.start()]);
    registered = await topology.admin.createClient({
      client_name: 'Банк',
      redirect_uris: [rp.redirectUri],
      scope: 'openid profile phone',
      allowed_login_methods: ['password', 'phone_otp'],
      trusted_phone_enabled: true,
      logo_uri: 'https://bank.example/logo.png',
    });
    client = new (await Issuer.discover(topology.authA)).Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [rp.redirectUri] });
    userId = (await topology.admin.createUser({ login: 'nurlan', password: 'nurlan-password-1', phone: PHONE, given_name: 'Нурлан' })).id;
  });

  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await topology.stopAll();
  });

  function authorizeUrl(base: string, scope: string, extra: Record<string, string> = {}) {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = client.authorizationUrl({ scope, state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256', ...extra });
    return { url: url.replace(topology.authA, base), checks };
  }

  async function landed(page: Page): Promise<URL> {
    await page.waitForURL((u) => u.toString().startsWith(rp.redirectUri), { timeout: 15000 });
    return new URL(page.url());
  }

  const consents = async (base: string) => (await (await fetch(`${base}/admin/users/${userId}/consents`, { headers: { Authorization: `Bearer ${topology.adminToken}` } })).json()) as Array<Record<string, any>>;

  it('remembers a consent given on A when B is asked, asks again on B for a new scope, and a deny sends access_denied', async () => {
    const context = await browser.newContext({ locale: 'ru-RU' });
    const page = await context.newPage();
    const first = authorizeUrl(topology.authA, 'openid profile');
    await page.goto(first.url);
    await page.fill('input[autocomplete="username"]', 'nurlan');
    await page.fill('input[autocomplete="current-password"]', 'nurlan-password-1');
    await page.click('form[action$="/login"] button[type="submit"]');
    expect(await page.locator('ul.scopes li').allTextContents()).toEqual(['Идентификатор вашей учётной записи', 'Ваше имя и профиль (логин, фото, дата рождения)']);
    expect(await page.locator('img').getAttribute('src')).toBe('https://bank.example/logo.png');
    await page.click('button[name="decision"][value="allow"]');
    const tokens = await client.callback(rp.redirectUri, client.callbackParams((await landed(page)).toString()), first.checks);
    expect(tokens.claims().sub).toBe(userId);

    // Remembered: instance B goes straight back with a code.
    const again = authorizeUrl(topology.authB, 'openid profile');
    await page.goto(again.url);
    expect((await landed(page)).searchParams.get('code')).toBeTruthy();

    // A scope not granted before: B asks, and the user says no.
    const more = authorizeUrl(topology.authB, 'openid profile phone');
    await page.goto(more.url);
    await page.waitForSelector('button[name="decision"][value="deny"]');
    expect(await page.locator('ul.scopes li').allTextContents()).toContain('Ваш номер телефона');
    await page.click('button[name="decision"][value="deny"]');
    const denied = (await landed(page)).searchParams;
    expect(denied.get('error')).toBe('access_denied');
    expect(denied.get('cancel_stage')).toBe('consent');
    expect(denied.get('scope')).toBe('openid profile phone');
    expect(denied.get('cancel_request_id')).toBeTruthy();

    const [row] = await consents(topology.authA);
    expect(row).toMatchObject({ client_id: registered.client_id, scopes: ['openid', 'profile'] });
    await context.close();
  });

  it('a secret issued through B skips the SMS code on A, once; its reuse on B falls back to the code and says why', async () => {
    const issued = await postForm(`${topology.authB}/api/v1/trusted-phone`, { phone: PHONE }, { Authorization: basic(registered.client_id, registered.client_secret) });
    expect(issued.status).toBe(200);
    expect(issued.json.expires_in).toBe(3600);

    const context = await browser.newContext({ locale: 'ru-RU' });
    const page = await context.newPage();
    const viaA = authorizeUrl(topology.authA, 'openid phone', { phone: PHONE, otp_confirmation: issued.json.secret });
    await page.goto(viaA.url);
    // Signed in without a code: the consent page for the new scope, on A.
    await page.waitForSelector('button[name="decision"][value="allow"]');
    await page.click('button[name="decision"][value="allow"]');
    const tokens = await client.callback(rp.redirectUri, client.callbackParams((await landed(page)).toString()), viaA.checks);
    expect(await client.userinfo(tokens)).toMatchObject({ sub: userId, phone_number: PHONE, phone_number_verified: true });
    const outbox = await (await fetch(`${topology.authB}/dev/outbox?to=${encodeURIComponent(PHONE)}`)).json();
    expect(outbox).toEqual([]);

    // The last-used time, recorded by the consent service after the token exchange, reads the same through B.
    let lastUsed: string | null = null;
    for (let i = 0; i < 50 && !lastUsed; i++) {
      lastUsed = (await consents(topology.authB))[0].last_used_at;
      if (!lastUsed) await new Promise((r) => setTimeout(r, 100));
    }
    expect(Date.parse(lastUsed!)).toBeGreaterThan(0);

    const fresh = await browser.newContext({ locale: 'ru-RU' });
    const second = await fresh.newPage();
    await second.goto(authorizeUrl(topology.authB, 'openid phone', { phone: PHONE, otp_confirmation: issued.json.secret }).url);
    await second.waitForSelector('input[autocomplete="one-time-code"]');
    expect(await second.locator('#otp-sent').textContent()).toContain(PHONE);
    await second.click('form[action$="/cancel"] button[type="submit"]');
    const cancelled = (await landed(second)).searchParams;
    expect(cancelled.get('error')).toBe('access_denied');
    expect(cancelled.get('cancel_stage')).toBe('otp');
    expect(cancelled.get('cancel_reason')).toBe('otp_confirmation_used');
    await context.close();
    await fresh.close();
  });
});
