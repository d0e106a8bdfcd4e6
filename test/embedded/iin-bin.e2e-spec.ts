import { createSign, generateKeyPairSync } from 'node:crypto';
import { decodeJwt } from 'jose';
import { Browserless, PageResponse, basic, parseForms, postForm } from '@idp/testing';
import { kzCheckDigit } from '@idp/domain';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

const REDIRECT = 'https://gov.example/cb';
type Client = { client_id: string; client_secret: string };

/** A valid IIN: birth date, then serial digits, then the check digit (retrying the rare serials that have none). */
function makeIin(date: string, serial: number): string {
  for (let s = serial; ; s++) {
    const first11 = `${date}3${String(s).padStart(4, '0')}`;
    const check = kzCheckDigit(first11);
    if (check !== null) return first11 + check;
  }
}
function makeBin(serial: number): string {
  for (let s = serial; ; s++) {
    const first11 = `150340${String(s).padStart(5, '0')}`;
    const check = kzCheckDigit(first11);
    if (check !== null) return first11 + check;
  }
}

describe('iin, iin_signature and bin (Aitu)', () => {
  let platform: EmbeddedPlatform;
  let gov: Client;
  let strict: Client;
  let signing: Client;
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sign = (iin: string) => createSign('sha256').update(iin).sign(privateKey).toString('base64');
  let users = 0;

  const url = (client: Client, extra: Record<string, string>, scope = 'openid iin') =>
    `/connect/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT, scope, state: 'state-12345', ...extra })}`;
  const params = (page: PageResponse) => Object.fromEntries(new URL(page.location!).searchParams);

  /** A fresh account signed in through the password page; returns the page after sign-in. */
  async function signIn(client: Client, extra: Record<string, string>, scope?: string) {
    const login = `user${++users}`;
    await platform.admin.createUser({ login, password: 'a-good-password-1' });
    const browser = new Browserless(platform.base);
    const page = await browser.follow(url(client, extra, scope));
    expect(page.body).toContain('/login"');
    return { browser, login, page: await browser.submit(page, '/login', { username: login, password: 'a-good-password-1' }) };
  }
  async function claims(client: Client, page: PageResponse) {
    const res = await postForm(`${platform.base}/connect/token`, { grant_type: 'authorization_code', code: params(page).code, redirect_uri: REDIRECT }, { Authorization: basic(client.client_id, client.client_secret) });
    expect(res.status).toBe(200);
    const userinfo = await (await fetch(`${platform.base}/connect/userinfo`, { headers: { Authorization: `Bearer ${res.json.access_token}` } })).json();
    return { idToken: decodeJwt(res.json.id_token), userinfo };
  }
  const iinField = (page: PageResponse) => /<input type="text" id="iin"[^>]*>/.exec(page.body)?.[0] ?? '';

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    const metadata = { redirect_uris: [REDIRECT], scope: 'openid iin ul_sign', first_party: true };
    gov = await platform.admin.createClient({ client_name: 'Gov', partner_public_key: publicKey.export({ type: 'spki', format: 'pem' }), ...metadata });
    strict = await platform.admin.createClient({ client_name: 'Notary', partner_public_key: publicKey.export({ format: 'jwk' }), iin_signature_required: true, ...metadata });
    signing = await platform.admin.createClient({ client_name: 'Signer', ...metadata, first_party: false, scope: 'openid ul_sign' });
  });

  afterAll(() => platform.close());

  describe('partner_public_key in the admin API', () => {
    it('takes PEM or JWK, refuses what is not an RSA public key, and needs one for iin_signature_required', async () => {
      const bad = await platform.admin.call('POST', '/admin/clients', { client_name: 'X', redirect_uris: [REDIRECT], partner_public_key: 'not a key' });
      expect(bad).toMatchObject({ status: 400, json: { error: 'invalid_request', fields: { partner_public_key: 'must be an RSA public key as PEM text or a JWK object' } } });
      const priv = await platform.admin.call('POST', '/admin/clients', { client_name: 'X', redirect_uris: [REDIRECT], partner_public_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) });
      expect(priv.json.fields.partner_public_key).toBe('must be a public key, not a private one');
      const privJwk = await platform.admin.call('POST', '/admin/clients', { client_name: 'X', redirect_uris: [REDIRECT], partner_public_key: privateKey.export({ format: 'jwk' }) });
      expect(privJwk.json.fields.partner_public_key).toBe('must be a public key (the JWK has private parts)');
      const keyless = await platform.admin.call('POST', '/admin/clients', { client_name: 'X', redirect_uris: [REDIRECT], iin_signature_required: true });
      expect(keyless.json.fields.partner_public_key).toBe('is required when iin_signature_required is true');
      const patched = await platform.admin.call('PATCH', `/admin/clients/${signing.client_id}`, { partner_public_key: publicKey.export({ format: 'jwk' }), trusted_phone_enabled: false });
      expect(patched.status).toBe(200);
      expect(patched.json.partner_public_key).toMatchObject({ kty: 'RSA' });
    });
  });

  it('refuses an IIN whose check digit is wrong', async () => {
    const iin = makeIin('900101', 1);
    const wrong = iin.slice(0, 11) + String((Number(iin[11]) + 1) % 10);
    const page = await new Browserless(platform.base).follow(url(gov, { iin: wrong }));
    expect(params(page)).toMatchObject({ error: 'invalid_request', error_description: 'iin must be 12 digits with a valid check digit', state: 'state-12345' });
  });

  it('an unsigned IIN pre-fills the IIN step and stays editable; the typed one is saved and released as the iin claim', async () => {
    const hinted = makeIin('900102', 1);
    const typed = makeIin('900103', 1);
    const { browser, page } = await signIn(gov, { iin: hinted });
    expect(page.url).toMatch(/\/iin$/);
    expect(iinField(page)).toContain(`value="${hinted}"`);
    expect(iinField(page)).not.toContain('readonly');
    const invalid = await browser.submit(page, '/iin', { iin: '123456789012' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toContain('id="iin-error"');
    const out = await browser.submit(invalid, '/iin', { iin: typed });
    expect(out.location).toMatch(/^https:\/\/gov\.example\/cb\?code=/);
    expect((await claims(gov, out)).userinfo.iin).toBe(typed);
  });

  it('a valid signature (standard base64) locks the IIN: the form cannot change it', async () => {
    const iin = makeIin('900104', 1);
    const { browser, page } = await signIn(gov, { iin, iin_signature: sign(iin) });
    expect(page.url).toMatch(/\/iin$/);
    expect(iinField(page)).toContain(`value="${iin}"`);
    expect(iinField(page)).toContain('readonly');
    const out = await browser.submit(page, '/iin', { iin: makeIin('900105', 1) });
    const { idToken, userinfo } = await claims(gov, out);
    expect(userinfo.iin).toBe(iin);
    expect(idToken.sub).toBe(userinfo.sub);
    // The account now has it: the next signed request for the same IIN goes straight through.
    const again = await browser.follow(url(gov, { iin, iin_signature: sign(iin) }));
    expect(again.location).toMatch(/^https:\/\/gov\.example\/cb\?code=/);
  });

  it('an account with another IIN cannot take a signed request; cancelling says iin / iin_mismatch', async () => {
    const own = makeIin('900106', 1);
    const { browser, page } = await signIn(gov, { iin: own, iin_signature: sign(own) });
    await browser.submit(page, '/iin', {});
    const other = makeIin('900107', 1);
    const mismatch = await browser.follow(url(gov, { iin: other, iin_signature: sign(other) }));
    expect(mismatch.url).toMatch(/\/iin$/);
    expect(mismatch.body).toContain('id="iin-mismatch"');
    expect(parseForms(mismatch.body).some((f) => f.action.endsWith('/iin'))).toBe(false);
    const out = await browser.submit(mismatch, '/cancel', {}, 'cancel');
    expect(params(out)).toMatchObject({ error: 'access_denied', cancel_stage: 'iin', cancel_reason: 'iin_mismatch' });
  });

  it('an IIN already on another account is refused (iin_taken), and cancel on the step says stage iin', async () => {
    const iin = makeIin('900108', 1);
    const first = await signIn(gov, { iin, iin_signature: sign(iin) });
    await first.browser.submit(first.page, '/iin', {});
    const second = await signIn(gov, { iin, iin_signature: sign(iin) });
    const taken = await second.browser.submit(second.page, '/iin', {});
    expect(taken.status).toBe(409);
    expect(taken.body).toContain('id="iin-error"');
    const out = await second.browser.submit(taken, '/cancel', {}, 'cancel');
    expect(params(out)).toMatchObject({ error: 'access_denied', cancel_stage: 'iin', cancel_reason: 'iin_taken' });
  });

  it('a signed-in user without an IIN meets the step on the next request; prompt=none answers interaction_required', async () => {
    const { browser, page } = await signIn(gov, {}, 'openid');
    expect(page.location).toMatch(/^https:\/\/gov\.example\/cb\?code=/);
    const iin = makeIin('900113', 1);
    const silent = await browser.follow(url(gov, { iin, iin_signature: sign(iin), prompt: 'none' }));
    expect(params(silent)).toMatchObject({ error: 'interaction_required', error_description: 'the user must confirm the IIN' });
    const step = await browser.follow(url(gov, { iin, iin_signature: sign(iin) }));
    expect(step.url).toMatch(/\/iin$/);
    const out = await browser.submit(step, '/iin', {});
    expect((await claims(gov, out)).userinfo.iin).toBe(iin);
    const quiet = await browser.follow(url(gov, { iin, iin_signature: sign(iin), prompt: 'none' }));
    expect(params(quiet).code).toBeTruthy();
  });

  it('a tampered signature is invalid_request', async () => {
    const iin = makeIin('900109', 1);
    const other = makeIin('900110', 1);
    const page = await new Browserless(platform.base).follow(url(gov, { iin, iin_signature: sign(other) }));
    expect(params(page)).toMatchObject({ error: 'invalid_request', error_description: "iin_signature does not verify with the client's partner_public_key" });
  });

  it('url-safe base64 is refused; standard base64 URL-encoded in the query is accepted', async () => {
    let iin = '';
    let standard = '';
    for (let i = 1; !/[+/]/.test(standard); i++) {
      iin = makeIin('900111', i);
      standard = sign(iin);
    }
    const urlSafe = standard.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const refused = await new Browserless(platform.base).follow(url(gov, { iin, iin_signature: urlSafe }));
    expect(params(refused)).toMatchObject({ error: 'invalid_request', error_description: 'iin_signature must be standard base64 (not url-safe), URL-encoded in the query' });
    // URLSearchParams encodes + / = as %2B %2F %3D: the standard form arrives intact.
    const accepted = await signIn(gov, { iin, iin_signature: standard });
    expect(accepted.page.url).toMatch(/\/iin$/);
    expect(iinField(accepted.page)).toContain('readonly');
  });

  it('a client with iin_signature_required refuses a request without a valid signature, and takes one with it (JWK key)', async () => {
    const iin = makeIin('900112', 1);
    const none = await new Browserless(platform.base).follow(url(strict, {}));
    expect(params(none)).toMatchObject({ error: 'invalid_request', error_description: 'this client requires iin with a valid iin_signature', scope: 'openid iin' });
    const unsigned = await new Browserless(platform.base).follow(url(strict, { iin }));
    expect(params(unsigned).error_description).toBe('this client requires iin with a valid iin_signature');
    const signed = await signIn(strict, { iin, iin_signature: sign(iin) });
    expect(signed.page.url).toMatch(/\/iin$/);
    expect(iinField(signed.page)).toContain('readonly');
  });

  describe('bin', () => {
    it('is validated', async () => {
      const page = await new Browserless(platform.base).follow(url(signing, { bin: '150340000011' }, 'openid ul_sign'));
      expect(params(page)).toMatchObject({ error: 'invalid_request', error_description: 'bin must be a 12-digit organisation number with a valid check digit' });
    });

    it('travels with the grant for ul_sign: named on the consent page, the bin claim in the ID token and UserInfo', async () => {
      const bin = makeBin(1);
      const { browser, page } = await signIn(signing, { bin }, 'openid ul_sign');
      expect(page.body).toContain(`organisation with BIN ${bin}`);
      const out = await browser.submit(page, '/consent', {}, 'allow');
      const { idToken, userinfo } = await claims(signing, out);
      expect(idToken.bin).toBe(bin);
      expect(userinfo.bin).toBe(bin);
    });

    it('is not released without ul_sign', async () => {
      const bin = makeBin(2);
      const { page } = await signIn(gov, { bin }, 'openid');
      const { idToken, userinfo } = await claims(gov, page);
      expect(idToken.bin).toBeUndefined();
      expect(userinfo.bin).toBeUndefined();
    });
  });
});
