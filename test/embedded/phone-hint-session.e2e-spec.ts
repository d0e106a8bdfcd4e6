import { createServer, Server } from 'node:http';
import { decodeJwt } from 'jose';
import { Browserless, PageResponse, freePort } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { readOutbox } from './otp';

const REDIRECT = 'https://taxi.example/cb';

describe('the phone hint and a session for another phone (Aitu)', () => {
  let platform: EmbeddedPlatform;
  let client: { client_id: string };
  let receiver: Server;
  const logoutTokens: string[] = [];
  let aliyaSub: string;

  const authorize = (browser: Browserless, extra: Record<string, string> = {}) =>
    browser.follow(`/connect/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT, scope: 'openid', state: 'state-12345', ...extra })}`);
  const params = (page: PageResponse) => Object.fromEntries(new URL(page.location!).searchParams);

  async function signedInBrowser(): Promise<Browserless> {
    const browser = new Browserless(platform.base);
    const login = await authorize(browser);
    const out = await browser.submit(login, '/login', { username: 'aliya', password: 'aliya-password-1' });
    expect(out.location).toMatch(/^https:\/\/taxi\.example\/cb\?code=/);
    return browser;
  }

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    const port = await freePort();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        logoutTokens.push(new URLSearchParams(body).get('logout_token')!);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(port, '127.0.0.1', r));
    client = await platform.admin.createClient({
      client_name: 'Taxi',
      redirect_uris: [REDIRECT],
      scope: 'openid',
      first_party: true,
      allowed_login_methods: ['password', 'phone_otp'],
      backchannel_logout_uri: `http://127.0.0.1:${port}/logout`,
    });
    aliyaSub = (await platform.admin.createUser({ login: 'aliya', password: 'aliya-password-1', phone: '+77017770001' })).id;
  });

  afterAll(async () => {
    await platform.close();
    await new Promise((r) => receiver.close(r));
  });

  it('keeps the session when the hint is the signed-in phone', async () => {
    const browser = await signedInBrowser();
    const again = await authorize(browser, { phone: '+77017770001' });
    expect(again.location).toMatch(/^https:\/\/taxi\.example\/cb\?code=/);
  });

  it('ends a session of another phone and starts at the code step for the hinted one', async () => {
    const browser = await signedInBrowser();
    const before = logoutTokens.length;
    const page = await authorize(browser, { phone: '+77017770002' });
    expect(page.status).toBe(200);
    expect(page.url).toMatch(/\/interaction\/[^/]+\/otp$/);
    expect(page.body).toContain('+77017770002');
    expect((await readOutbox(platform.base, '+77017770002')).length).toBe(1);
    // The old session is over: without a hint the browser is asked to sign in again.
    const plain = await authorize(browser);
    expect(plain.url).toMatch(/\/interaction\/[^/]+$/);
    expect(plain.body).toContain('/login"');
    // The client of the ended session hears of it as after a logout.
    for (let i = 0; i < 100 && logoutTokens.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(logoutTokens.length).toBe(before + 1);
    expect(decodeJwt(logoutTokens[before]).sub).toBe(aliyaSub);
  });

  it('with prompt=none, ends the session and answers login_required', async () => {
    const browser = await signedInBrowser();
    const page = await authorize(browser, { phone: '+77017770003', prompt: 'none' });
    expect(params(page)).toMatchObject({ error: 'login_required', state: 'state-12345' });
    const plain = await authorize(browser, { prompt: 'none' });
    expect(params(plain).error).toBe('login_required');
  });
});
