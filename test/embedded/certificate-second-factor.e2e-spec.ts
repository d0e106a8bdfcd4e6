import { decodeJwt } from 'jose';
import { BaseClient, Issuer, generators } from 'openid-client';
import { Browserless, PageResponse, TestCredential, TestPki, decryptChallenge, postForm } from '@idp/testing';
import { Clock } from '../../apps/accounts/src/clock/clock';
import { totpCode } from '../../apps/accounts/src/second-factor/totp';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

const REDIRECT = 'https://rp.example/cb';
const PROXY_HEADER = 'x-ssl-client-cert';
const TOTP = 'urn:idp:oauth:grant-type:totp';
const BACKUP = 'urn:idp:oauth:grant-type:backup_code';

const challengeOf = (page: PageResponse) => /<pre id="challenge">([^<]+)<\/pre>/.exec(page.body)?.[1] ?? '';

/**
 * The second factor after a certificate login: grant_type=certificate answers an account with 2FA
 * like the password grant (partial_factor_token, then a factor grant), and the browser's
 * certificate sign-in goes through the second_factor step, a trusted browser skipping it.
 */
describe('certificate login with a second factor (embedded)', () => {
  let platform: EmbeddedPlatform;
  let pki: TestPki;
  let cred: TestCredential;
  let desktop: { client_id: string; client_secret: string };
  let rp: BaseClient;
  let userId: string;
  let secret: string;
  let backupCodes: string[];
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const nextCode = () => {
    offset += 30_000;
    return totpCode(secret, now());
  };

  function start(extra: Record<string, string> = {}) {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = rp.authorizationUrl({ ...extra, scope: 'openid', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    return { url, checks };
  }

  async function amrOf(out: PageResponse, checks: Record<string, string>): Promise<unknown> {
    expect(out.location?.startsWith(REDIRECT + '?')).toBe(true);
    return (await rp.callback(REDIRECT, rp.callbackParams(out.location!), checks)).claims().amr;
  }

  async function certificatePage(browser: Browserless, url: string): Promise<PageResponse> {
    const login = await browser.follow(url);
    const link = /href="([^"]*\/certificate)"/.exec(login.body);
    expect(link).not.toBeNull();
    return browser.follow(link![1]);
  }

  /** Both API steps, as the desktop helper does them. */
  async function certificateGrant(): Promise<{ status: number; json: any }> {
    const challenge = await postForm(`${platform.base}/authentication/certificate`, { ...desktop, public_key: cred.der });
    expect(challenge.status).toBe(200);
    const decrypted_key = await decryptChallenge(challenge.json.encrypted_key, cred.keyPem);
    return postForm(`${platform.base}/connect/token`, { grant_type: 'certificate', ...desktop, decrypted_key, thumbprint: cred.sha1, scope: 'openid offline_access' });
  }
  const factor = (form: Record<string, string>) => postForm(`${platform.base}/connect/token`, { ...desktop, ...form });

  beforeAll(async () => {
    pki = await TestPki.create('Factor');
    platform = await startEmbeddedPlatform({ CERT_TRUST_BUNDLE: pki.bundle, CERT_PROXY_HEADER: PROXY_HEADER, CERT_PROXY_ADDRESSES: '127.0.0.1', TRUSTED_DEVICE_DAYS: '14' });
    jest.spyOn(platform.app.get(Clock), 'now').mockImplementation(now);
    desktop = await platform.admin.createClient({
      client_name: 'Extern desktop',
      grant_types: ['certificate', 'refresh_token'],
      scope: 'openid offline_access',
      allowed_login_methods: ['certificate'],
      token_endpoint_auth_method: 'client_secret_post',
    });
    const web = await platform.admin.createClient({
      client_name: 'Extern web',
      redirect_uris: [REDIRECT],
      scope: 'openid',
      first_party: true,
      grant_types: ['authorization_code', 'certificate'],
      allowed_login_methods: ['password', 'certificate'],
    });
    const issuer = await Issuer.discover(platform.base);
    rp = new issuer.Client({ client_id: web.client_id, client_secret: web.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
    userId = (await platform.admin.createUser({ login: 'nurlan', password: 'nurlan-password' })).id;
    cred = await pki.user('CN=Nurlan Example, O=Factor');
    expect((await platform.admin.call('POST', `/admin/users/${userId}/certificates`, { certificate: cred.certPem })).status).toBe(201);
  });

  afterAll(() => platform.close());

  it('without a second factor the certificate grant issues tokens at once, amr x509', async () => {
    const res = await certificateGrant();
    expect(res.status).toBe(200);
    expect(decodeJwt(res.json.id_token).amr).toEqual(['x509']);
  });

  it('an account with TOTP on gets the partial_factor_token; TOTP completes it (x509, otp, mfa); a wrong code and a reused token are refused', async () => {
    // TOTP turned on in the cabinet, signed in with the password.
    const browser = new Browserless(platform.base);
    await browser.submit(await browser.follow(start().url), '/login', { username: 'nurlan', password: 'nurlan-password' });
    const enrolPage = await browser.submit(await browser.follow('/account/two-factor'), '/account/two-factor/totp', {});
    secret = /data-secret="([A-Z2-7]+)"/.exec(enrolPage.body)![1];
    const done = await browser.submit(enrolPage, '/totp/confirm', { code: nextCode() });
    backupCodes = /<pre id="backup-codes">([^<]*)<\/pre>/.exec(done.body)![1].split('\n');

    const first = await certificateGrant();
    expect(first.status).toBe(400);
    expect(first.json).toEqual({
      error: 'invalid_grant',
      error_description: 'a second factor is required; repeat the request with one of required_factors and the partial_factor_token',
      partial_factor_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      required_factors: [
        { grant_type: TOTP, identity: 'authenticator app' },
        { grant_type: BACKUP, identity: 'backup code' },
      ],
    });
    const { partial_factor_token } = first.json;

    const wrong = await factor({ grant_type: TOTP, partial_factor_token, code: totpCode(secret, now()) === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.json).toEqual({ error: 'invalid_grant', error_description: 'the code is wrong' });

    const ok = await factor({ grant_type: TOTP, partial_factor_token, code: nextCode() });
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.json).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
    expect(decodeJwt(ok.json.id_token)).toMatchObject({ sub: userId, amr: ['x509', 'otp', 'mfa'] });

    const reused = await factor({ grant_type: TOTP, partial_factor_token, code: nextCode() });
    expect(reused.status).toBe(400);
    expect(reused.json).toEqual({ error: 'invalid_grant', error_description: "the partial_factor_token is invalid, expired, already used or not this client's" });
  });

  it('a backup code completes the certificate grant too, and its refresh token keeps the amr', async () => {
    const { partial_factor_token } = (await certificateGrant()).json;
    const ok = await factor({ grant_type: BACKUP, partial_factor_token, code: backupCodes[0] });
    expect(ok.status).toBe(200);
    expect(decodeJwt(ok.json.id_token).amr).toEqual(['x509', 'otp', 'mfa']);
    const refreshed = await factor({ grant_type: 'refresh_token', refresh_token: ok.json.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.json.id_token).amr).toEqual(['x509', 'otp', 'mfa']);
  });

  it('the pasted-key sign-in asks for the TOTP code; a trusted browser then skips it with the proxy certificate (amr x509 alone)', async () => {
    const browser = new Browserless(platform.base);
    let { url, checks } = start();
    const page = await certificatePage(browser, url);
    const challenge = await browser.submit(page, '/certificate/challenge', { certificate: cred.certPem });
    const factorPage = await browser.submit(challenge, '/certificate/verify', { decrypted_key: await decryptChallenge(challengeOf(challenge), cred.keyPem) });
    expect(factorPage.url).toMatch(/\/second-factor$/);
    expect(factorPage.body).toContain('Trust this browser for 14 days');

    const wrong = await browser.submit(factorPage, '/second-factor/verify', { method: 'totp', code: totpCode(secret, now()) === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.location).toBeUndefined();
    const out = await browser.submit(wrong, '/second-factor/verify', { method: 'totp', code: nextCode(), remember: '1' });
    expect(await amrOf(out, checks)).toEqual(['x509', 'otp', 'mfa']);

    // The same browser behind the TLS proxy, signing in again: trusted, so no second factor, and amr says only the certificate.
    browser.extraHeaders = { [PROXY_HEADER]: encodeURIComponent(cred.certPem) };
    ({ url, checks } = start({ prompt: 'login' }));
    const proxied = await browser.submit(await certificatePage(browser, url), '/certificate/proxy', {});
    expect(await amrOf(proxied, checks)).toEqual(['x509']);

    // Another browser behind the proxy is asked for the code.
    const stranger = new Browserless(platform.base);
    stranger.extraHeaders = { [PROXY_HEADER]: encodeURIComponent(cred.certPem) };
    const asked = await stranger.submit(await certificatePage(stranger, start().url), '/certificate/proxy', {});
    expect(asked.url).toMatch(/\/second-factor$/);
  });
});
