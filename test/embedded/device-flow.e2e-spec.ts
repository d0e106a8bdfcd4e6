import { BaseClient, Issuer } from 'openid-client';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Browserless, basic, parseForms, postForm } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

describe('device authorization grant (RFC 8628) on the embedded platform', () => {
  let platform: EmbeddedPlatform;
  let issuer: Issuer<BaseClient>;
  let confidential: { client_id: string; client_secret: string };
  let publicClient: { client_id: string };
  let db: DataSource;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    db = platform.app.get(getDataSourceToken('auth'));
    confidential = await platform.admin.createClient({
      client_name: '1С-модуль',
      grant_types: [DEVICE_GRANT, 'refresh_token'],
      scope: 'openid profile offline_access',
      device_poll_interval: 1,
    });
    publicClient = await platform.admin.createClient({ client_name: 'Desktop', grant_types: [DEVICE_GRANT], token_endpoint_auth_method: 'none', scope: 'openid profile', device_poll_interval: 1 });
    await platform.admin.createUser({ login: 'kairat', password: 'kairat-password-1', given_name: 'Kairat' });
    issuer = await Issuer.discover(platform.base);
  });

  afterAll(() => platform.close());

  /** A person approves (or denies) on the verification page, typing the code their own way. */
  async function approve(typed: string, decision: 'allow' | 'deny' = 'allow', browser = new Browserless(platform.base)) {
    let page = await browser.follow('/device');
    page = await browser.submit(page, '/device', { user_code: typed });
    if (page.body.includes('/login"')) page = await browser.submit(page, '/login', { username: 'kairat', password: 'kairat-password-1' });
    expect(page.body).toContain('id="device-check"');
    return browser.submit(page, '/consent', {}, decision);
  }

  const poll = (clientId: string, deviceCode: string, secret?: string) =>
    postForm(`${platform.base}/connect/token`, { grant_type: DEVICE_GRANT, device_code: deviceCode, ...(secret ? {} : { client_id: clientId }) }, secret ? { Authorization: basic(clientId, secret) } : {});

  it('is advertised in discovery', () => {
    expect(issuer.metadata.device_authorization_endpoint).toBe(`${platform.base}/connect/deviceauthorization`);
    expect(issuer.metadata.grant_types_supported).toContain(DEVICE_GRANT);
  });

  it('answers the device authorization request as Kontur does', async () => {
    const res = await postForm(`${platform.base}/connect/deviceauthorization`, { scope: 'openid profile' }, { Authorization: basic(confidential.client_id, confidential.client_secret) });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(res.json).sort()).toEqual(['device_code', 'expires_in', 'interval', 'user_code', 'verification_uri', 'verification_uri_complete']);
    expect(res.json.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(res.json.verification_uri).toBe(`${platform.base}/device`);
    expect(res.json.verification_uri_complete).toBe(`${platform.base}/device?user-code=${res.json.user_code.replace('-', '')}`);
    expect(res.json).toMatchObject({ expires_in: 300, interval: 1 });
  });

  it('completes for a confidential client with openid-client, the code typed in lower case with spaces', async () => {
    const client = new issuer.Client({ client_id: confidential.client_id, client_secret: confidential.client_secret });
    const handle = await client.deviceAuthorization({ scope: 'openid profile offline_access' });
    const typed = handle.user_code.toLowerCase().replace('-', ' ').split('').join(' ');
    const done = await approve(typed);
    expect(done.body).toContain('id="outcome"');
    expect(done.body).toContain('1С-модуль');
    const tokens = await handle.poll();
    expect(tokens.claims()).toMatchObject({ iss: platform.base, aud: confidential.client_id });
    expect(tokens.refresh_token).toMatch(/^[0-9a-f]{64}$/);
    expect(await client.userinfo(tokens)).toMatchObject({ given_name: 'Kairat' });
    const again = await poll(confidential.client_id, handle.device_code, confidential.client_secret);
    expect(again.json).toEqual({ error: 'invalid_grant', error_description: 'the device code was already used' });
  });

  it('completes for a public client, reusing the SSO session of the approving browser', async () => {
    const browser = new Browserless(platform.base);
    const client = new issuer.Client({ client_id: publicClient.client_id, token_endpoint_auth_method: 'none' });
    const first = await client.deviceAuthorization({ scope: 'openid profile' });
    await approve(first.user_code, 'allow', browser);
    expect((await first.poll()).claims().sub).toBeDefined();

    const second = await client.deviceAuthorization({ scope: 'openid' });
    let page = await browser.follow(second.verification_uri_complete!);
    expect(page.body).not.toContain('/login"');
    page = await browser.submit(page, '/consent', {}, 'allow');
    const tokens = await second.poll();
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('answers pending, slow_down (interval +5 s), denied and expired with exact bodies', async () => {
    const auth = { Authorization: basic(confidential.client_id, confidential.client_secret) };
    const started = await postForm(`${platform.base}/connect/deviceauthorization`, { scope: 'openid' }, auth);
    const code = started.json.device_code;
    const pending = await poll(confidential.client_id, code, confidential.client_secret);
    expect(pending.status).toBe(400);
    expect(pending.json).toEqual({ error: 'authorization_pending', error_description: 'the user has not finished yet' });
    const tooFast = await poll(confidential.client_id, code, confidential.client_secret);
    expect(tooFast.json).toEqual({ error: 'slow_down', error_description: 'polling too fast; wait at least 6 seconds between requests' });
    const stillFast = await poll(confidential.client_id, code, confidential.client_secret);
    expect(stillFast.json.error_description).toBe('polling too fast; wait at least 11 seconds between requests');

    await approve(started.json.user_code, 'deny');
    await db.query(`UPDATE auth.device_codes SET last_polled_at = now() - interval '1 minute' WHERE user_code = $1`, [started.json.user_code.replace('-', '')]);
    const denied = await poll(confidential.client_id, code, confidential.client_secret);
    expect(denied.json).toEqual({ error: 'access_denied', error_description: 'the user denied the request' });

    const late = await postForm(`${platform.base}/connect/deviceauthorization`, { scope: 'openid' }, auth);
    await db.query(`UPDATE auth.device_codes SET expires_at = now() - interval '1 second' WHERE user_code = $1`, [late.json.user_code.replace('-', '')]);
    const expired = await poll(confidential.client_id, late.json.device_code, confidential.client_secret);
    expect(expired.json).toEqual({ error: 'expired_token', error_description: 'the device code has expired; start again' });
    const page = await new Browserless(platform.base).follow(late.json.verification_uri_complete);
    expect(page.status).toBe(410);
    expect(page.body).toContain('The code has expired');
  });

  it('refuses another client polling with someone else\'s device code, and clients without the grant', async () => {
    const started = await postForm(`${platform.base}/connect/deviceauthorization`, { scope: 'openid' }, { Authorization: basic(confidential.client_id, confidential.client_secret) });
    const stolen = await poll(publicClient.client_id, started.json.device_code);
    expect(stolen.json).toEqual({ error: 'invalid_grant', error_description: 'the device code is invalid' });
    const web = await platform.admin.createClient({ client_name: 'Web', redirect_uris: ['https://rp.example/cb'] });
    const refused = await postForm(`${platform.base}/connect/deviceauthorization`, { scope: 'openid' }, { Authorization: basic(web.client_id, web.client_secret) });
    expect(refused.json).toEqual({ error: 'unauthorized_client', error_description: 'this client may not use the device flow' });
  });

  it('serves a QR code of the complete verification URI', async () => {
    const res = await fetch(`${platform.base}/device/qr?user-code=WDJBMJHT`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(await res.text()).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect((await fetch(`${platform.base}/device/qr?user-code=hello`)).status).toBe(400);
  });

  it('limits wrong user-code entries per browser and per IP, then shows a cooling-off page', async () => {
    const browser = new Browserless(platform.base);
    let page = await browser.follow('/device');
    for (let i = 0; i < 5; i++) {
      page = await browser.submit(page, '/device', { user_code: 'BCDF-GHJK' });
      expect(page.status).toBe(400);
    }
    const blocked = await browser.submit(page, '/device', { user_code: 'BCDF-GHJK' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.body).toContain('Too many wrong codes');
    // Another browser from the same address is held back too (the per-IP count).
    const other = await new Browserless(platform.base).follow('/device?user-code=BCDFGHJK');
    expect(other.status).toBe(429);
    expect(parseForms(blocked.body)[0].fields.csrf).toBeTruthy();
  });
});
