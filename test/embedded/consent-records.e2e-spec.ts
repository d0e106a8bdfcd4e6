import { BusClient } from '@idp/bus';
import { ConsentSubjects } from '@idp/contracts';
import { Browserless, PageResponse, basic, postForm } from '@idp/testing';
import { ConsentClock, SystemConsentClock } from '../../apps/consent/src/clock';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

const REDIRECT = 'https://portal.example/cb';
const API = 'https://api.example/extern';
const OTHER_API = 'https://api.example/other';
type Client = { client_id: string; client_secret: string };

describe('consent records: offline_access, the page, the API and the last-used time', () => {
  let platform: EmbeddedPlatform;
  let portal: Client;
  let partner: Client;
  let userId: string;

  const url = (client: Client, scope: string, extra: Record<string, string> = {}) =>
    `/connect/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT, scope, state: 'state-12345', ...extra })}`;
  const isConsent = (page: PageResponse) => page.status === 200 && page.body.includes('/consent"');
  const isCode = (page: PageResponse) => !!page.location?.startsWith(`${REDIRECT}?code=`);
  const token = (client: Client, form: Record<string, string>) => postForm(`${platform.base}/connect/token`, form, { Authorization: basic(client.client_id, client.client_secret) });
  const consents = async () => (await platform.admin.call('GET', `/admin/users/${userId}/consents`)).json as Array<Record<string, any>>;
  const consentOf = async (client: Client) => (await consents()).find((c) => c.client_id === client.client_id)!;
  const clock = () => platform.app.get(ConsentClock, { strict: false }) as SystemConsentClock;

  async function signedIn(locale = 'en'): Promise<Browserless> {
    const browser = new Browserless(platform.base, locale);
    const page = await browser.follow(url(portal, 'openid'));
    expect(isCode(await browser.submit(page, '/login', { username: 'marat', password: 'marat-password-1' }))).toBe(true);
    return browser;
  }

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    await platform.admin.createResource({ name: 'Extern API', audience: API, scopes: ['extern.api'] });
    await platform.admin.createResource({ name: 'Other API', audience: OTHER_API, scopes: ['other.api'] });
    const metadata = { redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'] };
    portal = await platform.admin.createClient({ client_name: 'Portal', first_party: true, scope: 'openid profile offline_access', ...metadata });
    partner = await platform.admin.createClient({
      client_name: 'Partner',
      logo_uri: 'https://partner.example/logo.png',
      scope: 'openid profile phone ul_sign offline_access extern.api other.api',
      ...metadata,
    });
    userId = (await platform.admin.createUser({ login: 'marat', password: 'marat-password-1', phone: '+77018880001' })).id;
  });

  afterAll(() => platform.close());

  it('a first-party client is not asked for ordinary scopes, but offline_access needs explicit consent, once', async () => {
    const browser = await signedIn();
    expect(isCode(await browser.follow(url(portal, 'openid profile')))).toBe(true);
    const asked = await browser.follow(url(portal, 'openid profile offline_access'));
    expect(isConsent(asked)).toBe(true);
    expect(asked.body).toContain('Access while you are away');
    const out = await browser.submit(asked, '/consent', {}, 'allow');
    expect(isCode(out)).toBe(true);
    const tokens = await token(portal, { grant_type: 'authorization_code', code: new URL(out.location!).searchParams.get('code')!, redirect_uri: REDIRECT });
    expect(tokens.json.refresh_token).toBeDefined();
    expect(isCode(await browser.follow(url(portal, 'openid profile offline_access')))).toBe(true);
    expect((await consentOf(portal)).scopes).toEqual(['offline_access', 'openid', 'profile']);
  });

  it('a first-party client that is denied offline_access gets access_denied with stage consent', async () => {
    const browser = new Browserless(platform.base);
    await platform.admin.createUser({ login: 'saule', password: 'saule-password-1' });
    const login = await browser.follow(url(portal, 'openid offline_access'));
    const asked = await browser.submit(login, '/login', { username: 'saule', password: 'saule-password-1' });
    expect(isConsent(asked)).toBe(true);
    const out = await browser.submit(asked, '/consent', {}, 'deny');
    expect(Object.fromEntries(new URL(out.location!).searchParams)).toMatchObject({ error: 'access_denied', cancel_stage: 'consent' });
  });

  it('the consent page shows the logo and what each scope reveals, in ru, en and kk', async () => {
    const lines = {
      en: ['Your phone number', 'Signing documents on behalf of your organisation', 'Access to Extern API (extern.api) on your behalf'],
      ru: ['Ваш номер телефона', 'Подписание документов от имени вашей организации', 'Доступ к Extern API (extern.api) от вашего имени'],
      kk: ['Телефон нөміріңіз', 'Ұйымыңыздың атынан құжаттарға қол қою', 'Сіздің атыңыздан Extern API (extern.api) қызметіне қолжетімділік'],
    };
    for (const [locale, expected] of Object.entries(lines)) {
      const browser = await signedIn(locale);
      const page = await browser.follow(url(partner, 'openid phone ul_sign extern.api'));
      expect(isConsent(page)).toBe(true);
      expect(page.body).toContain('<img src="https://partner.example/logo.png"');
      for (const line of expected) expect(page.body).toContain(`<li>${line}</li>`);
    }
  });

  it('records the API consented to, and asks again for another API', async () => {
    const browser = await signedIn();
    const first = await browser.follow(url(partner, 'openid extern.api', { resource: API }));
    expect(isConsent(first)).toBe(true);
    expect(isCode(await browser.submit(first, '/consent', {}, 'allow'))).toBe(true);
    expect((await consentOf(partner)).resources).toEqual([API]);
    expect(isCode(await browser.follow(url(partner, 'openid extern.api', { resource: API })))).toBe(true);
    const other = await browser.follow(url(partner, 'openid other.api', { resource: OTHER_API }));
    expect(isConsent(other)).toBe(true);
    await browser.submit(other, '/consent', {}, 'allow');
    expect((await consentOf(partner)).resources).toEqual([API, OTHER_API]);
  });

  it('the last-used time moves when tokens are issued or refreshed, written at most once a minute', async () => {
    const browser = await signedIn();
    const asked = await browser.follow(url(partner, 'openid profile offline_access', { prompt: 'consent' }));
    const out = await browser.submit(asked, '/consent', {}, 'allow');
    const before = await consentOf(partner);
    const issued = await token(partner, { grant_type: 'authorization_code', code: new URL(out.location!).searchParams.get('code')!, redirect_uri: REDIRECT });
    expect(issued.status).toBe(200);
    // The touch is sent without holding up the token response.
    const firstUse = await waitFor(async () => {
      const c = await consentOf(partner);
      return c.last_used_at && c.last_used_at !== before.last_used_at ? c.last_used_at : null;
    });

    const refreshed = await token(partner, { grant_type: 'refresh_token', refresh_token: issued.json.refresh_token });
    expect(refreshed.status).toBe(200);
    const bus = platform.app.get(BusClient, { strict: false });
    expect(await bus.value(ConsentSubjects.consentTouch, { userId, clientId: partner.client_id })).toEqual({ touched: false });
    expect((await consentOf(partner)).last_used_at).toBe(firstUse);

    clock().advance(61);
    const later = await token(partner, { grant_type: 'refresh_token', refresh_token: refreshed.json.refresh_token });
    expect(later.status).toBe(200);
    const secondUse = await waitFor(async () => {
      const c = await consentOf(partner);
      return c.last_used_at !== firstUse ? c.last_used_at : null;
    });
    expect(Date.parse(secondUse) - Date.parse(firstUse)).toBeGreaterThanOrEqual(60_000);
    expect((await consentOf(partner)).granted_at).toBe(before.granted_at);
  });

  it('the consent list on the bus (for the cabinet) carries scopes, APIs, granted and last-used times', async () => {
    const bus = platform.app.get(BusClient, { strict: false });
    const list = await bus.value(ConsentSubjects.consentList, { userId });
    const row = list.find((c) => c.clientId === partner.client_id)!;
    expect(Object.keys(row).sort()).toEqual(['clientId', 'grantedAt', 'lastUsedAt', 'resources', 'scopes', 'userId']);
    expect(row.scopes).toEqual(['extern.api', 'offline_access', 'openid', 'other.api', 'profile']);
    expect(row.resources).toEqual([API, OTHER_API]);
    expect(Date.parse(row.lastUsedAt!)).toBeGreaterThan(Date.parse(row.grantedAt!));
    const portalRow = list.find((c) => c.clientId === portal.client_id)!;
    expect(portalRow.lastUsedAt).not.toBeNull();
  });
});

/** Polls (in-process, milliseconds) until the check answers something. */
async function waitFor<T>(check: () => Promise<T | null>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out waiting');
}
