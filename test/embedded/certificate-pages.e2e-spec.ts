import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { BaseClient, Issuer, generators } from 'openid-client';
import { Browserless, PageResponse, TestCredential, TestPki, basic, decryptChallenge, parseForms, postForm } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';

const REDIRECT = 'https://rp.example/cb';
const PROXY_HEADER = 'x-ssl-client-cert';
const SCRIPT = resolve(__dirname, '../../scripts/cert-login.js');
const run = promisify(execFile);

const challengeOf = (page: PageResponse) => /<pre id="challenge">([^<]+)<\/pre>/.exec(page.body)?.[1] ?? '';
const thumbprintOf = (page: PageResponse) => /<code id="thumbprint">([^<]+)<\/code>/.exec(page.body)?.[1] ?? '';

/** The certificate pages: the cabinet's binding, the pasted-key login, the proxy's certificate, and the desktop helper script. */
describe('certificate pages and the cert-login helper (embedded)', () => {
  let platform: EmbeddedPlatform;
  let pki: TestPki;
  let rp: BaseClient;
  let secretClient: { client_id: string; client_secret: string };
  let user: { id: string };
  let cred: TestCredential;
  let files: { cert: string; key: string };

  beforeAll(async () => {
    pki = await TestPki.create('Pages');
    const dir = mkdtempSync(join(tmpdir(), 'cert-pages-'));
    writeFileSync(join(dir, 'bundle.pem'), pki.bundle);
    // The bundle as a file path, as an operator would configure it.
    platform = await startEmbeddedPlatform({ CERT_TRUST_BUNDLE: join(dir, 'bundle.pem'), CERT_PROXY_HEADER: PROXY_HEADER, CERT_PROXY_ADDRESSES: '127.0.0.1', CERT_SUBJECT_MAPPING: 'UID:login' });
    const registered = await platform.admin.createClient({
      client_name: 'Extern web',
      redirect_uris: [REDIRECT],
      scope: 'openid profile',
      first_party: true,
      grant_types: ['authorization_code', 'certificate'],
      allowed_login_methods: ['password', 'certificate'],
    });
    secretClient = registered;
    const issuer = await Issuer.discover(platform.base);
    rp = new issuer.Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
    user = await platform.admin.createUser({ login: 'dana', password: 'correct horse 9', given_name: 'Dana' });
    cred = await pki.user('CN=Dana Example, O=Pages');
    files = { cert: join(dir, 'dana.pem'), key: join(dir, 'dana.key') };
    writeFileSync(files.cert, cred.certPem);
    writeFileSync(files.key, cred.keyPem);
  });

  afterAll(() => platform.close());

  function start() {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = rp.authorizationUrl({ scope: 'openid profile', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    return { url, checks };
  }

  async function tokensFrom(out: PageResponse, checks: Record<string, string>) {
    expect(out.location?.startsWith(REDIRECT + '?')).toBe(true);
    return rp.callback(REDIRECT, rp.callbackParams(out.location!), checks);
  }

  /** The desktop helper's --decrypt mode, as a user would run it on the challenge the page shows. */
  async function helperDecrypt(jwe: string): Promise<string> {
    const { stdout } = await run(process.execPath, [SCRIPT, '--key', files.key, '--decrypt', jwe]);
    return stdout.trim();
  }

  /** The cabinet's bind form (its action is a prefix of the remove forms' actions, so it is picked by its exact action). */
  function bind(browser: Browserless, page: PageResponse, certificate: string) {
    const form = parseForms(page.body).find((f) => f.action === '/account/certificates')!;
    return browser.follow('/account/certificates', { form: { ...form.fields, certificate } });
  }

  async function certificatePage(browser: Browserless, url: string): Promise<PageResponse> {
    const login = await browser.follow(url);
    const link = /href="([^"]*\/certificate)"/.exec(login.body);
    expect(link).not.toBeNull();
    return browser.follow(link![1]);
  }

  describe('cabinet /account/certificates', () => {
    it('asks for a session, binds a certificate after the challenge, lists it with both thumbprints, and removes it', async () => {
      const anonymous = new Browserless(platform.base);
      const nobody = await anonymous.request('/account/certificates');
      expect(nobody.status).toBe(401);
      expect(nobody.body).toContain('Sign in to manage your certificates.');

      const browser = new Browserless(platform.base);
      const { url } = start();
      expect((await signInThroughPages(browser, url, { login: 'dana', password: 'correct horse 9' })).location).toMatch(/^https:\/\/rp\.example\/cb\?code=/);
      let page = await browser.request('/account/certificates');
      expect(page.status).toBe(200);
      expect(page.body).toContain('No certificate is bound to your account.');

      const garbage = await bind(browser, page, 'hello');
      expect(garbage.status).toBe(400);
      expect(garbage.body).toContain('This is not an X.509 certificate (PEM or base64 DER).');
      const expired = await bind(browser, page, (await pki.expired('CN=Old Dana')).certPem);
      expect(expired.status).toBe(400);
      expect(expired.body).toContain('The certificate has expired.');

      const challenge = await bind(browser, page, cred.certPem);
      expect(challenge.status).toBe(200);
      expect(thumbprintOf(challenge)).toBe(cred.sha1);
      const wrong = await browser.submit(challenge, '/account/certificates/verify', { decrypted_key: Buffer.alloc(32, 3).toString('base64') });
      expect(wrong.status).toBe(400);
      expect(wrong.body).toContain('The decrypted key is wrong.');
      expect(challengeOf(wrong)).toBe(challengeOf(challenge));

      const forged = await browser.request('/account/certificates/verify', { form: { csrf: 'forged', challenge_id: parseForms(challenge.body)[0].fields.challenge_id, decrypted_key: await decryptChallenge(challengeOf(challenge), cred.keyPem) } });
      expect(forged.status).toBe(403);

      const done = await browser.submit(wrong, '/account/certificates/verify', { decrypted_key: await decryptChallenge(challengeOf(challenge), cred.keyPem) });
      expect(done.url).toMatch(/\/account\/certificates\?done=bound$/);
      expect(done.body).toContain('The certificate is bound to your account.');
      expect(done.body).toContain('CN=Dana Example, O=Pages');
      expect(done.body).toContain(pki.intermediate.cert.subject);
      expect(done.body).toContain(`<code class="sha1">${cred.sha1}</code>`);
      expect(done.body).toContain(`<code class="sha256">${cred.sha256}</code>`);

      // The same certificate again: already bound.
      const again = await bind(browser, done, cred.der);
      const twice = await browser.submit(again, '/account/certificates/verify', { decrypted_key: await decryptChallenge(challengeOf(again), cred.keyPem) });
      expect(twice.status).toBe(409);
      expect(twice.body).toContain('This certificate is already bound to your account.');

      const ru = new Browserless(platform.base, 'ru');
      ru.jar.store([`idp_session=${/idp_session=([^;]+)/.exec(browser.jar.header(platform.base + '/'))![1]}; Path=/`]);
      expect((await ru.request('/account/certificates')).body).toContain('Мои сертификаты');

      // A second certificate, bound and removed again.
      const spare = await pki.user('CN=Dana Spare', 'ec');
      const spareChallenge = await bind(browser, done, spare.certPem);
      const withSpare = await browser.submit(spareChallenge, '/account/certificates/verify', { decrypted_key: await decryptChallenge(challengeOf(spareChallenge), spare.keyPem) });
      expect(withSpare.body).toContain(spare.sha1);
      const spareId = (await platform.admin.call('GET', `/admin/users/${user.id}/certificates`)).json.find((c: any) => c.sha1 === spare.sha1).id;
      page = await browser.submit(withSpare, `/account/certificates/${spareId}/remove`, {});
      expect(page.body).toContain('The certificate was removed.');
      expect(page.body).not.toContain(spare.sha1);
      expect(page.body).toContain(cred.sha1);
    });
  });

  describe('cabinet behind the TLS proxy', () => {
    it('binds the certificate the proxy forwards without a challenge, and only from the proxy', async () => {
      const farida = await platform.admin.createUser({ login: 'farida', password: 'correct horse 7' });
      const presented = await pki.user('CN=Farida, O=Pages');
      const browser = new Browserless(platform.base);
      expect((await signInThroughPages(browser, start().url, { login: 'farida', password: 'correct horse 7' })).location).toMatch(/^https:\/\/rp\.example\/cb\?code=/);

      const bare = await browser.request('/account/certificates');
      expect(bare.body).not.toContain('/account/certificates/proxy');
      const refused = await browser.submit(bare, '/account/certificates/proxy', {}).catch(() => null);
      expect(refused).toBeNull(); // no such form without the proxy's certificate
      const forced = await browser.request('/account/certificates/proxy', { form: { csrf: parseForms(bare.body)[0].fields.csrf } });
      expect(forced.status).toBe(403);
      expect(forced.body).toContain('No certificate came from a trusted proxy.');

      browser.extraHeaders = { [PROXY_HEADER]: encodeURIComponent(presented.certPem) };
      const page = await browser.request('/account/certificates');
      expect(page.body).toContain('Your browser presented the certificate CN=Farida, O=Pages.');
      const done = await browser.submit(page, '/account/certificates/proxy', {});
      expect(done.url).toMatch(/\?done=bound$/);
      expect(done.body).toContain(`<code class="sha1">${presented.sha1}</code>`);
      expect(done.body).not.toContain('/account/certificates/proxy');
      const list = await platform.admin.call('GET', `/admin/users/${farida.id}/certificates`);
      expect(list.json.map((c: any) => c.sha256)).toEqual([presented.sha256]);
    });
  });

  describe('sign-in page', () => {
    it('offers the certificate only to clients that allow it', async () => {
      const passwordOnly = await platform.admin.createClient({ client_name: 'Plain', redirect_uris: [REDIRECT], scope: 'openid' });
      const plain = new Browserless(platform.base);
      const page = await plain.follow(`/connect/authorize?client_id=${passwordOnly.client_id}&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&scope=openid&state=abcdefgh&code_challenge=${generators.codeChallenge(generators.codeVerifier())}&code_challenge_method=S256`);
      expect(page.body).toContain('/login"');
      expect(page.body).not.toContain('Sign in with a certificate');
      const interactionId = /\/interaction\/([^/"]+)\/login/.exec(page.body)![1];
      const refused = await plain.request(`/interaction/${interactionId}/certificate`);
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('This application does not allow signing in with a certificate.');
    });

    it('signs in with a pasted certificate and the key the desktop helper decrypted', async () => {
      const browser = new Browserless(platform.base);
      const { url, checks } = start();
      const page = await certificatePage(browser, url);
      expect(page.body).toContain('Sign in with a certificate');
      expect(page.body).not.toContain('/certificate/proxy');

      const foreign = await (await TestPki.create('Elsewhere')).user('CN=Stranger');
      const refused = await browser.submit(page, '/certificate/challenge', { certificate: foreign.certPem });
      expect(refused.status).toBe(400);
      expect(refused.body).toContain('The certificate was not issued by a trusted certification authority.');

      const challenge = await browser.submit(page, '/certificate/challenge', { certificate: cred.certPem });
      expect(challenge.status).toBe(200);
      const key = await helperDecrypt(challengeOf(challenge));
      const wrong = await browser.submit(challenge, '/certificate/verify', { decrypted_key: Buffer.alloc(32, 9).toString('base64') });
      expect(wrong.status).toBe(400);
      expect(wrong.body).toContain('The decrypted key is wrong.');
      const out = await browser.submit(wrong, '/certificate/verify', { decrypted_key: key });
      const tokens = await tokensFrom(out, checks);
      expect(tokens.claims()).toMatchObject({ sub: user.id, amr: ['x509'] });

      // The challenge is spent; answering it again finds no live challenge.
      const replay = await browser.request(new URL(parseForms(challenge.body).find((f) => f.action.endsWith('/verify'))!.action, platform.base).toString(), { form: { ...parseForms(challenge.body).find((f) => f.action.endsWith('/verify'))!.fields, decrypted_key: key } });
      expect(replay.status).toBe(400);
      expect(replay.location).toBeUndefined();
    });

    it('refuses an unbound certificate on the page', async () => {
      const browser = new Browserless(platform.base);
      const page = await certificatePage(browser, start().url);
      const stranger = await pki.user('CN=Nobody Bound');
      const challenge = await browser.submit(page, '/certificate/challenge', { certificate: stranger.certPem });
      const out = await browser.submit(challenge, '/certificate/verify', { decrypted_key: await decryptChallenge(challengeOf(challenge), stranger.keyPem) });
      expect(out.status).toBe(400);
      expect(out.body).toContain('No account is bound to this certificate. Bind it in your account first.');
      // Giving up tells the client where and why.
      const cancelled = await browser.submit(out, '/cancel', {}, 'cancel');
      const back = new URL(cancelled.location!);
      expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
      expect(Object.fromEntries(back.searchParams)).toMatchObject({ error: 'access_denied', cancel_stage: 'login', cancel_reason: 'certificate_unbound' });
    });

    it('signs in with the certificate a trusted proxy forwards (URL-encoded PEM), and not without it', async () => {
      const browser = new Browserless(platform.base);
      browser.extraHeaders = { [PROXY_HEADER]: encodeURIComponent(cred.certPem) };
      const { url, checks } = start();
      const page = await certificatePage(browser, url);
      expect(page.body).toContain('Your browser presented the certificate CN=Dana Example, O=Pages.');
      const tokens = await tokensFrom(await browser.submit(page, '/certificate/proxy', {}), checks);
      expect(tokens.claims()).toMatchObject({ sub: user.id, amr: ['x509'] });

      const bare = new Browserless(platform.base);
      const barePage = await certificatePage(bare, start().url);
      expect(barePage.body).not.toContain('/certificate/proxy');
      const csrf = parseForms(barePage.body)[0].fields.csrf;
      const action = /action="([^"]*\/certificate\/challenge)"/.exec(barePage.body)![1].replace('/challenge', '/proxy');
      const refused = await bare.request(action, { form: { csrf } });
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('No certificate came from a trusted proxy.');
    });
  });

  it('maps a certificate bound to no account by its subject UID to the account with that login (CERT_SUBJECT_MAPPING=UID:login)', async () => {
    const mapped = await pki.user('CN=Dana By UID, 0.9.2342.19200300.100.1.1=Dana');
    const challenge = await postForm(`${platform.base}/authentication/certificate`, { public_key: mapped.der }, { Authorization: basic(secretClient.client_id, secretClient.client_secret) });
    const key = await decryptChallenge(challenge.json.encrypted_key, mapped.keyPem);
    const tokens = await postForm(`${platform.base}/connect/token`, { grant_type: 'certificate', decrypted_key: key, thumbprint: mapped.sha256, scope: 'openid' }, { Authorization: basic(secretClient.client_id, secretClient.client_secret) });
    expect(tokens.status).toBe(200);
    expect(tokens.json.id_token).toBeDefined();
    const claims = JSON.parse(Buffer.from(tokens.json.id_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: user.id, amr: ['x509'] });
  });

  it('npm run cert-login: both steps against the server, printing the token claims', async () => {
    const { stdout } = await run(process.execPath, [SCRIPT, '--cert', files.cert, '--key', files.key, '--client-id', secretClient.client_id, '--client-secret', secretClient.client_secret, '--issuer', platform.base]);
    expect(stdout).toContain(`Step 1: challenge received`);
    expect(stdout).toContain(`thumbprint ${cred.sha1}`);
    expect(stdout).toContain('Step 2: signed in.');
    expect(stdout).toContain(`"sub": "${user.id}"`);
    expect(stdout).toMatch(/"amr": \[\s*"x509"\s*\]/);

    const failed = await run(process.execPath, [SCRIPT, '--cert', files.cert, '--key', files.key, '--client-id', secretClient.client_id, '--client-secret', 'wrong', '--issuer', platform.base]).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('certificate login failed: invalid_client');
  });
});
