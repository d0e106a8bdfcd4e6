import { createServer, IncomingMessage, Server } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { BaseClient, Issuer, generators } from 'openid-client';
import { Browserless, freePort } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { askPhoneCode, eventually } from './otp';

const REDIRECT = 'https://rp.example/cb';

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

/** Real gateways started by the test: an SMTP server (smtp-server) and an SMS webhook receiver (node:http). */
describe('codes through real gateways: SMTP and the SMS webhook (embedded)', () => {
  let platform: EmbeddedPlatform;
  let client: BaseClient;
  let smtp: SMTPServer;
  let webhook: Server;
  const mails: Mail[] = [];
  const sms: Array<{ body: Record<string, string>; contentType?: string; answered: number }> = [];
  /** Statuses the webhook answers with, one per request; 200 once they run out. */
  const webhookAnswers: number[] = [];

  beforeAll(async () => {
    const [smtpPort, webhookPort] = [await freePort(), await freePort()];
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (d: Buffer) => (raw += d.toString('utf8')));
        stream.on('end', () => {
          mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(smtpPort, '127.0.0.1', () => r()));
    webhook = createServer((req: IncomingMessage, res) => {
      let data = '';
      req.on('data', (d) => (data += d));
      req.on('end', () => {
        const status = webhookAnswers.shift() ?? 200;
        sms.push({ body: JSON.parse(data), contentType: req.headers['content-type'], answered: status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => webhook.listen(webhookPort, '127.0.0.1', r));

    platform = await startEmbeddedPlatform({
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      SMTP_FROM: 'codes@idp.example',
      SMS_WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/sms`,
      DEV_OUTBOX: 'off',
    });
    const registered = await platform.admin.createClient({
      client_name: 'Kassa',
      redirect_uris: [REDIRECT],
      scope: 'openid email phone',
      allowed_login_methods: ['phone_otp', 'email_otp'],
      first_party: true,
    });
    client = new (await Issuer.discover(platform.base)).Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [REDIRECT] });
  });

  afterAll(async () => {
    await platform?.close();
    await new Promise<void>((r) => smtp.close(() => r()));
    webhook.closeAllConnections();
    await new Promise<void>((r) => webhook.close(() => r()));
  });

  function start(scope: string) {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = client.authorizationUrl({ scope, state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    return { url, checks };
  }

  it('sends an e-mail code through the SMTP server, and the code registers the address verified', async () => {
    const browser = new Browserless(platform.base);
    const { url, checks } = start('openid email');
    const login = await browser.follow(url);
    expect(login.body).not.toContain('autocomplete="current-password"');
    const codePage = await browser.submit(login, '/otp/email', { email: ' Dana@Example.KZ ' });
    expect(codePage.body).toContain('We sent a 6-digit code by e-mail to dana@example.kz.');

    const mail = await eventually(async () => mails.find((m) => m.to.includes('dana@example.kz')));
    expect(mail.from).toBe('codes@idp.example');
    expect(mail.raw).toContain('Subject: Your verification code');
    const code = /Your sign-in code: (\d{6})\./.exec(mail.raw.replace(/=\r?\n/g, ''))![1];

    const profile = await browser.submit(codePage, '/otp/verify', { code });
    const out = await browser.submit(profile, '/profile', { given_name: 'Dana' });
    expect(out.location?.startsWith(REDIRECT)).toBe(true);
    const tokens = await client.callback(REDIRECT, client.callbackParams(out.location!), checks);
    expect(await client.userinfo(tokens)).toMatchObject({ email: 'dana@example.kz', email_verified: true });
  });

  it('posts an SMS to the webhook as JSON, retrying a 503, and the code signs in', async () => {
    webhookAnswers.push(503);
    const browser = new Browserless(platform.base);
    const { url, checks } = start('openid phone');
    const codePage = await askPhoneCode(browser, await browser.follow(url), '+7 (777) 100-20-30');

    const delivered = await eventually(async () => (sms.filter((s) => s.body.to === '+77771002030').length >= 2 ? sms.filter((s) => s.body.to === '+77771002030') : null));
    expect(delivered.map((d) => d.answered)).toEqual([503, 200]);
    expect(delivered[0].body).toEqual(delivered[1].body);
    expect(delivered[0].contentType).toBe('application/json');
    expect(Object.keys(delivered[0].body).sort()).toEqual(['purpose', 'text', 'to']);
    expect(delivered[0].body.purpose).toBe('login');
    const code = /(\d{6})/.exec(delivered[0].body.text)![1];

    const profile = await browser.submit(codePage, '/otp/verify', { code });
    const out = await browser.submit(profile, '/profile', { given_name: 'Marat' });
    const tokens = await client.callback(REDIRECT, client.callbackParams(out.location!), checks);
    expect(await client.userinfo(tokens)).toMatchObject({ phone_number: '+77771002030', phone_number_verified: true });
  });

  it('does not serve the development outbox when it is off', async () => {
    const res = await fetch(`${platform.base}/dev/outbox?to=%2B77771002030`);
    expect(res.status).toBe(404);
  });
});
