import { execFileSync } from 'node:child_process';
import { Browser, Page } from 'playwright-core';
import { BaseClient, Issuer, generators } from 'openid-client';
import { launchChromium } from './browser';
import { startRelyingParty } from './relying-party';
import { Topology } from './topology';

/**
 * The code an authenticator app shows, computed by otplib itself (its default build, in a child
 * process, as any Node script would): `ahead` seconds from now.
 */
function authenticatorCode(secret: string, ahead = 0): string {
  const script = "const o = require('otplib'); process.stdout.write(o.generateSync({ secret: process.argv[1], epoch: Math.floor(Date.now() / 1000) + Number(process.argv[2]) }))";
  return execFileSync(process.execPath, ['-e', script, secret, String(ahead)], { encoding: 'utf8' });
}

describe('distributed mode: TOTP set up through instance A, then sign-in with it through instance B, in Chromium', () => {
  const topology = new Topology();
  let browser: Browser;
  let rp: Awaited<ReturnType<typeof startRelyingParty>>;
  let client: BaseClient;

  beforeAll(async () => {
    await Topology.resetDatabase();
    [browser, rp] = await Promise.all([launchChromium(), startRelyingParty(), topology.start()]);
    const registered = await topology.admin.createClient({ client_name: 'Bank', redirect_uris: [rp.redirectUri], scope: 'openid profile', first_party: true });
    client = new (await Issuer.discover(topology.authA)).Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [rp.redirectUri] });
    await topology.admin.createUser({ login: 'saule', password: 'saule-password-1' });
  });

  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await topology.stopAll();
  });

  function authorizeUrl(base: string) {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = client.authorizationUrl({ scope: 'openid profile', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    return { url: url.replace(topology.authA, base), checks };
  }

  async function signInWithPassword(page: Page, base: string) {
    const { url, checks } = authorizeUrl(base);
    await page.goto(url);
    await page.fill('input[autocomplete="username"]', 'saule');
    await page.fill('input[autocomplete="current-password"]', 'saule-password-1');
    await page.click('form[action$="/login"] button[type="submit"]');
    return checks;
  }

  async function callback(page: Page, checks: Record<string, string>) {
    await page.waitForURL((u) => u.toString().startsWith(rp.redirectUri), { timeout: 15000 });
    return client.callback(rp.redirectUri, client.callbackParams(page.url()), checks);
  }

  let secret = '';

  it('sets up an authenticator app on instance A: QR code, manual key, first code, backup codes', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const checks = await signInWithPassword(page, topology.authA);
    expect((await callback(page, checks)).claims().amr).toEqual(['pwd']);

    await page.goto(`${topology.authA}/account/two-factor`);
    expect(await page.locator('#twofa-state').textContent()).toBe('Two-step sign-in is off.');
    await page.click('#totp-setup');
    expect(await page.locator('#totp-qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    secret = (await page.locator('#totp-secret').getAttribute('data-secret'))!;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.fill('input[autocomplete="one-time-code"]', authenticatorCode(secret));
    await page.click('form[action$="/totp/confirm"] button[type="submit"]');
    expect(await page.locator('#twofa-state').textContent()).toBe('Two-step sign-in is on.');
    expect((await page.locator('#backup-codes').textContent())!.split('\n')).toHaveLength(10);
    await context.close();
  });

  it('signs in through instance B with the password and the app code: amr pwd, otp, mfa', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const checks = await signInWithPassword(page, topology.authB);
    await page.waitForURL(/\/second-factor$/);
    expect(await page.locator('h1').textContent()).toBe('Confirm it is you');
    await page.fill('form:has(input[value="totp"]) input[autocomplete="one-time-code"]', '000000' === authenticatorCode(secret, 30) ? '111111' : '000000');
    await page.click('form:has(input[value="totp"]) button[type="submit"]');
    expect(await page.locator('#twofa-error').textContent()).toBe('The code is wrong. Attempts left: 4.');
    // The enrolment used the current 30 s step; the app's next code is one step ahead, which is accepted.
    await page.fill('form:has(input[value="totp"]) input[autocomplete="one-time-code"]', authenticatorCode(secret, 30));
    await page.click('form:has(input[value="totp"]) button[type="submit"]');
    const tokens = await callback(page, checks);
    expect(tokens.claims().amr).toEqual(['pwd', 'otp', 'mfa']);
    await context.close();
  });
});
