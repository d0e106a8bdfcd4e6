import { SMTPServer } from 'smtp-server';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { BaseClient, Issuer, generators } from 'openid-client';
import { freePort } from '@idp/testing';
import { launchChromium } from './browser';
import { startRelyingParty } from './relying-party';
import { Topology } from './topology';

const PHONE = '+77079006677';
const EMAIL = 'timur@example.kz';
const RECOVERY_PHONE = '+77079008899';

/**
 * What the embedded suite checks over HTTP, here in Chromium against the distributed topology
 * (two auth instances, accounts and consent on NATS and PostgreSQL): SMS enrolment during a
 * sign-in, backup codes, trusted browsers (revoked in the cabinet, undone by a password change),
 * password recovery by a phone code (development outbox) and by an e-mail code (a real SMTP
 * server started here), and the certificate choice offered to web clients only.
 */
describe('distributed mode: second-factor journeys and recovery in Chromium', () => {
  let topology: Topology;
  let smtp: SMTPServer;
  const mails: Array<{ to: string[]; raw: string }> = [];
  let browser: Browser;
  let rp: Awaited<ReturnType<typeof startRelyingParty>>;
  let web: BaseClient;
  let strict: BaseClient;
  let nativeClientId: string;
  const contexts: BrowserContext[] = [];
  let backupCodes: string[] = [];

  beforeAll(async () => {
    const smtpPort = await freePort();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (d: Buffer) => (raw += d.toString('utf8')));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(smtpPort, '127.0.0.1', () => r()));
    // The processes' clocks cannot be moved from here: the resend wait is off (the embedded suites check the 120 s).
    topology = new Topology({
      DEV_OUTBOX: 'on',
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      SMTP_FROM: 'codes@idp.example',
      OTP_RESEND_INTERVAL: '0',
      TRUSTED_DEVICE_DAYS: '14',
    });
    await Topology.resetDatabase();
    [browser, rp] = await Promise.all([launchChromium(), startRelyingParty(), topology.start()]);
    const issuer = await Issuer.discover(topology.authA);
    const make = async (extra: Record<string, unknown>) => {
      const c = await topology.admin.createClient({ redirect_uris: [rp.redirectUri], scope: 'openid profile', first_party: true, ...extra });
      return new issuer.Client({ client_id: c.client_id, client_secret: c.client_secret, redirect_uris: [rp.redirectUri] });
    };
    web = await make({ client_name: 'Shop', allowed_login_methods: ['password', 'certificate'] });
    strict = await make({ client_name: 'Bank', require_2fa: true });
    nativeClientId = (await topology.admin.createClient({ client_name: 'Phone app', application_type: 'native', redirect_uris: [rp.redirectUri], scope: 'openid', allowed_login_methods: ['password', 'certificate'] })).client_id;
    await topology.admin.createUser({ login: 'roza', password: 'roza-password-1', phone: PHONE });
    await topology.admin.createUser({ login: 'timur', password: 'timur-password-1', phone: RECOVERY_PHONE, email: EMAIL });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await rp?.close();
    await topology?.stopAll();
    if (smtp) await new Promise<void>((r) => smtp.close(() => r()));
  });

  async function newPage(userAgent = 'JourneySuite/1'): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US', userAgent });
    contexts.push(context);
    return context.newPage();
  }

  function authorizeUrl(rpClient: BaseClient, base: string) {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = rpClient.authorizationUrl({ scope: 'openid profile', prompt: 'login', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    return { url: url.replace(topology.authA, base), checks };
  }

  async function signInWithPassword(page: Page, rpClient: BaseClient, base: string, login = 'roza', password = 'roza-password-1') {
    const { url, checks } = authorizeUrl(rpClient, base);
    await page.goto(url);
    await page.fill('input[autocomplete="username"]', login);
    await page.fill('input[autocomplete="current-password"]', password);
    await page.click('form[action$="/login"] button[type="submit"]');
    return checks;
  }

  async function amrAfterCallback(page: Page, rpClient: BaseClient, checks: Record<string, string>): Promise<string[]> {
    await page.waitForURL((u) => u.toString().startsWith(rp.redirectUri), { timeout: 15000 });
    return (await rpClient.callback(rp.redirectUri, rpClient.callbackParams(page.url()), checks)).claims().amr as string[];
  }

  async function codeFromOutbox(base: string, to: string, seen: string[] = []): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${base}/dev/outbox?to=${encodeURIComponent(to)}`);
      expect(res.status).toBe(200);
      const [newest] = await res.json();
      if (newest && !seen.includes(newest.code)) return newest.code;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no code in the outbox');
  }

  async function outboxCodes(base: string, to: string): Promise<string[]> {
    return ((await (await fetch(`${base}/dev/outbox?to=${encodeURIComponent(to)}`)).json()) as Array<{ code: string }>).map((m) => m.code);
  }

  /** At the second-factor page: a backup code, with or without "trust this browser". */
  async function useBackupCode(page: Page, code: string, remember = false) {
    await page.waitForURL(/\/second-factor$/);
    const form = page.locator('form:has(input[value="backup_code"])');
    await form.locator('input[autocomplete="one-time-code"]').fill(code);
    if (remember) await form.locator('input[name="remember"]').check();
    await form.locator('button[type="submit"]').click();
  }

  it('a client that requires 2FA: the account sets up SMS codes in the sign-in on instance A, confirmed with a code read through instance B', async () => {
    const page = await newPage();
    const checks = await signInWithPassword(page, strict, topology.authA);
    await page.waitForURL(/\/second-factor$/);
    expect(await page.locator('h1').textContent()).toBe('Set up two-step sign-in');
    await page.click('#sms-enrol-send');
    await page.waitForSelector('#twofa-notice');
    expect(await page.locator('#twofa-notice').textContent()).toBe('We sent a code by SMS to +7707***6677. Type it to turn SMS codes on.');
    const code = await codeFromOutbox(topology.authB, PHONE);
    await page.fill('#sms-enrol-confirm input[autocomplete="one-time-code"]', code === '000000' ? '111111' : '000000');
    await page.click('#sms-enrol-confirm button[type="submit"]');
    expect(await page.locator('#twofa-error').textContent()).toBe('The code is wrong. Attempts left: 4.');
    await page.fill('#sms-enrol-confirm input[autocomplete="one-time-code"]', code);
    await page.click('#sms-enrol-confirm button[type="submit"]');
    await page.waitForSelector('#backup-codes');
    expect(await page.locator('h1').textContent()).toBe('Two-step sign-in is on.');
    backupCodes = (await page.locator('#backup-codes').textContent())!.split('\n');
    expect(backupCodes).toHaveLength(10);
    await page.click('form[action$="/second-factor/continue"] button[type="submit"]');
    expect(await amrAfterCallback(page, strict, checks)).toEqual(['pwd', 'sms', 'mfa']);
  });

  it('signs in with a backup code on instance B; the same code is refused afterwards', async () => {
    const page = await newPage();
    const checks = await signInWithPassword(page, web, topology.authB);
    await page.waitForURL(/\/second-factor$/);
    expect(await page.locator('h1').textContent()).toBe('Confirm it is you');
    expect(await page.locator('form[action$="/second-factor/sms"] button').textContent()).toBe('Send a code by SMS to +7707***6677');
    await useBackupCode(page, backupCodes[0].toUpperCase());
    expect(await amrAfterCallback(page, web, checks)).toEqual(['pwd', 'otp', 'mfa']);

    const again = await newPage();
    await signInWithPassword(again, web, topology.authA);
    await useBackupCode(again, backupCodes[0]);
    expect(await again.locator('#twofa-error').textContent()).toBe('The code is wrong. Attempts left: 4.');
    expect(again.url()).toMatch(/\/second-factor\/verify$/);
    expect(again.url().startsWith(rp.redirectUri)).toBe(false);
  });

  it('a trusted browser skips the factor on both instances until the cabinet stops trusting it; then a password change undoes a new trust', async () => {
    const page = await newPage('JourneySuite/trusted');
    let checks = await signInWithPassword(page, web, topology.authA);
    await useBackupCode(page, backupCodes[1], true);
    expect(await amrAfterCallback(page, web, checks)).toEqual(['pwd', 'otp', 'mfa']);

    // The next sign-in in this browser, on the other instance, asks for the password only.
    checks = await signInWithPassword(page, web, topology.authB);
    expect(await amrAfterCallback(page, web, checks)).toEqual(['pwd']);

    await page.goto(`${topology.authB}/account/two-factor`);
    const devices = page.locator('#devices li');
    expect(await devices.count()).toBe(1);
    expect(await devices.first().textContent()).toContain('JourneySuite/trusted, trusted until');
    await devices.first().locator('button[type="submit"]').click();
    await page.waitForSelector('p#devices');
    expect(await page.locator('#devices').textContent()).toBe('No trusted browsers.');

    // Revoked: asked again.
    checks = await signInWithPassword(page, web, topology.authA);
    await useBackupCode(page, backupCodes[2], true);
    expect(await amrAfterCallback(page, web, checks)).toEqual(['pwd', 'otp', 'mfa']);
    checks = await signInWithPassword(page, web, topology.authA);
    expect(await amrAfterCallback(page, web, checks)).toEqual(['pwd']);

    // A password change in the cabinet: the browser trusted before it no longer counts.
    await page.goto(`${topology.authA}/account#password`);
    await page.fill('#current_password', 'roza-password-1');
    await page.fill('#new_password', 'roza-password-2');
    await page.click('form[action="/account/password"] button[type="submit"]');
    await page.waitForSelector('.notice');
    await signInWithPassword(page, web, topology.authB, 'roza', 'roza-password-2');
    await page.waitForURL(/\/second-factor$/);
    expect(await page.locator('h1').textContent()).toBe('Confirm it is you');
    await page.goto(`${topology.authB}/account/two-factor`);
    expect(await page.locator('#devices').textContent()).toBe('No trusted browsers.');
  });

  it('recovers the password with a code to the phone (development outbox), then signs in with the new one', async () => {
    const page = await newPage();
    const checks = authorizeUrl(web, topology.authA);
    await page.goto(checks.url);
    await page.click('#forgot-password');
    await page.fill('#destination', '8 707 900 88 99');
    await page.click('form[action$="/recovery"] button[type="submit"]');
    await page.waitForSelector('#recovery-sent');
    const code = await codeFromOutbox(topology.authB, RECOVERY_PHONE);
    await page.fill('input[autocomplete="one-time-code"]', code);
    await page.fill('input[autocomplete="new-password"]', 'timur-password-2');
    await page.click('form[action$="/recovery/finish"] button[type="submit"]');
    await page.waitForSelector('input[autocomplete="current-password"]');
    expect(await page.locator('body').textContent()).toContain('Your password has been changed. Sign in with the new one.');
    await page.fill('input[autocomplete="username"]', 'timur');
    await page.fill('input[autocomplete="current-password"]', 'timur-password-2');
    await page.click('form[action$="/login"] button[type="submit"]');
    expect(await amrAfterCallback(page, web, checks.checks)).toEqual(['pwd']);
  });

  it('recovers the password with a code sent by e-mail through a real SMTP server; the old password no longer works', async () => {
    const page = await newPage();
    const checks = authorizeUrl(web, topology.authB);
    await page.goto(checks.url);
    await page.click('#forgot-password');
    await page.fill('#destination', 'Timur@Example.KZ');
    await page.click('form[action$="/recovery"] button[type="submit"]');
    await page.waitForSelector('#recovery-sent');
    let mail: { to: string[]; raw: string } | undefined;
    for (let i = 0; i < 100 && !mail; i++) {
      mail = mails.find((m) => m.to.includes(EMAIL));
      if (!mail) await new Promise((r) => setTimeout(r, 100));
    }
    expect(mail).toBeDefined();
    const code = /Your account recovery code: (\d{6})\./.exec(mail!.raw.replace(/=\r?\n/g, ''))![1];
    // Nothing of it went to the outbox: the e-mail had a real server.
    expect(await outboxCodes(topology.authA, EMAIL)).toEqual([]);
    await page.fill('input[autocomplete="one-time-code"]', code);
    await page.fill('input[autocomplete="new-password"]', 'timur-password-3');
    await page.click('form[action$="/recovery/finish"] button[type="submit"]');
    await page.waitForSelector('input[autocomplete="current-password"]');
    expect(await page.locator('body').textContent()).toContain('Your password has been changed. Sign in with the new one.');
    await page.fill('input[autocomplete="username"]', 'timur');
    await page.fill('input[autocomplete="current-password"]', 'timur-password-2');
    await page.click('form[action$="/login"] button[type="submit"]');
    await page.waitForSelector('.error');
    expect(page.url()).toContain('/interaction/');
    await page.fill('input[autocomplete="username"]', 'timur');
    await page.fill('input[autocomplete="current-password"]', 'timur-password-3');
    await page.click('form[action$="/login"] button[type="submit"]');
    expect(await amrAfterCallback(page, web, checks.checks)).toEqual(['pwd']);
  });

  it('the sign-in page offers a certificate to a web client and not to a native one', async () => {
    const page = await newPage();
    await page.goto(authorizeUrl(web, topology.authA).url);
    await page.waitForSelector('input[autocomplete="current-password"]');
    expect(await page.locator('#certificate-login').isVisible()).toBe(true);
    expect(await page.locator('#certificate-login').textContent()).toBe('Sign in with a certificate');

    const native = new URLSearchParams({
      client_id: nativeClientId,
      redirect_uri: rp.redirectUri,
      response_type: 'code',
      scope: 'openid',
      state: generators.state(),
      code_challenge: generators.codeChallenge(generators.codeVerifier()),
      code_challenge_method: 'S256',
    });
    await page.goto(`${topology.authB}/connect/authorize?${native}`);
    await page.waitForSelector('input[autocomplete="current-password"]');
    expect(await page.locator('#certificate-login').count()).toBe(0);
    expect(await page.locator('a[href$="/certificate"]').count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toContain('Sign in with a certificate');
  });
});
