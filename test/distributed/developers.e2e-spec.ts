import { Browser, BrowserContext, Page } from 'playwright-core';
import { AdminApi, basic, postForm } from '@idp/testing';
import { launchChromium } from './browser';
import { Topology } from './topology';

/**
 * The integrators' cabinet in Chromium across two auth instances: an application made in the pages
 * of A gets its tokens from B, a rotated secret keeps working through its grace period on both,
 * and an administrator approves a capability through B.
 */
describe("distributed mode: the integrators' cabinet at /developers in Chromium", () => {
  const topology = new Topology();
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    await Topology.resetDatabase();
    [browser] = await Promise.all([launchChromium(), topology.start()]);
    await topology.admin.createResource({ name: 'Partner API', audience: 'https://api.partner.example', scopes: ['partner.read'] });
    await topology.admin.createUser({ login: 'timur', password: 'timur-password-1' });
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await topology.stopAll();
  });

  const token = (base: string, clientId: string, secret: string) =>
    postForm(`${base}/connect/token`, { grant_type: 'client_credentials', scope: 'partner.read' }, { Authorization: basic(clientId, secret) });

  it('signs in, creates an application, gets a token from the other instance, rotates the secret, and has a capability approved', async () => {
    context = await browser.newContext({ locale: 'en-US' });
    const page: Page = await context.newPage();
    await page.goto(`${topology.authA}/developers`);
    await page.waitForSelector('input[autocomplete="username"]');
    await page.fill('input[autocomplete="username"]', 'timur');
    await page.fill('input[autocomplete="current-password"]', 'timur-password-1');
    await page.click('form[action$="/login"] button[type="submit"]');
    await page.waitForURL((u) => u.pathname === '/developers', { timeout: 15000 });
    expect(await page.textContent('h1')).toBe("Integrators' cabinet");

    await page.fill('#client_name', 'Partner backend');
    await page.fill('#client_uri', 'https://partner.example');
    await page.uncheck('input[name="grant_types"][value="authorization_code"]');
    await page.check('input[name="grant_types"][value="client_credentials"]');
    await page.fill('#response_types', '');
    await page.fill('#scope', 'partner.read');
    await page.click('#create-app');
    await page.waitForSelector('#new-secret');
    const clientId = (await page.textContent('#client-id'))!;
    const first = (await page.textContent('#new-secret'))!;
    expect(first.length).toBeGreaterThan(30);

    // The client and its secret live in the database: the other instance serves them at once.
    const fromB = await token(topology.authB, clientId, first);
    expect(fromB.status).toBe(200);
    expect(fromB.json.token_type).toBe('Bearer');

    await page.selectOption('#grace_seconds', '3600');
    await page.click('#issue-secret');
    await page.waitForSelector('#new-secret');
    const second = (await page.textContent('#new-secret'))!;
    expect(second).not.toBe(first);
    expect(await page.locator('tr[data-status="grace"]').count()).toBe(1);
    for (const base of [topology.authA, topology.authB]) {
      expect((await token(base, clientId, first)).status).toBe(200);
      expect((await token(base, clientId, second)).status).toBe(200);
    }

    // Revoking the old secret stops it on both instances.
    await page.click('tr[data-status="grace"] button[type="submit"]');
    await page.waitForURL((u) => u.searchParams.get('done') === 'revoked');
    for (const base of [topology.authA, topology.authB]) {
      expect(await token(base, clientId, first)).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
      expect((await token(base, clientId, second)).status).toBe(200);
    }

    await page.click('#request-trusted_phone');
    await page.waitForSelector('li[data-capability="trusted_phone"] [data-capability-status="pending"]');
    const adminB = new AdminApi(topology.authB, topology.adminToken);
    const pending = (await adminB.call('GET', '/admin/capability-requests?status=pending')).json;
    const request = pending.find((r: { client_id: string }) => r.client_id === clientId);
    expect(request).toMatchObject({ capability: 'trusted_phone', status: 'pending' });
    expect(await adminB.call('POST', `/admin/capability-requests/${request.id}/approve`, {})).toMatchObject({ status: 200, json: { status: 'approved' } });

    await page.reload();
    expect(await page.textContent('li[data-capability="trusted_phone"] [data-capability-status]')).toBe('approved');
    expect((await topology.admin.call('GET', `/admin/clients/${clientId}`)).json.trusted_phone_enabled).toBe(true);
    // The usage table adds up both instances' counts (each flushes its own every few seconds):
    // 9 token requests, 2 of them refused.
    const today = new Date().toISOString().slice(0, 10);
    let cells: string[] = [];
    for (let i = 0; i < 30 && cells.join(',') !== `${today},9,2`; i++) {
      await new Promise((r) => setTimeout(r, 500));
      await page.reload();
      cells = await page.locator('#usage-table tbody tr').last().locator('td').allTextContents();
    }
    expect(cells).toEqual([today, '9', '2']);
  });
});
