import { Browser } from 'playwright-core';
import { BaseClient, Issuer, generators } from 'openid-client';
import { decodeJwt } from 'jose';
import { execFileSync } from 'node:child_process';
import { AdminApi, Browserless, TestCredential, TestPki, decryptChallenge, postForm } from '@idp/testing';
import { launchChromium } from './browser';
import { startRelyingParty } from './relying-party';
import { Topology } from './topology';

const PROXY_HEADER = 'x-ssl-client-cert';

/** An authenticator app's code, computed by otplib in its own process (its CJS build), `ahead` seconds on. */
function authenticatorCode(secret: string, ahead = 0): string {
  const script = "const o = require('otplib'); process.stdout.write(o.generateSync({ secret: process.argv[1], epoch: Math.floor(Date.now() / 1000) + Number(process.argv[2]) }))";
  return execFileSync(process.execPath, ['-e', script, secret, String(ahead)], { encoding: 'utf8' });
}

/**
 * Certificate login across instances: nothing of a challenge or of the trust store lives in one
 * auth process. Step 1 on A, step 2 on B; a CRL uploaded through B refuses on A; the proxy's
 * certificate header and the pasted-key challenge drive the sign-in page in Chromium.
 */
describe('distributed mode: certificate login', () => {
  let topology: Topology;
  let pki: TestPki;
  let browser: Browser;
  let rp: Awaited<ReturnType<typeof startRelyingParty>>;
  let api: { client_id: string; client_secret: string };
  let web: BaseClient;
  let userId: string;
  let cred: TestCredential;

  beforeAll(async () => {
    pki = await TestPki.create('Distributed');
    topology = new Topology({ CERT_TRUST_BUNDLE: pki.bundle, CERT_PROXY_HEADER: PROXY_HEADER, CERT_PROXY_ADDRESSES: '127.0.0.1' });
    await Topology.resetDatabase();
    [browser, rp] = await Promise.all([launchChromium(), startRelyingParty(), topology.start()]);
    api = await topology.admin.createClient({ client_name: 'Extern desktop', grant_types: ['certificate'], scope: 'openid profile', allowed_login_methods: ['certificate'], token_endpoint_auth_method: 'client_secret_post' });
    const registered = await topology.admin.createClient({ client_name: 'Extern web', redirect_uris: [rp.redirectUri], scope: 'openid profile', first_party: true, allowed_login_methods: ['password', 'certificate'] });
    web = new (await Issuer.discover(topology.authA)).Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [rp.redirectUri] });
    userId = (await topology.admin.createUser({ login: 'gulnara', password: 'correct horse 5' })).id;
    cred = await pki.user('CN=Gulnara, O=Distributed');
    expect((await topology.admin.call('POST', `/admin/users/${userId}/certificates`, { certificate: cred.der })).status).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await topology?.stopAll();
  });

  const step1 = (base: string, c: TestCredential) => postForm(`${base}/authentication/certificate`, { ...api, public_key: c.der });
  const step2 = (base: string, decrypted_key: string, thumbprint: string) => postForm(`${base}/connect/token`, { ...api, grant_type: 'certificate', decrypted_key, thumbprint });

  it('step 1 on instance A, step 2 on instance B; the challenge is spent for A too', async () => {
    const challenge = await step1(topology.authA, cred);
    expect(challenge.status).toBe(200);
    expect(challenge.json.trusted_thumbprints).toEqual([cred.sha1, pki.intermediate.sha1]);
    const key = await decryptChallenge(challenge.json.encrypted_key, cred.keyPem);
    const tokens = await step2(topology.authB, key, cred.sha1);
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.json.id_token)).toMatchObject({ sub: userId, amr: ['x509'] });
    expect(await step2(topology.authA, key, cred.sha1)).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant', error_description: 'this challenge was already used; request a new one', certificate_error: 'replayed' },
    });
  });

  it('a CRL uploaded through B refuses the revoked certificate on A', async () => {
    const revoked = await pki.user('CN=Revoked, O=Distributed');
    expect((await topology.admin.call('POST', `/admin/users/${userId}/certificates`, { certificate: revoked.der })).status).toBe(201);
    expect((await step1(topology.authA, revoked)).status).toBe(200);
    const adminB = new AdminApi(topology.authB, topology.adminToken);
    expect((await adminB.call('POST', '/admin/crls', { crl: await pki.crl([revoked]) })).status).toBe(201);
    expect(await step1(topology.authA, revoked)).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant', error_description: 'the certificate has been revoked', certificate_error: 'revoked' },
    });
  });

  function authorizeUrl(base: string) {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = web.authorizationUrl({ scope: 'openid profile', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    return { url: url.replace(topology.authA, base), checks };
  }

  it('signs in in Chromium with the certificate the TLS proxy forwards in its header (on instance B)', async () => {
    const context = await browser.newContext({ locale: 'en-US', extraHTTPHeaders: { [PROXY_HEADER]: encodeURIComponent(cred.certPem) } });
    const page = await context.newPage();
    const { url, checks } = authorizeUrl(topology.authB);
    await page.goto(url);
    await page.click('#certificate-login');
    expect(await page.locator('main p').filter({ hasText: 'Your browser presented' }).textContent()).toBe('Your browser presented the certificate CN=Gulnara, O=Distributed.');
    await page.click('form[action$="/certificate/proxy"] button[type="submit"]');
    await page.waitForURL((u) => u.toString().startsWith(rp.redirectUri), { timeout: 15000 });
    const tokens = await web.callback(rp.redirectUri, web.callbackParams(page.url()), checks);
    expect(tokens.claims()).toMatchObject({ sub: userId, amr: ['x509'] });
    await context.close();
  });

  it('signs in in Chromium with a pasted certificate and the decrypted challenge, in Russian', async () => {
    const context = await browser.newContext({ locale: 'ru-RU' });
    const page = await context.newPage();
    const { url, checks } = authorizeUrl(topology.authA);
    await page.goto(url);
    await page.click('#certificate-login');
    expect(await page.locator('h1').textContent()).toBe('Вход по сертификату');
    await page.fill('#certificate', cred.certPem);
    await page.click('form[action$="/certificate/challenge"] button[type="submit"]');
    const jwe = (await page.locator('#challenge').textContent())!;
    expect(await page.locator('#thumbprint').textContent()).toBe(cred.sha1);
    await page.fill('#decrypted_key', await decryptChallenge(jwe, cred.keyPem));
    await page.click('form[action$="/certificate/verify"] button[type="submit"]');
    await page.waitForURL((u) => u.toString().startsWith(rp.redirectUri), { timeout: 15000 });
    const tokens = await web.callback(rp.redirectUri, web.callbackParams(page.url()), checks);
    expect(tokens.claims()).toMatchObject({ sub: userId, amr: ['x509'] });
    await context.close();
  });
  it('an account with TOTP on: the certificate grant on A answers a partial_factor_token, the TOTP grant on B finishes it', async () => {
    const sub = (await topology.admin.createUser({ login: 'timur', password: 'correct horse 6' })).id;
    const timur = await pki.user('CN=Timur, O=Distributed');
    expect((await topology.admin.call('POST', `/admin/users/${sub}/certificates`, { certificate: timur.der })).status).toBe(201);
    // TOTP on in the cabinet, signed in with the password.
    const pages = new Browserless(topology.authA);
    const login = await pages.follow(authorizeUrl(topology.authA).url);
    await pages.submit(login, '/login', { username: 'timur', password: 'correct horse 6' });
    const enrol = await pages.submit(await pages.follow('/account/two-factor'), '/account/two-factor/totp', {});
    const secret = /data-secret="([A-Z2-7]+)"/.exec(enrol.body)![1];
    expect((await pages.submit(enrol, '/totp/confirm', { code: authenticatorCode(secret) })).body).toContain('Two-step sign-in is on.');

    const challenge = await step1(topology.authA, timur);
    const first = await step2(topology.authA, await decryptChallenge(challenge.json.encrypted_key, timur.keyPem), timur.sha1);
    expect(first.status).toBe(400);
    expect(first.json).toMatchObject({ error: 'invalid_grant', partial_factor_token: expect.any(String), required_factors: expect.arrayContaining([{ grant_type: 'urn:idp:oauth:grant-type:totp', identity: 'authenticator app' }]) });
    // The next step's code: the enrolment spent this step's.
    const done = await postForm(`${topology.authB}/connect/token`, { ...api, grant_type: 'urn:idp:oauth:grant-type:totp', partial_factor_token: first.json.partial_factor_token, code: authenticatorCode(secret, 30) });
    expect(done.status).toBe(200);
    expect(decodeJwt(done.json.id_token)).toMatchObject({ sub, amr: ['x509', 'otp', 'mfa'] });
  });
});
