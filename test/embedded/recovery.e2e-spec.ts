import { BaseClient, Issuer, generators } from 'openid-client';
import { Browserless, PageResponse, parseForms } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';
import { newCode, readOutbox } from './otp';

const REDIRECT = 'https://rp.example/cb';

describe('password recovery from the sign-in page', () => {
  let platform: EmbeddedPlatform;
  let rp: BaseClient;
  let saule: string;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({ OTP_MAX_PER_IP_HOUR: '1000', OTP_MAX_PER_IP_DAY: '1000' });
    const registered = await platform.admin.createClient({ client_name: 'Bookshop', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile offline_access', first_party: true });
    rp = new (await Issuer.discover(platform.base)).Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
    saule = (await platform.admin.createUser({ login: 'saule', password: 'saule-password-1', phone: '+7 701 500 00 01', email: 'saule@example.kz' })).id;
    // An account whose phone was typed in at registration but never confirmed: not a recovery address.
    await platform.admin.call('POST', '/admin/users', { login: 'unverified', password: 'unverified-password-1' });
  });

  afterAll(() => platform.close());

  function authorizeUrl() {
    const checks = { state: generators.state(), code_verifier: generators.codeVerifier() };
    return { checks, url: rp.authorizationUrl({ scope: 'openid profile offline_access', state: checks.state, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' }) };
  }

  async function recoveryPage(browser = new Browserless(platform.base)): Promise<{ browser: Browserless; page: PageResponse }> {
    const login = await browser.follow(authorizeUrl().url);
    expect(login.body).toContain('Forgot your password?');
    const page = await browser.follow(new URL(/href="([^"]+\/recovery)"/.exec(login.body)![1], platform.base).toString());
    expect(page.body).toContain('Reset your password');
    return { browser, page };
  }

  /** The page shown after asking for a code, with the destination and the challenge id blanked out. */
  const shape = (page: PageResponse, destination: string) =>
    page.body.replace(/\/interaction\/[^/"]+/g, '/interaction/ID').replace(/value="[A-Za-z0-9_-]{20,}"/g, 'value="TOKEN"').replace(/value="[0-9a-f-]{36}"/g, 'value="CHALLENGE"').split(destination).join('DESTINATION');

  it('answers the same for an identifier with an account and one without, and sends a code only to the real one', async () => {
    const known = await recoveryPage();
    const forKnown = await known.browser.submit(known.page, '/recovery', { destination: '8 701 500 00 01' });
    const unknown = await recoveryPage();
    const forUnknown = await unknown.browser.submit(unknown.page, '/recovery', { destination: '8 701 500 00 99' });
    expect(forKnown.status).toBe(200);
    expect(forUnknown.status).toBe(200);
    expect(shape(forKnown, '+77015000001')).toBe(shape(forUnknown, '+77015000099'));
    expect(forKnown.body).toContain('If an account has +77015000001 verified, a code is on its way to it.');
    const finishForm = parseForms(forKnown.body).find((f) => f.action.endsWith('/recovery/finish'))!;
    expect(finishForm.autocomplete).toEqual({ code: 'one-time-code', password: 'new-password' });

    expect(await newCode(platform.base, '+77015000001')).toMatch(/^\d{6}$/);
    expect(await readOutbox(platform.base, '+77015000099')).toEqual([]);
    // No code was sent for the unknown number: any code is refused like a wrong one, no account changes.
    const guessed = await unknown.browser.submit(forUnknown, '/recovery/finish', { code: '123456', password: 'brand-new-password-1' });
    expect(guessed.status).toBe(400);

    // The same resend rule applies to both, so it tells nothing either.
    const again = await recoveryPage();
    const tooSoonUnknown = await again.browser.submit(again.page, '/recovery', { destination: '8 701 500 00 99' });
    const tooSoonKnown = await again.browser.submit(again.page, '/recovery', { destination: '8 701 500 00 01' });
    expect(tooSoonUnknown.status).toBe(429);
    expect(tooSoonKnown.status).toBe(429);
  });

  it('sets a new password under the rules with the code, and can end every session', async () => {
    const checks = authorizeUrl();
    const before = new Browserless(platform.base);
    const out = await signInThroughPages(before, checks.url, { login: 'saule', password: 'saule-password-1' });
    const tokens = await rp.callback(REDIRECT, rp.callbackParams(out.location!), checks.checks);

    const { browser, page } = await recoveryPage();
    const sent = await browser.submit(page, '/recovery', { destination: 'Saule@Example.kz' });
    const code = await newCode(platform.base, 'saule@example.kz');
    const weak = await browser.submit(sent, '/recovery/finish', { code, password: '12345678' });
    expect(weak.status).toBe(400);
    expect(weak.body).toContain('Choose another password');
    const wrong = await browser.submit(sent, '/recovery/finish', { code: code === '000000' ? '111111' : '000000', password: 'saule-new-password-2' });
    expect(wrong.body).toContain('The code is wrong. Attempts left: 4.');
    const done = await browser.submit(sent, '/recovery/finish', { code, password: 'saule-new-password-2', end_sessions: 'on' });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Your password has been changed. Sign in with the new one.');

    // The code is spent; the old password is gone; every session and token ended.
    expect((await browser.submit(sent, '/recovery/finish', { code, password: 'saule-new-password-3' })).status).toBe(400);
    await expect(rp.refresh(tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const silent = await before.request(rp.authorizationUrl({ scope: 'openid', prompt: 'none', state: 'state-123456', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }));
    expect(new URL(silent.location!).searchParams.get('error')).toBe('login_required');
    expect((await signInThroughPages(new Browserless(platform.base), authorizeUrl().url, { login: 'saule', password: 'saule-password-1' })).status).toBe(401);
    // The same interaction goes on to sign in with the new password.
    const signedIn = await browser.submit(done, '/login', { username: 'saule', password: 'saule-new-password-2' });
    expect(signedIn.location).toContain('code=');

    const trail = (await platform.admin.call('GET', `/admin/users/${saule}/audit`)).json as Array<{ type: string; data: Record<string, unknown> | null }>;
    expect(trail.find((e) => e.type === 'user.password_changed')!.data).toEqual({ via: 'recovery' });
    expect(trail.map((e) => e.type)).toContain('user.recovery_requested');
  });
});
