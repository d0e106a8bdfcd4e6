import { getDataSourceToken } from '@nestjs/typeorm';
import { decodeJwt } from 'jose';
import { BaseClient, Issuer, generators } from 'openid-client';
import { DataSource } from 'typeorm';
import { EventPublisher, InProcessEventPublisher } from '@idp/bus';
import { DomainEvent } from '@idp/contracts';
import { Browserless, PageResponse, parseForms } from '@idp/testing';
import { Clock } from '../../apps/accounts/src/clock/clock';
import { totpCode } from '../../apps/accounts/src/second-factor/totp';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { newCode, readOutbox } from './otp';

const REDIRECT = 'https://rp.example/cb';

describe('second factor: enrolment, sign-in with TOTP, SMS and backup codes, trusted browsers (embedded)', () => {
  let platform: EmbeddedPlatform;
  let client: BaseClient;
  let strict: BaseClient;
  let accountsDb: DataSource;
  /** The accounts clock runs this many ms ahead of the real one: each new TOTP code moves it a step on. */
  let offset = 0;
  const events: DomainEvent[] = [];
  const now = () => new Date(Date.now() + offset);
  const nextCode = (secret: string) => {
    offset += 30_000;
    return totpCode(secret, now());
  };

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({ TRUSTED_DEVICE_DAYS: '14', OTP_MAX_PER_IP_HOUR: '1000', OTP_MAX_PER_IP_DAY: '1000' });
    jest.spyOn(platform.app.get(Clock), 'now').mockImplementation(now);
    const issuer = await Issuer.discover(platform.base);
    const make = async (extra: Record<string, unknown>) => {
      const c = await platform.admin.createClient({ client_name: 'Shop', redirect_uris: [REDIRECT], scope: 'openid profile', first_party: true, ...extra });
      return new issuer.Client({ client_id: c.client_id, client_secret: c.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
    };
    client = await make({});
    strict = await make({ client_name: 'Bank', require_2fa: true });
    accountsDb = platform.app.get<DataSource>(getDataSourceToken('accounts'));
    (platform.app.get(EventPublisher) as InProcessEventPublisher).emitter.on('event', (e: DomainEvent) => events.push(e));
  });

  afterAll(() => platform.close());

  function start(rp: BaseClient = client, extra: Record<string, string> = {}) {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = rp.authorizationUrl({ scope: 'openid profile', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256', ...extra });
    return { url, checks };
  }

  async function amrOf(out: PageResponse, checks: Record<string, string>, rp: BaseClient = client): Promise<string[]> {
    expect(out.location?.startsWith(REDIRECT + '?')).toBe(true);
    const tokens = await rp.callback(REDIRECT, rp.callbackParams(out.location!), checks);
    return decodeJwt(tokens.id_token!).amr as string[];
  }

  /** Authorize and type the password; answers the page that follows and the checks of the request. */
  async function password(browser: Browserless, login: string, pass: string, rp: BaseClient = client) {
    const { url, checks } = start(rp, { prompt: 'login' });
    const page = await browser.follow(url);
    return { page: await browser.submit(page, '/login', { username: login, password: pass }), checks };
  }

  async function enrolInCabinet(browser: Browserless): Promise<{ secret: string; codes: string[] }> {
    const cabinet = await browser.follow('/account/two-factor');
    expect(cabinet.status).toBe(200);
    expect(cabinet.body).toContain('Two-step sign-in is off.');
    const enrol = await browser.submit(cabinet, '/account/two-factor/totp', {});
    expect(enrol.body).toContain('<img src="data:image/svg+xml;base64,');
    const secret = /data-secret="([A-Z2-7]+)"/.exec(enrol.body)![1];
    const done = await browser.submit(enrol, '/totp/confirm', { code: totpCode(secret, now()) });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Two-step sign-in is on.');
    const codes = /<pre id="backup-codes">([^<]*)<\/pre>/.exec(done.body)![1].split('\n');
    return { secret, codes };
  }

  async function signedInBrowser(login: string, pass: string): Promise<Browserless> {
    const browser = new Browserless(platform.base);
    const { page, checks } = await password(browser, login, pass);
    expect(await amrOf(page, checks)).toEqual(['pwd']);
    return browser;
  }

  it('the cabinet needs a session, and its forms a CSRF token', async () => {
    const stranger = new Browserless(platform.base);
    expect((await stranger.follow('/account/two-factor')).status).toBe(401);
    await platform.admin.createUser({ login: 'csrf-user', password: 'csrf-user-password' });
    const browser = await signedInBrowser('csrf-user', 'csrf-user-password');
    const forged = await browser.request('/account/two-factor/totp', { form: { csrf: 'forged' } });
    expect(forged.status).toBe(403);
    expect(forged.body).not.toContain('data-secret');
  });

  it('enrols TOTP in the cabinet, then signs in with the app code; a used code is refused', async () => {
    await platform.admin.createUser({ login: 'aigerim', password: 'aigerim-password' });
    const browser = await signedInBrowser('aigerim', 'aigerim-password');
    const { secret, codes } = await enrolInCabinet(browser);
    expect(codes).toHaveLength(10);
    // At rest: the secret sealed (AES-256-GCM, v1.<iv>.<tag>.<body>), the backup codes as keyed hashes.
    const [stored] = await accountsDb.query(`SELECT f.totp_secret_sealed AS sealed FROM accounts.second_factors f JOIN accounts.users u ON u.id = f.user_id WHERE u.login = 'aigerim'`);
    expect(stored.sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(stored.sealed).not.toContain(secret);
    const hashes = (await accountsDb.query(`SELECT b.code_hash FROM accounts.backup_codes b JOIN accounts.users u ON u.id = b.user_id WHERE u.login = 'aigerim'`)).map((r: { code_hash: string }) => r.code_hash);
    expect(hashes).toHaveLength(10);
    for (const code of codes) expect(hashes.join(' ')).not.toContain(code.replace('-', ''));
    const cabinet = await browser.follow('/account/two-factor');
    expect(cabinet.body).not.toContain(codes[0]);
    // A working secret is not replaced from a signed-in session: 2FA goes off (re-authenticated) first.
    const replace = await browser.request('/account/two-factor/totp', { form: { csrf: parseForms(cabinet.body)[0].fields.csrf } });
    expect(replace.status).toBe(409);
    expect(replace.body).not.toContain('data-secret');

    const other = new Browserless(platform.base);
    const { page, checks } = await password(other, 'aigerim', 'aigerim-password');
    expect(page.url).toMatch(/\/second-factor$/);
    expect(parseForms(page.body).find((f) => f.fields.method === 'totp')!.autocomplete).toEqual({ code: 'one-time-code' });
    expect(other.jar.has('idp_session')).toBe(false);

    const wrong = await other.submit(page, '/second-factor/verify', { method: 'totp', code: '000000' === totpCode(secret, now()) ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('The code is wrong. Attempts left: 4.');
    const code = nextCode(secret);
    const out = await other.submit(wrong, '/second-factor/verify', { method: 'totp', code });
    expect(await amrOf(out, checks)).toEqual(['pwd', 'otp', 'mfa']);

    const third = new Browserless(platform.base);
    const again = await password(third, 'aigerim', 'aigerim-password');
    expect((await new Browserless(platform.base).request(again.page.url)).status).toBe(400); // the interaction is this browser's alone
    const replayed = await third.submit(again.page, '/second-factor/verify', { method: 'totp', code });
    expect(replayed.status).toBe(400);
    expect(replayed.body).toContain('This code was already used.');
  });

  it('signs in with a backup code once; the same code is refused the second time', async () => {
    await platform.admin.createUser({ login: 'bolat', password: 'bolat-password' });
    const { codes } = await enrolInCabinet(await signedInBrowser('bolat', 'bolat-password'));

    const first = new Browserless(platform.base);
    const a = await password(first, 'bolat', 'bolat-password');
    const out = await first.submit(a.page, '/second-factor/verify', { method: 'backup_code', code: codes[3].toUpperCase() });
    expect(await amrOf(out, a.checks)).toEqual(['pwd', 'otp', 'mfa']);

    const second = new Browserless(platform.base);
    const b = await password(second, 'bolat', 'bolat-password');
    const refused = await second.submit(b.page, '/second-factor/verify', { method: 'backup_code', code: codes[3] });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('The code is wrong.');
    expect(second.jar.has('idp_session')).toBe(false);
    expect((await first.follow('/account/two-factor')).body).toContain('Backup codes left: 9');
  });

  it('turns the SMS factor on and signs in with a code sent to the verified phone', async () => {
    await platform.admin.createUser({ login: 'dana', password: 'dana-password', phone: '+7 707 300 00 01' });
    const browser = await signedInBrowser('dana', 'dana-password');
    const cabinet = await browser.follow('/account/two-factor');
    expect(cabinet.body).toContain('SMS codes to +7707***0001: off');
    const on = await browser.submit(cabinet, '/account/two-factor/sms', { enabled: '1' });
    expect(on.body).toContain('SMS codes to +7707***0001: on');
    expect(/<pre id="backup-codes">([^<]*)<\/pre>/.exec(on.body)![1].split('\n')).toHaveLength(10);

    const other = new Browserless(platform.base);
    const { page, checks } = await password(other, 'dana', 'dana-password');
    expect(page.body).toContain('Send a code by SMS to +7707***0001');
    expect(page.body).not.toContain('value="totp"');
    const sent = await other.submit(page, '/second-factor/sms', {});
    expect(sent.body).toContain('We sent a code by SMS to +7707***0001.');
    const code = await newCode(platform.base, '+77073000001');
    const out = await other.submit(sent, '/second-factor/verify', { method: 'sms', code });
    expect(await amrOf(out, checks)).toEqual(['pwd', 'sms', 'mfa']);

    // Signed in with an SMS code to that same phone, a second SMS proves nothing more: not offered.
    const phoneClient = await platform.admin.createClient({ client_name: 'Phone', redirect_uris: [REDIRECT], scope: 'openid', first_party: true, allowed_login_methods: ['phone_otp'] });
    const byPhone = new Browserless(platform.base);
    const login = await byPhone.follow(`/connect/authorize?${new URLSearchParams({ client_id: phoneClient.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'state-12345', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`);
    const codePage = await byPhone.submit(login, '/otp/phone', { phone: '+77073000001' });
    const factorPage = await byPhone.submit(codePage, '/otp/verify', { code: await newCode(platform.base, '+77073000001', [code]) });
    expect(factorPage.url).toMatch(/\/second-factor$/);
    expect(factorPage.body).not.toContain('Send a code by SMS');
    const forced = await byPhone.submit(factorPage, '/second-factor/verify', { method: 'sms', code: '123456' });
    expect(forced.status).toBe(400);
    expect(forced.body).toContain('This method is not on for your account.');
    const smsForm = await byPhone.request(factorPage.url.replace(/$/, '/sms'), { form: { csrf: parseForms(factorPage.body)[0].fields.csrf } });
    expect(smsForm.status).toBe(400);
    expect(smsForm.body).toContain('This method is not on for your account.');

    // The only factor cannot be switched off from the side: that is turning 2FA off, which needs the password.
    const off = await browser.submit(await browser.follow('/account/two-factor'), '/account/two-factor/sms', { enabled: '0' });
    expect(off.status).toBe(400);
    expect(off.body).toContain('SMS codes are your only second factor');
    expect(off.body).toContain('SMS codes to +7707***0001: on');
  });

  it('counts wrong codes: the fifth in a row makes the account wait, whatever the method', async () => {
    await platform.admin.createUser({ login: 'erlan', password: 'erlan-password' });
    const { secret } = await enrolInCabinet(await signedInBrowser('erlan', 'erlan-password'));
    const browser = new Browserless(platform.base);
    let { page } = await password(browser, 'erlan', 'erlan-password');
    for (let i = 0; i < 4; i++) {
      page = await browser.submit(page, '/second-factor/verify', { method: 'backup_code', code: 'aaaaa-aaaaa' });
      expect(page.body).toContain(`Attempts left: ${4 - i}.`);
    }
    page = await browser.submit(page, '/second-factor/verify', { method: 'backup_code', code: 'aaaaa-aaaaa' });
    expect(page.status).toBe(429);
    expect(page.body).toContain('Too many wrong codes. Try again in 300 seconds.');
    const blocked = await browser.submit(page, '/second-factor/verify', { method: 'totp', code: nextCode(secret) });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(browser.jar.has('idp_session')).toBe(false);
  });

  it('a client that requires 2FA makes an account without a factor enrol one in the flow', async () => {
    await platform.admin.createUser({ login: 'farida', password: 'farida-password' });
    const browser = new Browserless(platform.base);
    const { page, checks } = await password(browser, 'farida', 'farida-password', strict);
    expect(page.url).toMatch(/\/second-factor$/);
    expect(page.body).toContain('Set up two-step sign-in');
    const secret = /data-secret="([A-Z2-7]+)"/.exec(page.body)![1];
    const reloaded = await browser.follow(page.url);
    expect(reloaded.body).toContain(`data-secret="${secret}"`);
    const wrong = await browser.submit(reloaded, '/second-factor/enrol', { code: 'abc' });
    expect(wrong.status).toBe(400);
    const enrolled = await browser.submit(wrong, '/second-factor/enrol', { code: nextCode(secret) });
    expect(/<pre id="backup-codes">([^<]*)<\/pre>/.exec(enrolled.body)![1].split('\n')).toHaveLength(10);
    const out = await browser.submit(enrolled, '/second-factor/continue', {});
    expect(await amrOf(out, checks, strict)).toEqual(['pwd', 'otp', 'mfa']);

    // The session opened with a second factor serves the strict client; one without it does not.
    const { url } = start(strict);
    expect((await browser.follow(url)).location?.startsWith(REDIRECT)).toBe(true);
    await platform.admin.createUser({ login: 'gani', password: 'gani-password' });
    const weak = await signedInBrowser('gani', 'gani-password');
    const stepUp = await weak.follow(start(strict).url);
    expect(stepUp.url).toMatch(/\/interaction\/[^/]+$/);
    expect(stepUp.body).toContain('/login"');
  });

  const smsOn = async (sub: string) => {
    const [row] = await accountsDb.query(`SELECT sms_enabled FROM accounts.second_factors WHERE user_id = $1`, [sub]);
    return !!row?.sms_enabled;
  };

  it('enrols SMS codes to the verified phone in the flow: a code, its confirmation, backup codes once', async () => {
    const user = await platform.admin.createUser({ login: 'saule', password: 'saule-password', phone: '+7 707 300 00 02' });
    const browser = new Browserless(platform.base);
    const { page, checks } = await password(browser, 'saule', 'saule-password', strict);
    expect(page.body).toContain('Set up two-step sign-in');
    expect(page.body).toContain('Codes will come by SMS to your verified phone +7707***0002.');
    // A form without the page's CSRF token changes nothing and sends nothing.
    const forged = await browser.request(`${page.url}/enrol-sms/send`, { form: { csrf: 'forged' } });
    expect(forged.status).toBe(403);
    expect(await readOutbox(platform.base, '+77073000002')).toHaveLength(0);

    const sent = await browser.submit(page, '/enrol-sms/send', {});
    expect(sent.status).toBe(200);
    expect(sent.body).toContain('We sent a code by SMS to +7707***0002. Type it to turn SMS codes on.');
    const code = await newCode(platform.base, '+77073000002');
    const [message] = await readOutbox(platform.base, '+77073000002');
    expect(message.channel).toBe('sms');
    // The usual code rules: no new code before 120 seconds.
    const tooSoon = await browser.submit(sent, '/enrol-sms/send', {});
    expect(tooSoon.status).toBe(429);
    expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThan(100);
    expect(tooSoon.body).toContain('A new code cannot be sent yet.');

    const wrong = await browser.submit(sent, '/second-factor/enrol-sms', { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('The code is wrong. Attempts left: 4.');
    expect(await smsOn(user.id)).toBe(false);

    const enrolled = await browser.submit(wrong, '/second-factor/enrol-sms', { code });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body).toContain('Two-step sign-in is on.');
    const codes = /<pre id="backup-codes">([^<]*)<\/pre>/.exec(enrolled.body)![1].split('\n');
    expect(codes).toHaveLength(10);
    expect(await smsOn(user.id)).toBe(true);
    expect(events.find((e) => e.type === 'user.2fa_enabled' && (e.data as { sub: string }).sub === user.id)?.data).toMatchObject({ method: 'sms' });
    // The codes are shown once: a reload of the step shows none.
    expect((await browser.follow(page.url)).body).not.toContain('id="backup-codes"');
    const out = await browser.submit(enrolled, '/second-factor/continue', {});
    expect(await amrOf(out, checks, strict)).toEqual(['pwd', 'sms', 'mfa']);

    // From now on the account's second factor is an SMS code; a backup code works too.
    const next = new Browserless(platform.base);
    const again = await password(next, 'saule', 'saule-password');
    expect(again.page.body).toContain('Send a code by SMS to +7707***0002');
    expect(again.page.body).not.toContain('value="totp"');
    const viaBackup = await next.submit(again.page, '/second-factor/verify', { method: 'backup_code', code: codes[0] });
    expect(await amrOf(viaBackup, again.checks)).toEqual(['pwd', 'otp', 'mfa']);

  });

  it('an account that has a factor passes it: enrolling SMS (or an app) at its second-factor step is refused', async () => {
    const user = await platform.admin.createUser({ login: 'vera', password: 'vera-password', phone: '+7 707 300 00 05' });
    await enrolInCabinet(await signedInBrowser('vera', 'vera-password'));
    const browser = new Browserless(platform.base);
    const { page } = await password(browser, 'vera', 'vera-password');
    expect(page.body).toContain('Confirm it is you');
    const csrf = parseForms(page.body)[0].fields.csrf;
    const send = await browser.request(`${page.url}/enrol-sms/send`, { form: { csrf } });
    expect(send.status).toBe(400);
    expect(await readOutbox(platform.base, '+77073000005')).toHaveLength(0);
    const confirm = await browser.request(`${page.url}/enrol-sms`, { form: { csrf, code: '123456' } });
    expect(confirm.status).toBe(400);
    const app = await browser.request(`${page.url}/enrol`, { form: { csrf, code: '123456' } });
    expect(app.status).toBe(400);
    expect(await smsOn(user.id)).toBe(false);
    expect(browser.jar.has('idp_session')).toBe(false);
  });

  it('the SMS enrolment code keeps the code rules on the clock: a new one after 120 s, dead at 330 s, five wrong tries', async () => {
    const user = await platform.admin.createUser({ login: 'yerlan', password: 'yerlan-password', phone: '+7 707 300 00 04' });
    const browser = new Browserless(platform.base);
    const { page, checks } = await password(browser, 'yerlan', 'yerlan-password', strict);
    const sent = await browser.submit(page, '/enrol-sms/send', {});
    const first = await newCode(platform.base, '+77073000004');
    const tooSoon = await browser.submit(sent, '/enrol-sms/send', {});
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.headers.get('retry-after')).toBe('120');
    offset += 119_000;
    const stillTooSoon = await browser.submit(sent, '/enrol-sms/send', {});
    expect(stillTooSoon.status).toBe(429);
    expect(stillTooSoon.headers.get('retry-after')).toBe('1');
    offset += 1_000;
    const resent = await browser.submit(sent, '/enrol-sms/send', {});
    expect(resent.status).toBe(200);
    const second = await newCode(platform.base, '+77073000004', [first]);

    // 330 s after it was sent the code is gone, and the expired try does not count as a wrong one.
    offset += 330_000;
    const expired = await browser.submit(resent, '/second-factor/enrol-sms', { code: second });
    expect(expired.status).toBe(400);
    expect(expired.body).toContain('The code has expired. Ask for a new one.');
    expect(await smsOn(user.id)).toBe(false);

    const third = await browser.submit(expired, '/enrol-sms/send', {});
    expect(third.status).toBe(200);
    const code = await newCode(platform.base, '+77073000004', [first, second]);
    let answer = third;
    for (const left of [4, 3, 2, 1]) {
      answer = await browser.submit(answer, '/second-factor/enrol-sms', { code: code === '000000' ? '111111' : '000000' });
      expect(answer.body).toContain(`The code is wrong. Attempts left: ${left}.`);
    }
    // The fifth wrong try kills the code: even the right one is refused until a new code is sent.
    answer = await browser.submit(answer, '/second-factor/enrol-sms', { code: code === '000000' ? '111111' : '000000' });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('The code has expired. Ask for a new one.');
    const usedUp = await browser.submit(answer, '/second-factor/enrol-sms', { code });
    expect(usedUp.status).toBe(400);
    expect(usedUp.body).toContain('The code has expired. Ask for a new one.');
    expect(await smsOn(user.id)).toBe(false);

    // The account counted four wrong codes in a row: one more, whatever the code, and it waits 300 s.
    offset += 120_000;
    const fresh = await browser.submit(usedUp, '/enrol-sms/send', {});
    expect(fresh.status).toBe(200);
    const last = await newCode(platform.base, '+77073000004', [first, second, code]);
    const blocked = await browser.submit(fresh, '/second-factor/enrol-sms', { code: last === '000000' ? '111111' : '000000' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('300');
    expect(blocked.body).toContain('Too many wrong codes. Try again in 300 seconds.');
    expect((await browser.submit(blocked, '/second-factor/enrol-sms', { code: last })).status).toBe(429);
    offset += 300_000;
    const enrolled = await browser.submit(blocked, '/second-factor/enrol-sms', { code: last });
    expect(enrolled.body).toContain('id="backup-codes"');
    const out = await browser.submit(enrolled, '/second-factor/continue', {});
    expect(await amrOf(out, checks, strict)).toEqual(['pwd', 'sms', 'mfa']);
  });

  it('without a verified phone the SMS choice explains itself, and asking for it anyway changes nothing', async () => {
    const user = await platform.admin.createUser({ login: 'talgat', password: 'talgat-password' });
    const browser = new Browserless(platform.base);
    const { page } = await password(browser, 'talgat', 'talgat-password', strict);
    expect(page.body).toContain('SMS codes need a verified phone, and this account has none.');
    expect(page.body).not.toContain('/enrol-sms/send"');
    const csrf = parseForms(page.body)[0].fields.csrf;
    const refused = await browser.request(`${page.url}/enrol-sms/send`, { form: { csrf } });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('SMS codes need a verified phone');
    const confirm = await browser.request(`${page.url}/enrol-sms`, { form: { csrf, code: '123456' } });
    expect(confirm.status).toBe(400);
    expect(confirm.body).toContain('The code has expired. Ask for a new one.');
    expect(await smsOn(user.id)).toBe(false);
    expect(browser.jar.has('idp_session')).toBe(false);

    // Signed in with a code to the phone, the same phone cannot be the second factor of that sign-in.
    await platform.admin.createUser({ login: 'ulan', password: 'ulan-password', phone: '+7 707 300 00 03' });
    const phoneClient = await platform.admin.createClient({ client_name: 'Phone bank', redirect_uris: [REDIRECT], scope: 'openid', first_party: true, require_2fa: true, allowed_login_methods: ['phone_otp'] });
    const byPhone = new Browserless(platform.base);
    const login = await byPhone.follow(`/connect/authorize?${new URLSearchParams({ client_id: phoneClient.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'state-12345', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`);
    const codePage = await byPhone.submit(login, '/otp/phone', { phone: '+77073000003' });
    const enrolPage = await byPhone.submit(codePage, '/otp/verify', { code: await newCode(platform.base, '+77073000003') });
    expect(enrolPage.body).toContain('Set up two-step sign-in');
    expect(enrolPage.body).toContain('the same phone cannot be your second factor in this sign-in');
    const sms = await byPhone.request(`${enrolPage.url}/enrol-sms/send`, { form: { csrf: parseForms(enrolPage.body)[0].fields.csrf } });
    expect(sms.status).toBe(400);
    expect(await readOutbox(platform.base, '+77073000003')).toHaveLength(1);
  });

  it('an account locked while it stands at the second factor is not let in', async () => {
    const user = await platform.admin.createUser({ login: 'lena', password: 'lena-password' });
    const { secret } = await enrolInCabinet(await signedInBrowser('lena', 'lena-password'));
    const browser = new Browserless(platform.base);
    const { page } = await password(browser, 'lena', 'lena-password');
    expect((await platform.admin.call('PATCH', `/admin/users/${user.id}`, { locked: true })).status).toBe(200);
    const refused = await browser.submit(page, '/second-factor/verify', { method: 'totp', code: nextCode(secret) });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('This account is locked.');
    expect(browser.jar.has('idp_session')).toBe(false);
  });

  it('an administrator can require 2FA for one account', async () => {
    const user = await platform.admin.createUser({ login: 'haris', password: 'haris-password' });
    const patched = await platform.admin.call('PATCH', `/admin/users/${user.id}`, { require_2fa: true });
    expect(patched.status).toBe(200);
    expect(patched.json.require_2fa).toBe(true);
    expect((await platform.admin.call('PATCH', `/admin/users/${user.id}`, { require_2fa: 'yes' })).status).toBe(400);
    const { page } = await password(new Browserless(platform.base), 'haris', 'haris-password');
    expect(page.body).toContain('Set up two-step sign-in');
  });

  it('a trusted browser skips the factor until it is revoked, and a password change undoes it', async () => {
    const user = await platform.admin.createUser({ login: 'inkar', password: 'inkar-password' });
    const { secret } = await enrolInCabinet(await signedInBrowser('inkar', 'inkar-password'));
    const browser = new Browserless(platform.base);
    let { page, checks } = await password(browser, 'inkar', 'inkar-password');
    expect(page.body).toContain('Trust this browser for 14 days');
    let out = await browser.submit(page, '/second-factor/verify', { method: 'totp', code: nextCode(secret), remember: '1' });
    expect(await amrOf(out, checks)).toEqual(['pwd', 'otp', 'mfa']);
    expect(browser.jar.has('idp_device')).toBe(true);

    // Same browser, a new sign-in: no second factor, and amr says only what happened.
    ({ page, checks } = await password(browser, 'inkar', 'inkar-password'));
    expect(await amrOf(page, checks)).toEqual(['pwd']);

    // Revoked in the cabinet: asked again.
    const cabinet = await browser.follow('/account/two-factor');
    expect(cabinet.body).toContain('trusted until');
    const revoked = await browser.submit(cabinet, '/devices/revoke', {});
    expect(revoked.body).toContain('The browser is no longer trusted.');
    expect(revoked.body).toContain('No trusted browsers.');
    ({ page } = await password(browser, 'inkar', 'inkar-password'));
    expect(page.url).toMatch(/\/second-factor$/);

    // Trusted again, then the password changes (any path that sets password_updated_at): asked again.
    out = await browser.submit(page, '/second-factor/verify', { method: 'totp', code: nextCode(secret), remember: '1' });
    expect(out.location?.startsWith(REDIRECT)).toBe(true);
    ({ page } = await password(browser, 'inkar', 'inkar-password'));
    expect(page.location?.startsWith(REDIRECT)).toBe(true);
    await accountsDb.query(`UPDATE accounts.users SET password_updated_at = $2 WHERE id = $1`, [user.id, new Date(now().getTime() + 1000)]);
    ({ page } = await password(browser, 'inkar', 'inkar-password'));
    expect(page.url).toMatch(/\/second-factor$/);

    // The cabinet no longer lists the browser either.
    expect((await browser.follow('/account/two-factor')).body).toContain('No trusted browsers.');
  });

  it('the JSON twin shows the factors and revokes a trusted browser with the CSRF header', async () => {
    await platform.admin.createUser({ login: 'zarina', password: 'zarina-password' });
    const { secret } = await enrolInCabinet(await signedInBrowser('zarina', 'zarina-password'));
    const browser = new Browserless(platform.base);
    const { page } = await password(browser, 'zarina', 'zarina-password');
    await browser.submit(page, '/second-factor/verify', { method: 'totp', code: nextCode(secret), remember: '1' });
    const api = (method: string, path: string, headers: Record<string, string> = {}) =>
      fetch(`${platform.base}${path}`, { method, headers: { Cookie: browser.jar.header(`${platform.base}${path}`), ...headers } });

    expect((await fetch(`${platform.base}/api/account/two-factor`)).status).toBe(401);
    const shown = await api('GET', '/api/account/two-factor');
    expect(shown.status).toBe(200);
    const body = await shown.json();
    expect(body).toMatchObject({ enrolled: true, totp: true, sms: false, sms_available: false, phone_masked: null, backup_codes_left: 10, required: false });
    expect(body.trusted_devices).toHaveLength(1);
    const id = body.trusted_devices[0].id;
    expect((await api('DELETE', `/api/account/two-factor/devices/${id}`)).status).toBe(403);
    expect((await api('DELETE', `/api/account/two-factor/devices/${id}`, { 'X-CSRF-Token': body.csrf_token })).status).toBe(204);
    expect((await api('DELETE', `/api/account/two-factor/devices/${id}`, { 'X-CSRF-Token': body.csrf_token })).status).toBe(404);
    expect((await (await api('GET', '/api/account/two-factor')).json()).trusted_devices).toEqual([]);
    const again = await password(browser, 'zarina', 'zarina-password');
    expect(again.page.url).toMatch(/\/second-factor$/);
  });

  it('cancelling at the second factor tells the client cancel_stage=second_factor', async () => {
    await platform.admin.createUser({ login: 'jan', password: 'jan-password' });
    await enrolInCabinet(await signedInBrowser('jan', 'jan-password'));
    const browser = new Browserless(platform.base);
    const { page } = await password(browser, 'jan', 'jan-password');
    await browser.submit(page, '/second-factor/verify', { method: 'totp', code: 'nope' });
    const out = await browser.submit(page, '/cancel', {}, 'cancel');
    const params = new URL(out.location!).searchParams;
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('cancel_stage')).toBe('second_factor');
    expect(params.get('cancel_reason')).toBe('second_factor_wrong_code');
  });

  it('turning 2FA off needs the password or a current code', async () => {
    await platform.admin.createUser({ login: 'kamila', password: 'kamila-password' });
    const browser = await signedInBrowser('kamila', 'kamila-password');
    const { secret } = await enrolInCabinet(browser);
    let cabinet = await browser.follow('/account/two-factor');
    const refused = await browser.submit(cabinet, '/disable', { password: 'not-her-password' });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('The password or code is wrong.');
    expect(refused.body).toContain('Two-step sign-in is on.');
    const off = await browser.submit(refused, '/disable', { code: nextCode(secret) });
    expect(off.status).toBe(200);
    expect(off.body).toContain('Two-step sign-in is off.');
    const { page, checks } = await password(new Browserless(platform.base), 'kamila', 'kamila-password');
    expect(await amrOf(page, checks)).toEqual(['pwd']);
    const sub = (await accountsDb.query(`SELECT id FROM accounts.users WHERE login = 'kamila'`))[0].id;
    const mine = events.filter((e) => (e.data as { sub?: string }).sub === sub && e.type.startsWith('user.2fa'));
    expect(mine.map((e) => [e.type, e.data])).toEqual([
      ['user.2fa_enabled', { sub, method: 'totp' }],
      ['user.2fa_disabled', { sub, reason: 'user' }],
    ]);
    cabinet = await browser.follow('/account/two-factor');
    expect(cabinet.body).toContain('Set up an authenticator app');
  });
  it('new backup codes need the password or a current code; the old ones then stop working', async () => {
    await platform.admin.createUser({ login: 'zhanar', password: 'zhanar-password' });
    const browser = await signedInBrowser('zhanar', 'zhanar-password');
    const { secret, codes } = await enrolInCabinet(browser);
    const cabinet = await browser.follow('/account/two-factor');
    const bare = await browser.submit(cabinet, '/backup-codes', {});
    expect(bare.status).toBe(400);
    expect(bare.body).toContain('id="twofa-error"');
    expect(bare.body).not.toContain('id="backup-codes"');
    const wrong = await browser.submit(bare, '/backup-codes', { password: 'not-her-password' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).not.toContain('id="backup-codes"');

    const byPassword = await browser.submit(wrong, '/backup-codes', { password: 'zhanar-password' });
    expect(byPassword.status).toBe(200);
    const fresh = /<pre id="backup-codes">([^<]*)<\/pre>/.exec(byPassword.body)![1].split('\n');
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(codes[0]);

    // A current TOTP code does too; the set from the password is then replaced as well.
    const byCode = await browser.submit(byPassword, '/backup-codes', { code: nextCode(secret) });
    const newest = /<pre id="backup-codes">([^<]*)<\/pre>/.exec(byCode.body)![1].split('\n');
    expect(newest).toHaveLength(10);
    // A backup code of the replaced set re-authenticates nothing.
    const stale = await browser.submit(byCode, '/backup-codes', { code: fresh[0] });
    expect(stale.status).toBe(400);
    const { page } = await password(new Browserless(platform.base), 'zhanar', 'zhanar-password');
    expect(page.url).toMatch(/\/second-factor$/);
  });
  it('turning 2FA off with an SMS code sent from the cabinet; a wrong SMS code changes nothing', async () => {
    await platform.admin.createUser({ login: 'aruzhan', password: 'aruzhan-password', phone: '+7 707 300 00 07' });
    const browser = await signedInBrowser('aruzhan', 'aruzhan-password');
    const on = await browser.submit(await browser.follow('/account/two-factor'), '/account/two-factor/sms', { enabled: '1' });
    expect(on.body).toContain('Send a code by SMS to +7707***0007 to turn it off');
    expect(on.body).not.toContain('name="sms_challenge_id"');
    const sent = await browser.submit(on, '/disable/sms', {});
    expect(sent.status).toBe(200);
    expect(sent.body).toContain('We sent a code by SMS to +7707***0007.');
    const code = await newCode(platform.base, '+77073000007');
    const wrong = await browser.submit(sent, '/account/two-factor/disable', { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('The password or code is wrong.');
    expect(wrong.body).toContain('Two-step sign-in is on.');
    // The wrong code did not use the challenge up: the right one still turns 2FA off.
    const off = await browser.submit(sent, '/account/two-factor/disable', { code });
    expect(off.status).toBe(200);
    expect(off.body).toContain('Two-step sign-in is off.');
    const { page } = await password(new Browserless(platform.base), 'aruzhan', 'aruzhan-password');
    expect(page.location?.startsWith(REDIRECT)).toBe(true);
  });
});
