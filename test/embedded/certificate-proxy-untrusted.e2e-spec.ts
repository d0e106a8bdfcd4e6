import { generators } from 'openid-client';
import { Browserless, TestPki, parseForms } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

const REDIRECT = 'https://rp.example/cb';
const PROXY_HEADER = 'x-ssl-client-cert';

/** Its own file: the platform here trusts another proxy address than the one tests connect from. */
describe('proxy header from an address that is not a configured proxy (embedded)', () => {
  let platform: EmbeddedPlatform;

  afterAll(() => platform?.close());

  it('ignores the header: no proxy option, and a forced proxy sign-in is refused', async () => {
    const pki = await TestPki.create('Untrusted');
    platform = await startEmbeddedPlatform({ CERT_TRUST_BUNDLE: pki.bundle, CERT_PROXY_HEADER: PROXY_HEADER, CERT_PROXY_ADDRESSES: '192.0.2.10' });
    const client = await platform.admin.createClient({ client_name: 'Web', redirect_uris: [REDIRECT], scope: 'openid', first_party: true, allowed_login_methods: ['certificate'] });
    const user = await platform.admin.createUser({ login: 'erik', password: 'correct horse 8' });
    const cred = await pki.user('CN=Erik');
    expect((await platform.admin.call('POST', `/admin/users/${user.id}/certificates`, { certificate: cred.der })).status).toBe(201);

    const browser = new Browserless(platform.base);
    browser.extraHeaders = { [PROXY_HEADER]: encodeURIComponent(cred.certPem) };
    const login = await browser.follow(`/connect/authorize?client_id=${client.client_id}&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&scope=openid&state=abcdefgh&code_challenge=${generators.codeChallenge(generators.codeVerifier())}&code_challenge_method=S256`);
    // Certificate is the only way in: no password form, the certificate button alone.
    expect(login.body).not.toContain('/login"');
    const page = await browser.follow(/href="([^"]*\/certificate)"/.exec(login.body)![1]);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('Your browser presented the certificate');
    const csrf = parseForms(page.body)[0].fields.csrf;
    const action = /action="([^"]*\/certificate\/challenge)"/.exec(page.body)![1].replace('/challenge', '/proxy');
    const refused = await browser.request(action, { form: { csrf } });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('No certificate came from a trusted proxy.');
    expect(refused.location).toBeUndefined();
  });
});
