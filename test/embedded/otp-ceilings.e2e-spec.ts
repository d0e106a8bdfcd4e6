import { BaseClient, Issuer, generators } from 'openid-client';
import { Browserless } from '@idp/testing';
import { Clock } from '../../apps/accounts/src/clock/clock';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { askPhoneCode, readOutbox } from './otp';

const REDIRECT = 'https://rp.example/cb';

/**
 * The hourly and daily ceilings of one-time codes, per destination and per IP address, through
 * the sign-in pages, on the accounts clock the test moves (no waiting): small ceilings so that
 * each is reached in a few codes.
 */
describe('one-time code ceilings per destination and per address, on a moved clock (embedded)', () => {
  let platform: EmbeddedPlatform;
  let client: BaseClient;
  const t0 = Date.now();
  let at = t0;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({
      OTP_MAX_PER_DESTINATION_HOUR: '2',
      OTP_MAX_PER_DESTINATION_DAY: '3',
      OTP_MAX_PER_IP_HOUR: '4',
      OTP_MAX_PER_IP_DAY: '5',
    });
    jest.spyOn(platform.app.get(Clock), 'now').mockImplementation(() => new Date(at));
    const registered = await platform.admin.createClient({ client_name: 'Kassa', redirect_uris: [REDIRECT], scope: 'openid phone', allowed_login_methods: ['phone_otp'] });
    client = new (await Issuer.discover(platform.base)).Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
  });

  afterAll(() => platform.close());

  function loginPage(browser: Browserless) {
    const url = client.authorizationUrl({ scope: 'openid phone', state: generators.state(), code_challenge: generators.codeChallenge(generators.codeVerifier()), code_challenge_method: 'S256' });
    return browser.follow(url);
  }

  it('one phone gets at most 2 codes an hour and 3 a day; each refusal says how long, and the window then frees', async () => {
    const browser = new Browserless(platform.base);
    let page = await askPhoneCode(browser, await loginPage(browser), '+77076660001');
    expect(page.status).toBe(200);
    at = t0 + 121_000;
    page = await browser.submit(page, '/otp/resend', {});
    expect(page.status).toBe(200);

    at = t0 + 242_000;
    const hourFull = await browser.submit(page, '/otp/resend', {});
    expect(hourFull.status).toBe(429);
    // Full until the first code is an hour old: 3600 - 242 = 3358 s, shown as 56 min.
    expect(hourFull.headers.get('retry-after')).toBe('3358');
    expect(hourFull.body).toContain('Too many codes were asked for. Try again in 56 min.');

    at = t0 + 3600_000;
    page = await browser.submit(page, '/otp/resend', {});
    expect(page.status).toBe(200);

    at = t0 + 3721_000;
    const dayFull = await browser.submit(page, '/otp/resend', {});
    expect(dayFull.status).toBe(429);
    expect(dayFull.headers.get('retry-after')).toBe(String(86400 - 3721));
    expect(dayFull.body).toContain('Too many codes were asked for. Try again in 1378 min.');
    expect(await readOutbox(platform.base, '+77076660001')).toHaveLength(3);

    at = t0 + 86400_000;
    page = await browser.submit(page, '/otp/resend', {});
    expect(page.status).toBe(200);
    expect(await readOutbox(platform.base, '+77076660001')).toHaveLength(4);
  });

  it('one address gets at most 4 codes an hour and 5 a day, whatever the phones', async () => {
    const t1 = t0 + 3 * 86400_000;
    const ask = async (phone: string) => {
      const browser = new Browserless(platform.base);
      return askPhoneCode(browser, await loginPage(browser), phone);
    };
    for (let i = 0; i < 4; i++) {
      at = t1 + i * 10_000;
      expect((await ask(`+7707666010${i}`)).status).toBe(200);
    }
    at = t1 + 40_000;
    const hourFull = await ask('+77076660104');
    expect(hourFull.status).toBe(429);
    expect(hourFull.headers.get('retry-after')).toBe('3560');
    expect(hourFull.body).toContain('Too many codes were asked for. Try again in 60 min.');
    expect(await readOutbox(platform.base, '+77076660104')).toHaveLength(0);

    at = t1 + 3600_000;
    expect((await ask('+77076660104')).status).toBe(200);
    at = t1 + 3610_000;
    const dayFull = await ask('+77076660105');
    expect(dayFull.status).toBe(429);
    expect(dayFull.headers.get('retry-after')).toBe(String(86400 - 3610));
    expect(dayFull.body).toContain('Too many codes were asked for. Try again in 1380 min.');
    expect(await readOutbox(platform.base, '+77076660105')).toHaveLength(0);

    at = t1 + 86400_000;
    expect((await ask('+77076660105')).status).toBe(200);
    expect(await readOutbox(platform.base, '+77076660105')).toHaveLength(1);
  });
});
