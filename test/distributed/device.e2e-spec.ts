import { Browser } from 'playwright-core';
import { BaseClient, Issuer } from 'openid-client';
import { launchChromium } from './browser';
import { Topology } from './topology';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

describe('distributed mode: device flow approved in Chromium', () => {
  const topology = new Topology();
  let browser: Browser;
  let issuer: Issuer<BaseClient>;

  beforeAll(async () => {
    await Topology.resetDatabase();
    browser = await launchChromium();
    await topology.start();
    await topology.admin.createUser({ login: 'saule', password: 'saule-password-1', given_name: 'Saule' });
    issuer = await Issuer.discover(topology.authA);
  });

  afterAll(async () => {
    await browser?.close();
    await topology.stopAll();
  });

  /** The person types the code in lower case with spaces, on instance B, and signs in. */
  async function approveInBrowser(userCode: string) {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${topology.authB}/device`);
    await page.fill('#user_code', userCode.toLowerCase().replace('-', ' ').split('').join(' '));
    await page.click('button[type="submit"]');
    await page.fill('input[autocomplete="username"]', 'saule');
    await page.fill('input[autocomplete="current-password"]', 'saule-password-1');
    await page.click('button[type="submit"]');
    expect(await page.locator('#device-check').textContent()).toContain(userCode);
    await page.click('button[name="decision"][value="allow"]');
    const outcome = await page.locator('#outcome').textContent();
    await context.close();
    return outcome;
  }

  it('completes for a confidential client polling instance A', async () => {
    const registered = await topology.admin.createClient({ client_name: 'Accounting module', grant_types: [DEVICE_GRANT, 'refresh_token'], scope: 'openid profile offline_access', device_poll_interval: 1 });
    const client = new issuer.Client({ client_id: registered.client_id, client_secret: registered.client_secret });
    const handle = await client.deviceAuthorization({ scope: 'openid profile offline_access' });
    expect(handle.verification_uri).toBe(`${topology.authA}/device`);
    expect(await approveInBrowser(handle.user_code)).toContain('Accounting module');
    const tokens = await handle.poll();
    expect(tokens.refresh_token).toBeDefined();
    expect(await client.userinfo(tokens)).toMatchObject({ given_name: 'Saule' });
  });

  it('completes for a public client', async () => {
    const registered = await topology.admin.createClient({ client_name: 'Desktop', grant_types: [DEVICE_GRANT], token_endpoint_auth_method: 'none', scope: 'openid', device_poll_interval: 1 });
    const client = new issuer.Client({ client_id: registered.client_id, token_endpoint_auth_method: 'none' });
    const handle = await client.deviceAuthorization({ scope: 'openid' });
    await approveInBrowser(handle.user_code);
    const tokens = await handle.poll();
    expect(tokens.claims().aud).toBe(registered.client_id);
    expect(tokens.refresh_token).toBeUndefined();
  });
});
