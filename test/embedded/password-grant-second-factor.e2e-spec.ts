import { decodeJwt } from 'jose';
import { Browserless, basic, postForm } from '@idp/testing';
import { Clock } from '../../apps/accounts/src/clock/clock';
import { totpCode } from '../../apps/accounts/src/second-factor/totp';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { newCode } from './otp';

const TOTP = 'urn:idp:oauth:grant-type:totp';
const SMS = 'urn:idp:oauth:grant-type:sms';
const BACKUP = 'urn:idp:oauth:grant-type:backup_code';

describe('legacy password grant with a second factor: partial_factor_token and the factor grants (embedded)', () => {
  let platform: EmbeddedPlatform;
  let legacy: { client_id: string; client_secret: string };
  let other: { client_id: string; client_secret: string };
  let token: string;
  let secret: string;
  let backupCodes: string[];
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const nextCode = () => {
    offset += 30_000;
    return totpCode(secret, now());
  };

  /** Signs in through the pages once, then turns on TOTP and SMS in the cabinet. */
  async function enrol(login: string, pass: string): Promise<void> {
    const web = await platform.admin.createClient({ client_name: 'Web', redirect_uris: ['https://rp.example/cb'], scope: 'openid', first_party: true });
    const browser = new Browserless(platform.base);
    const page = await browser.follow(`/connect/authorize?${new URLSearchParams({ client_id: web.client_id, redirect_uri: 'https://rp.example/cb', response_type: 'code', scope: 'openid', state: 'state-12345', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`);
    await browser.submit(page, '/login', { username: login, password: pass });
    const enrolPage = await browser.submit(await browser.follow('/account/two-factor'), '/account/two-factor/totp', {});
    secret = /data-secret="([A-Z2-7]+)"/.exec(enrolPage.body)![1];
    const done = await browser.submit(enrolPage, '/totp/confirm', { code: nextCode() });
    backupCodes = /<pre id="backup-codes">([^<]*)<\/pre>/.exec(done.body)![1].split('\n');
    await browser.submit(done, '/account/two-factor/sms', { enabled: '1' });
  }

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({ OTP_MAX_PER_IP_HOUR: '1000', OTP_MAX_PER_IP_DAY: '1000' });
    jest.spyOn(platform.app.get(Clock), 'now').mockImplementation(now);
    token = `${platform.base}/connect/token`;
    legacy = await platform.admin.createClient({ client_name: 'Old integration', grant_types: ['password', 'refresh_token'], scope: 'openid profile offline_access' });
    other = await platform.admin.createClient({ client_name: 'Other', grant_types: ['password'], scope: 'openid' });
    await platform.admin.createUser({ login: 'lazzat', password: 'lazzat-password', phone: '+7 707 400 00 01' });
    await enrol('lazzat', 'lazzat-password');
  });

  afterAll(() => platform.close());

  const as = (client: { client_id: string; client_secret: string }, form: Record<string, string>) => postForm(token, form, { Authorization: basic(client.client_id, client.client_secret) });
  const firstStep = async (client = legacy) => {
    const res = await as(client, { grant_type: 'password', username: 'lazzat', password: 'lazzat-password', scope: 'openid offline_access' });
    expect(res.status).toBe(400);
    return res;
  };

  it('answers the right password with invalid_grant, a partial_factor_token and the factors to finish with', async () => {
    const res = await firstStep();
    expect(res.json).toEqual({
      error: 'invalid_grant',
      error_description: 'a second factor is required; repeat the request with one of required_factors and the partial_factor_token',
      partial_factor_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      required_factors: [
        { grant_type: TOTP, identity: 'authenticator app' },
        { grant_type: SMS, identity: '+7707***0001' },
        { grant_type: BACKUP, identity: 'backup code' },
      ],
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('completes with TOTP: tokens say pwd, otp, mfa; the partial_factor_token then is used up', async () => {
    const { partial_factor_token } = (await firstStep()).json;
    const done = await as(legacy, { grant_type: TOTP, partial_factor_token, code: nextCode() });
    expect(done.status).toBe(200);
    expect(Object.keys(done.json).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
    expect(decodeJwt(done.json.id_token).amr).toEqual(['pwd', 'otp', 'mfa']);

    const reused = await as(legacy, { grant_type: TOTP, partial_factor_token, code: nextCode() });
    expect(reused.status).toBe(400);
    expect(reused.json).toEqual({ error: 'invalid_grant', error_description: "the partial_factor_token is invalid, expired, already used or not this client's" });
  });

  it('refuses a wrong code, a wrong token and another client\'s token, and kills the token after 5 wrong codes', async () => {
    const { partial_factor_token } = (await firstStep()).json;
    const wrong = await as(legacy, { grant_type: TOTP, partial_factor_token, code: '12345a' });
    expect(wrong.json).toEqual({ error: 'invalid_grant', error_description: 'the code is wrong' });
    expect((await as(legacy, { grant_type: TOTP, partial_factor_token: 'made-up', code: nextCode() })).json.error_description).toContain('partial_factor_token is invalid');
    expect((await as(other, { grant_type: TOTP, partial_factor_token, code: nextCode() })).json.error_description).toContain('partial_factor_token is invalid');
    expect((await as(legacy, { grant_type: TOTP, partial_factor_token })).json).toEqual({ error: 'invalid_request', error_description: 'missing parameter: code' });
    for (let i = 0; i < 3; i++) await as(legacy, { grant_type: BACKUP, partial_factor_token, code: 'zzzzz-zzzzz' });
    // The fifth wrong code: the account waits, and this token is dead even for a right code later.
    const fifth = await as(legacy, { grant_type: BACKUP, partial_factor_token, code: 'zzzzz-zzzzz' });
    expect(fifth.json).toEqual({ error: 'invalid_grant', error_description: 'too many wrong codes' });
    expect(Number(fifth.headers.get('retry-after'))).toBe(300);
    offset += 301_000;
    const late = await as(legacy, { grant_type: BACKUP, partial_factor_token, code: backupCodes[0] });
    expect(late.json.error_description).toContain('partial_factor_token is invalid');
  });

  it('completes with a backup code once, and with an SMS code sent on request', async () => {
    const first = (await firstStep()).json.partial_factor_token;
    const done = await as(legacy, { grant_type: BACKUP, partial_factor_token: first, code: backupCodes[1] });
    expect(done.status).toBe(200);
    const second = (await firstStep()).json.partial_factor_token;
    expect((await as(legacy, { grant_type: BACKUP, partial_factor_token: second, code: backupCodes[1] })).json.error_description).toBe('the code is wrong');

    const asked = await as(legacy, { grant_type: SMS, partial_factor_token: second });
    expect(asked.json).toEqual({ error: 'invalid_request', error_description: 'a code was sent by SMS to +7707***0001; repeat the request with it as code' });
    const code = await newCode(platform.base, '+77074000001');
    const sms = await as(legacy, { grant_type: SMS, partial_factor_token: second, code });
    expect(sms.status).toBe(200);
    expect(decodeJwt(sms.json.id_token).amr).toEqual(['pwd', 'sms', 'mfa']);
  });

  it('a factor grant is for clients allowed the password or certificate grant only; discovery lists the factor grants', async () => {
    const machine = await platform.admin.createClient({ client_name: 'M2M', grant_types: ['client_credentials'], scope: 'x' });
    const res = await as(machine, { grant_type: TOTP, partial_factor_token: 'x', code: '123456' });
    expect(res.json).toEqual({ error: 'unauthorized_client', error_description: 'this client may not use the password or certificate grant' });
    const meta = await (await fetch(`${platform.base}/.well-known/openid-configuration`)).json();
    expect(meta.grant_types_supported).toEqual(expect.arrayContaining([TOTP, SMS, BACKUP, 'password']));
  });

  it('an account that must have a factor but has none is told to enrol; one without needs none', async () => {
    const strict = await platform.admin.createClient({ client_name: 'Strict', grant_types: ['password'], scope: 'openid', require_2fa: true });
    await platform.admin.createUser({ login: 'murat', password: 'murat-password' });
    const res = await as(strict, { grant_type: 'password', username: 'murat', password: 'murat-password' });
    expect(res.json).toEqual({ error: 'invalid_grant', error_description: 'this account must set up a second factor first; it can do so by signing in through the browser' });
    const plain = await as(other, { grant_type: 'password', username: 'murat', password: 'murat-password' });
    expect(plain.status).toBe(200);
  });
});
