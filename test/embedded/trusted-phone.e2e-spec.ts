import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { decodeJwt } from 'jose';
import { Browserless, PageResponse, basic, postForm } from '@idp/testing';
import { ConsentClock, SystemConsentClock } from '../../apps/consent/src/clock';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { readOutbox } from './otp';

const REDIRECT = 'https://bank.example/cb';
type Client = { client_id: string; client_secret: string };

describe('trusted phone: a partner-verified phone skips the SMS code (Aitu otp_confirmation)', () => {
  let platform: EmbeddedPlatform;
  let bank: Client;
  let shop: Client;
  let plain: Client;
  let knownSub: string;

  const issue = (client: Client, body: Record<string, string>) =>
    postForm(`${platform.base}/api/v1/trusted-phone`, body, { Authorization: basic(client.client_id, client.client_secret) });
  const secretFor = async (client: Client, phone: string) => {
    const res = await issue(client, { phone });
    expect(res.status).toBe(200);
    return res.json.secret as string;
  };
  const authorize = (browser: Browserless, client: Client, extra: Record<string, string>) =>
    browser.follow(
      `/connect/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT, scope: 'openid phone', state: 'state-12345', ...extra })}`,
    );
  const redirectParams = (page: PageResponse) => Object.fromEntries(new URL(page.location!).searchParams);
  const cancel = (page: PageResponse, browser: Browserless) => browser.submit(page, '/cancel', {}, 'cancel');

  async function tokens(client: Client, page: PageResponse) {
    const code = redirectParams(page).code;
    const res = await postForm(`${platform.base}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, { Authorization: basic(client.client_id, client.client_secret) });
    expect(res.status).toBe(200);
    const info = await (await fetch(`${platform.base}/connect/userinfo`, { headers: { Authorization: `Bearer ${res.json.access_token}` } })).json();
    return { idToken: decodeJwt(res.json.id_token), userinfo: info };
  }

  /** The fallback: the code was sent to the hinted phone and its page is open; cancelling names why. */
  async function expectFallback(browser: Browserless, page: PageResponse, phone: string, reason: string) {
    expect(page.status).toBe(200);
    expect(page.url).toMatch(/\/interaction\/[^/]+\/otp$/);
    expect(page.body).toContain(phone);
    expect((await readOutbox(platform.base, phone)).length).toBeGreaterThan(0);
    const out = await cancel(page, browser);
    expect(redirectParams(out)).toMatchObject({ error: 'access_denied', cancel_stage: 'otp', cancel_reason: reason, state: 'state-12345', scope: 'openid phone' });
  }

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    const metadata = { redirect_uris: [REDIRECT], scope: 'openid phone', allowed_login_methods: ['phone_otp'] };
    bank = await platform.admin.createClient({ client_name: 'Bank', trusted_phone_enabled: true, ...metadata });
    shop = await platform.admin.createClient({ client_name: 'Shop', trusted_phone_enabled: true, ...metadata });
    plain = await platform.admin.createClient({ client_name: 'Plain', ...metadata });
    knownSub = (await platform.admin.createUser({ login: 'dana', password: 'dana-password-1', phone: '+77015550001', given_name: 'Dana' })).id;
  });

  afterAll(() => platform.close());

  describe('POST /api/v1/trusted-phone', () => {
    it('answers a secret valid for an hour, to JSON and form bodies alike, never cached', async () => {
      const form = await issue(bank, { phone: '+77015550001' });
      expect(form.status).toBe(200);
      expect(Object.keys(form.json).sort()).toEqual(['expires_in', 'secret']);
      expect(form.json.expires_in).toBe(3600);
      expect(form.json.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(form.headers.get('cache-control')).toBe('no-store');
      const json = await fetch(`${platform.base}/api/v1/trusted-phone`, {
        method: 'POST',
        headers: { Authorization: basic(bank.client_id, bank.client_secret), 'Content-Type': 'application/json' },
        body: JSON.stringify({ phone: '+7 701 555 00 01' }),
      });
      expect(json.status).toBe(200);
      expect((await json.json()).secret).not.toBe(form.json.secret);
    });

    it('authenticates the client by its method and wants trusted_phone_enabled', async () => {
      const anonymous = await postForm(`${platform.base}/api/v1/trusted-phone`, { phone: '+77015550001' });
      expect(anonymous.status).toBe(401);
      expect(anonymous.json.error).toBe('invalid_client');
      const wrong = await postForm(`${platform.base}/api/v1/trusted-phone`, { phone: '+77015550001' }, { Authorization: basic(bank.client_id, 'wrong-secret') });
      expect(wrong.status).toBe(401);
      expect(wrong.json.error).toBe('invalid_client');
      const notAllowed = await issue(plain, { phone: '+77015550001' });
      expect(notAllowed.status).toBe(400);
      expect(notAllowed.json).toEqual({ error: 'unauthorized_client', error_description: 'this client may not confirm phones (trusted_phone_enabled is off)' });
    });

    it('refuses a missing or malformed phone', async () => {
      const missing = await issue(bank, {});
      expect(missing.status).toBe(400);
      expect(missing.json).toMatchObject({ error: 'invalid_request', fields: { phone: 'is required' } });
      const bad = await issue(bank, { phone: '87015550001' });
      expect(bad.status).toBe(400);
      expect(bad.json).toMatchObject({ error: 'invalid_request', fields: { phone: 'must be an international number: + and 7 to 15 digits' } });
    });
  });

  it('signs in to the account whose phone it is, with no SMS sent', async () => {
    const browser = new Browserless(platform.base);
    const secret = await secretFor(bank, '+77015550001');
    const consent = await authorize(browser, bank, { phone: '+77015550001', otp_confirmation: secret });
    expect(consent.url).toMatch(/\/interaction\/[^/]+$/);
    expect(consent.body).toContain('/consent"');
    const out = await browser.submit(consent, '/consent', {}, 'allow');
    expect(out.location).toMatch(/^https:\/\/bank\.example\/cb\?code=/);
    const { idToken, userinfo } = await tokens(bank, out);
    expect(idToken.sub).toBe(knownSub);
    expect(idToken.amr).toEqual(['otp']);
    expect(userinfo).toMatchObject({ sub: knownSub, phone_number: '+77015550001', phone_number_verified: true });
    expect(await readOutbox(platform.base, '+77015550001')).toEqual([]);
  });

  it('registers a new phone as verified, as a confirmed code does (name page, then consent)', async () => {
    const browser = new Browserless(platform.base);
    const secret = await secretFor(bank, '+77015550002');
    const profile = await authorize(browser, bank, { phone: '+77015550002', otp_confirmation: secret });
    expect(profile.url).toMatch(/\/profile$/);
    const consent = await browser.submit(profile, '/profile', { given_name: 'Erlan' });
    const out = await browser.submit(consent, '/consent', {}, 'allow');
    const { userinfo } = await tokens(bank, out);
    expect(userinfo).toMatchObject({ phone_number: '+77015550002', phone_number_verified: true });
    expect(userinfo.sub).not.toBe(knownSub);
    expect(await readOutbox(platform.base, '+77015550002')).toEqual([]);
  });

  it('is single use: the second use falls back to the SMS code (otp_confirmation_used)', async () => {
    const secret = await secretFor(bank, '+77015550003');
    const first = new Browserless(platform.base);
    expect((await authorize(first, bank, { phone: '+77015550003', otp_confirmation: secret })).url).toMatch(/\/profile$/);
    const second = new Browserless(platform.base);
    await expectFallback(second, await authorize(second, bank, { phone: '+77015550003', otp_confirmation: secret }), '+77015550003', 'otp_confirmation_used');
  });

  it('of two uses at the same moment, exactly one signs in', async () => {
    const secret = await secretFor(bank, '+77015550001');
    const browsers = [new Browserless(platform.base), new Browserless(platform.base)];
    const pages = await Promise.all(browsers.map((b) => authorize(b, bank, { phone: '+77015550001', otp_confirmation: secret })));
    const signedIn = pages.filter((p) => p.body.includes('/consent"') || p.location?.startsWith(REDIRECT));
    const fellBack = pages.filter((p) => p.url.endsWith('/otp'));
    expect([signedIn.length, fellBack.length]).toEqual([1, 1]);
  });

  it('a wrong secret falls back (otp_confirmation_invalid)', async () => {
    const browser = new Browserless(platform.base);
    const page = await authorize(browser, bank, { phone: '+77015550004', otp_confirmation: 'not-a-secret-we-issued' });
    await expectFallback(browser, page, '+77015550004', 'otp_confirmation_invalid');
  });

  it('a secret for another phone or another client falls back (otp_confirmation_foreign) and stays usable by its owner', async () => {
    const secret = await secretFor(shop, '+77015550005');
    const otherClient = new Browserless(platform.base);
    await expectFallback(otherClient, await authorize(otherClient, bank, { phone: '+77015550005', otp_confirmation: secret }), '+77015550005', 'otp_confirmation_foreign');
    const otherPhone = new Browserless(platform.base);
    await expectFallback(otherPhone, await authorize(otherPhone, shop, { phone: '+77015550006', otp_confirmation: secret }), '+77015550006', 'otp_confirmation_foreign');
    const owner = new Browserless(platform.base);
    expect((await authorize(owner, shop, { phone: '+77015550005', otp_confirmation: secret })).url).toMatch(/\/profile$/);
  });

  it('a client without trusted_phone_enabled cannot use one (otp_confirmation_invalid)', async () => {
    const secret = await secretFor(bank, '+77015550007');
    const browser = new Browserless(platform.base);
    await expectFallback(browser, await authorize(browser, plain, { phone: '+77015550007', otp_confirmation: secret }), '+77015550007', 'otp_confirmation_invalid');
  });

  it('needs the phone it was issued for in the request', async () => {
    const res = await authorize(new Browserless(platform.base), bank, { otp_confirmation: 'whatever' });
    expect(redirectParams(res)).toMatchObject({ error: 'invalid_request', error_description: 'otp_confirmation needs the phone it was issued for (+ and 7 to 15 digits)' });
  });

  it('is stored hashed', async () => {
    const secret = await secretFor(bank, '+77015550008');
    const ds = platform.app.get<DataSource>(getDataSourceToken('consent'), { strict: false });
    const rows: Array<{ secret_hash: string }> = await ds.query('SELECT secret_hash FROM consent.trusted_phone_confirmations');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.secret_hash)).not.toContain(secret);
  });

  it('expires after 60 minutes (otp_confirmation_expired)', async () => {
    const secret = await secretFor(bank, '+77015550009');
    (platform.app.get(ConsentClock, { strict: false }) as SystemConsentClock).advance(3601);
    const browser = new Browserless(platform.base);
    await expectFallback(browser, await authorize(browser, bank, { phone: '+77015550009', otp_confirmation: secret }), '+77015550009', 'otp_confirmation_expired');
  });
});
