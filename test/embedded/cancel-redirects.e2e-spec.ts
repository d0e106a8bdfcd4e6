import { Browserless, PageResponse } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { askPhoneCode, newCode } from './otp';

const REDIRECT = 'https://rp.example/cb';
const SCOPE = 'openid profile';

describe('cancel and error redirects carry Aitu-style parameters', () => {
  let platform: EmbeddedPlatform;
  let client: { client_id: string; client_secret: string };

  const authorizeUrl = (extra: Record<string, string> = {}) =>
    `${platform.base}/connect/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT, scope: SCOPE, state: 'state-12345', ...extra })}`;
  const params = (page: PageResponse) => {
    expect(page.status).toBe(303);
    const url = new URL(page.location!);
    expect(`${url.origin}${url.pathname}`).toBe(REDIRECT);
    return Object.fromEntries(url.searchParams);
  };
  const interactionId = (page: PageResponse) => /\/interaction\/([^/?#]+)/.exec(page.url)![1];

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    client = await platform.admin.createClient({
      client_name: 'Marketplace',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code'],
      scope: SCOPE,
      allowed_login_methods: ['password', 'phone_otp'],
    });
    await platform.admin.createUser({ login: 'daulet', password: 'daulet-password-1', given_name: 'Daulet' });
  });

  afterAll(() => platform.close());

  it('offers a cancel button on the login page and the consent page', async () => {
    const browser = new Browserless(platform.base);
    const login = await browser.follow(authorizeUrl());
    const id = interactionId(login);
    expect(login.body).toContain(`action="/interaction/${id}/cancel"`);
    expect(login.body).toContain('name="decision" value="cancel"');
    const consent = await browser.submit(login, '/login', { username: 'daulet', password: 'daulet-password-1' });
    expect(consent.body).toContain('/consent"');
    expect(consent.body).toContain(`action="/interaction/${id}/cancel"`);
  });

  it('cancel on the login page: access_denied, the stage, the request id, and no reason when nothing went wrong', async () => {
    const browser = new Browserless(platform.base);
    const login = await browser.follow(authorizeUrl());
    const out = await browser.submit(login, '/cancel', {}, 'cancel');
    expect(params(out)).toEqual({
      error: 'access_denied',
      error_description: 'the user denied the request',
      scope: SCOPE,
      state: 'state-12345',
      iss: platform.base,
      cancel_stage: 'login',
      cancel_request_id: interactionId(login),
    });
    // The interaction is over: a second cancel finds nothing to cancel.
    const again = await browser.submit(login, '/cancel', {}, 'cancel');
    expect(again.status).toBe(400);
  });

  it('cancel after a wrong password names the reason', async () => {
    const browser = new Browserless(platform.base);
    const login = await browser.follow(authorizeUrl());
    const failed = await browser.submit(login, '/login', { username: 'daulet', password: 'wrong-password' });
    expect(failed.status).toBe(401);
    const out = await browser.submit(failed, '/cancel', {}, 'cancel');
    expect(params(out)).toEqual({
      error: 'access_denied',
      error_description: 'the user denied the request',
      scope: SCOPE,
      state: 'state-12345',
      iss: platform.base,
      cancel_stage: 'login',
      cancel_request_id: interactionId(login),
      cancel_reason: 'invalid_credentials',
    });
  });

  it('cancel on the consent page, and the deny button, say stage consent', async () => {
    for (const [action, button] of [['/cancel', 'cancel'], ['/consent', 'deny']]) {
      const browser = new Browserless(platform.base);
      const login = await browser.follow(authorizeUrl());
      const consent = await browser.submit(login, '/login', { username: 'daulet', password: 'daulet-password-1' });
      const out = await browser.submit(consent, action, {}, button);
      expect(params(out)).toEqual({
        error: 'access_denied',
        error_description: 'the user denied the request',
        scope: SCOPE,
        state: 'state-12345',
        iss: platform.base,
        cancel_stage: 'consent',
        cancel_request_id: interactionId(login),
      });
    }
  });

  it('cancel on the code page after a wrong code: stage otp, reason otp_wrong_code', async () => {
    const browser = new Browserless(platform.base);
    const login = await browser.follow(authorizeUrl());
    const codePage = await askPhoneCode(browser, login, '+77011234501');
    expect(codePage.body).toContain(`action="/interaction/${interactionId(login)}/cancel"`);
    const code = await newCode(platform.base, '+77011234501');
    const wrong = await browser.submit(codePage, '/otp/verify', { code: code === '000000' ? '111111' : '000000' });
    const out = await browser.submit(wrong, '/cancel', {}, 'cancel');
    expect(params(out)).toEqual({
      error: 'access_denied',
      error_description: 'the user denied the request',
      scope: SCOPE,
      state: 'state-12345',
      iss: platform.base,
      cancel_stage: 'otp',
      cancel_request_id: interactionId(login),
      cancel_reason: 'otp_wrong_code',
    });
  });

  it('cancel on the name page of a new account: stage profile', async () => {
    const browser = new Browserless(platform.base);
    const login = await browser.follow(authorizeUrl());
    const codePage = await askPhoneCode(browser, login, '+77011234502');
    const profile = await browser.submit(codePage, '/otp/verify', { code: await newCode(platform.base, '+77011234502') });
    expect(profile.url).toMatch(/\/profile$/);
    const out = await browser.submit(profile, '/cancel', {}, 'cancel');
    expect(params(out)).toMatchObject({ error: 'access_denied', scope: SCOPE, cancel_stage: 'profile', cancel_request_id: interactionId(login) });
  });

  it('a cancel without the CSRF token is refused and the interaction goes on', async () => {
    const browser = new Browserless(platform.base);
    const login = await browser.follow(authorizeUrl());
    const forged = await browser.request(`/interaction/${interactionId(login)}/cancel`, { method: 'POST', form: { decision: 'cancel' } });
    expect(forged.status).toBe(403);
    const consent = await browser.submit(login, '/login', { username: 'daulet', password: 'daulet-password-1' });
    expect(consent.body).toContain('/consent"');
  });

  it('an error from the authorization endpoint echoes the scope, without cancel parameters', async () => {
    const out = await new Browserless(platform.base).request(authorizeUrl({ prompt: 'none' }));
    const url = new URL(out.location!);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      error: 'login_required',
      error_description: expect.any(String),
      scope: SCOPE,
      state: 'state-12345',
      iss: platform.base,
    });
  });
});
