import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { Topology } from './topology';

const PHONE = '+77079004455';

/** The cabinet in Chromium across two auth instances: nothing of it lives in one process. */
describe('distributed mode: the cabinet at /account in Chromium', () => {
  const topology = new Topology({ DEV_OUTBOX: 'on' });
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await Topology.resetDatabase();
    [browser] = await Promise.all([launchChromium(), topology.start()]);
    await topology.admin.createUser({ login: 'madina', password: 'madina-password-1', email: 'madina@example.kz', given_name: 'Madina' });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await topology.stopAll();
  });

  async function newPage(userAgent: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US', userAgent });
    contexts.push(context);
    return context.newPage();
  }

  /** Opens the cabinet signed out on the given instance, signs in, and waits to be back on it. */
  async function signIn(page: Page, base: string) {
    await page.goto(`${base}/account`);
    await page.waitForSelector('input[autocomplete="username"]');
    await page.fill('input[autocomplete="username"]', 'madina');
    await page.fill('input[autocomplete="current-password"]', 'madina-password-1');
    await page.click('form[action$="/login"] button[type="submit"]');
    await page.waitForURL((u) => u.pathname === '/account', { timeout: 15000 });
  }

  async function codeFromOutbox(base: string): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const [newest] = await (await fetch(`${base}/dev/outbox?to=${encodeURIComponent(PHONE)}`)).json();
      if (newest) return newest.code;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no code in the outbox');
  }

  it('signs in from the cabinet, edits the profile and adds a phone verified with a code from the outbox', async () => {
    const page = await newPage('CabinetSuite/first');
    await signIn(page, topology.authA);
    expect(await page.textContent('h1')).toBe('Your account');

    await page.fill('#given_name', 'Мадина');
    await page.fill('#family_name', 'Ахметова');
    await page.fill('#birthdate', '1995-07-21');
    await page.click('form[action="/account/profile"] button[type="submit"]');
    await page.waitForSelector('.notice');
    expect(await page.textContent('.notice')).toBe('Profile saved.');
    expect(await page.inputValue('#family_name')).toBe('Ахметова');

    await page.fill('#new-phone', '8 707 900 44 55');
    await page.click('form:has(#new-phone) button[type="submit"]');
    await page.waitForSelector('input[autocomplete="one-time-code"]');
    // The code is read through the other instance: the challenge lives in the database, not in a process.
    await page.fill('input[autocomplete="one-time-code"]', await codeFromOutbox(topology.authB));
    await page.click('form[action="/account/identifiers/confirm"] button[type="submit"]');
    await page.waitForSelector('#phone-row');
    expect(await page.textContent('.notice')).toBe('Confirmed and added.');
    expect(await page.textContent('#phone-row')).toContain(PHONE);
    expect(await page.textContent('#phone-row')).toContain('verified');
  });

  it('ends, through instance B, a session that another browser started', async () => {
    const mine = await newPage('CabinetSuite/first');
    await signIn(mine, topology.authA);
    const other = await newPage('CabinetSuite/other-device');
    await signIn(other, topology.authB);

    await mine.goto(`${topology.authB}/account#sessions`);
    const row = mine.locator('tr[data-session]', { hasText: 'CabinetSuite/other-device' });
    await row.waitFor();
    await row.locator('button[type="submit"]').click();
    await mine.waitForSelector('.notice');
    expect(await mine.textContent('.notice')).toBe('Session ended.');
    expect(await mine.locator('tr[data-session]', { hasText: 'CabinetSuite/other-device' }).count()).toBe(0);

    // The other browser is signed out on both instances: it is sent to sign in.
    for (const base of [topology.authA, topology.authB]) {
      await other.goto(`${base}/account`);
      await other.waitForSelector('input[autocomplete="current-password"]');
      expect(other.url()).toContain('/interaction/');
    }
    // Its own session is untouched.
    await mine.goto(`${topology.authA}/account`);
    expect(await mine.textContent('h1')).toBe('Your account');
  });
});
