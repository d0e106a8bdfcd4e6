import { BaseClient, Issuer, generators, errors as oidcErrors } from 'openid-client';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { Browserless, basic, parseForms, postForm } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';

const REDIRECT = 'https://rp.example/cb';

describe('authorization code flow on the embedded platform (openid-client as the relying party)', () => {
  let platform: EmbeddedPlatform;
  let issuer: Issuer<BaseClient>;
  let client: BaseClient;
  let registered: { client_id: string; client_secret: string };

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    await platform.admin.createResource({ name: 'Extern API', audience: 'https://api.example/extern', scopes: ['extern.api'] });
    registered = await platform.admin.createClient({
      client_name: 'Accounting',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile email phone offline_access extern.api',
    });
    issuer = await Issuer.discover(platform.base);
    client = new issuer.Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
  });

  afterAll(() => platform.close());

  function start(scope = 'openid profile email offline_access extern.api', extra: Record<string, string> = {}) {
    const verifier = generators.codeVerifier();
    const state = generators.state();
    const nonce = generators.nonce();
    const url = client.authorizationUrl({ scope, state, nonce, code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256', ...extra });
    return { url, checks: { state, nonce, code_verifier: verifier } };
  }

  it('discovers exactly what is implemented', () => {
    const m = issuer.metadata;
    expect(m.issuer).toBe(platform.base);
    expect(m.jwks_uri).toBe(`${platform.base}/.well-known/openid-configuration/jwks`);
    expect(m.response_types_supported).toEqual(['code', 'id_token', 'code id_token', 'code token', 'code id_token token', 'id_token token', 'none']);
    expect(m.code_challenge_methods_supported).toEqual(['S256']);
    expect(m.grant_types_supported).toEqual(['authorization_code', 'implicit', 'refresh_token', 'client_credentials', 'password', 'urn:ietf:params:oauth:grant-type:device_code', 'trusted', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'certificate', 'urn:idp:oauth:grant-type:totp', 'urn:idp:oauth:grant-type:sms', 'urn:idp:oauth:grant-type:backup_code']);
    expect(m.subject_types_supported).toEqual(['public', 'pairwise']);
    expect(m.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none']);
    expect(m.authorization_response_iss_parameter_supported).toBe(true);
  });

  it('registers a new user through the pages, then validates the id_token, reads userinfo and rotates refresh tokens', async () => {
    const browser = new Browserless(platform.base);
    const { url, checks } = start();
    const landing = await browser.follow(url);
    const login = parseForms(landing.body).find((f) => f.action.endsWith('/login'))!;
    expect(login.autocomplete).toEqual({ username: 'username', password: 'current-password' });
    expect(login.fields.csrf).toBeTruthy();

    const out = await signInThroughPages(browser, url, {
      register: { login: 'aigerim', password: 'correct horse battery', given_name: 'Aigerim', family_name: 'Sadykova', email: 'Aigerim@Example.kz' },
    });
    expect(out.status).toBe(303);
    expect(out.location!.startsWith(REDIRECT + '?')).toBe(true);
    expect(browser.jar.has('idp_session')).toBe(true);

    const params = client.callbackParams(out.location!);
    expect(params.iss).toBe(platform.base);
    expect(new URL(out.location!).searchParams.get('scope')).toBe('openid profile email offline_access extern.api');
    const tokens = await client.callback(REDIRECT, params, checks);
    const claims = tokens.claims();
    expect(claims).toMatchObject({ iss: platform.base, aud: registered.client_id, nonce: checks.nonce });
    expect(claims.sid).toBeDefined();
    expect(claims.at_hash).toBeDefined();
    expect(claims.auth_time).toBeDefined();
    expect(tokens.refresh_token).toMatch(/^[0-9a-f]{64}$/);

    expect(decodeProtectedHeader(tokens.access_token!)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    const at = decodeJwt(tokens.access_token!);
    expect(at).toMatchObject({ iss: platform.base, sub: claims.sub, client_id: registered.client_id, scope: 'openid profile email offline_access extern.api' });
    expect(at.aud).toEqual([platform.base, 'https://api.example/extern']);
    expect(at.jti).toBeDefined();

    const userinfo = await client.userinfo(tokens);
    expect(userinfo).toMatchObject({ sub: claims.sub, given_name: 'Aigerim', family_name: 'Sadykova', name: 'Aigerim Sadykova', email: 'aigerim@example.kz', email_verified: false, preferred_username: 'aigerim' });
    expect(userinfo).not.toHaveProperty('phone_number');

    const second = await client.refresh(tokens.refresh_token!);
    expect(second.refresh_token).toBeDefined();
    expect(second.refresh_token).not.toBe(tokens.refresh_token);
    expect(second.claims().sub).toBe(claims.sub);
    const third = await client.refresh(second.refresh_token!);

    // Reusing a rotated refresh token revokes the whole grant: the newest refresh token and the access tokens die too.
    await expect(client.refresh(tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refresh(third.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.userinfo(third)).rejects.toBeInstanceOf(oidcErrors.OPError);
  });

  it('reuses the SSO session and the remembered consent for a second authorization in the same browser', async () => {
    const browser = new Browserless(platform.base);
    await platform.admin.createUser({ login: 'bolat', password: 'bolat-password-1', given_name: 'Bolat', phone: '+7 707 123 45 67' });
    const first = start('openid profile phone');
    const firstOut = await signInThroughPages(browser, first.url, { login: 'bolat', password: 'bolat-password-1' });
    const firstTokens = await client.callback(REDIRECT, client.callbackParams(firstOut.location!), first.checks);
    expect(await client.userinfo(firstTokens)).toMatchObject({ phone_number: '+77071234567', phone_number_verified: true });

    const again = start('openid profile');
    const direct = await browser.request(again.url);
    expect(direct.status).toBe(303);
    expect(direct.location!.startsWith(REDIRECT)).toBe(true);
    const tokens = await client.callback(REDIRECT, client.callbackParams(direct.location!), again.checks);
    expect(tokens.claims().sid).toBe(firstTokens.claims().sid);
    expect(tokens.refresh_token).toBeUndefined();

    // Asking for more than was granted brings the consent page back.
    const more = start('openid profile email');
    const consentPage = await browser.follow(more.url);
    expect(consentPage.url).toContain('/interaction/');
    expect(consentPage.body).toContain('value="allow"');
    expect(consentPage.body).toContain('value="deny"');
  });

  it('answers prompt=none without a session with login_required, by redirect with state and iss', async () => {
    const browser = new Browserless(platform.base);
    const { url, checks } = start('openid', { prompt: 'none' });
    const res = await browser.request(url);
    expect(res.status).toBe(303);
    const params = new URL(res.location!).searchParams;
    expect(Object.fromEntries(params)).toEqual({ error: 'login_required', error_description: 'the user is not signed in', scope: 'openid', state: checks.state, iss: platform.base });
  });

  it('sends access_denied when the user denies consent', async () => {
    const browser = new Browserless(platform.base);
    await platform.admin.createUser({ login: 'dana', password: 'dana-password-1' });
    const { url, checks } = start('openid email');
    const out = await signInThroughPages(browser, url, { login: 'dana', password: 'dana-password-1' }, 'deny');
    const params = Object.fromEntries(new URL(out.location!).searchParams);
    expect(params).toMatchObject({ error: 'access_denied', state: checks.state, iss: platform.base });
  });

  it('revokes everything issued from a code that is redeemed twice', async () => {
    const browser = new Browserless(platform.base);
    await platform.admin.createUser({ login: 'erlan', password: 'erlan-password-1' });
    const { url, checks } = start('openid offline_access');
    const out = await signInThroughPages(browser, url, { login: 'erlan', password: 'erlan-password-1' });
    const code = new URL(out.location!).searchParams.get('code')!;
    const tokens = await client.callback(REDIRECT, client.callbackParams(out.location!), checks);

    const replay = await postForm(`${platform.base}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: checks.code_verifier }, { Authorization: basic(registered.client_id, registered.client_secret) });
    expect(replay.status).toBe(400);
    expect(replay.json).toEqual({ error: 'invalid_grant', error_description: 'the authorization code was already used; tokens issued from it are revoked' });
    await expect(client.refresh(tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const userinfo = await fetch(`${platform.base}/connect/userinfo`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(401);
    expect(userinfo.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('refuses a wrong PKCE verifier and a wrong redirect_uri with invalid_grant', async () => {
    const browser = new Browserless(platform.base);
    await platform.admin.createUser({ login: 'farida', password: 'farida-password-1' });
    const { url, checks } = start('openid');
    const out = await signInThroughPages(browser, url, { login: 'farida', password: 'farida-password-1' });
    const code = new URL(out.location!).searchParams.get('code')!;
    const auth = { Authorization: basic(registered.client_id, registered.client_secret) };
    const wrongUri = await postForm(`${platform.base}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: 'https://rp.example/other', code_verifier: checks.code_verifier }, auth);
    expect(wrongUri.json).toEqual({ error: 'invalid_grant', error_description: 'redirect_uri does not match the authorization request' });
    const wrongVerifier = await postForm(`${platform.base}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: generators.codeVerifier() }, auth);
    expect(wrongVerifier.json).toEqual({ error: 'invalid_grant', error_description: 'PKCE verification failed' });
    // The failed attempts did not consume the code.
    const ok = await postForm(`${platform.base}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: checks.code_verifier }, auth);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
  });
});
