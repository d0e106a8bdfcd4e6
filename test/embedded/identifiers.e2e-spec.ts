import { decodeJwt } from 'jose';
import { BaseClient, Issuer, generators } from 'openid-client';
import { DomainEvent } from '@idp/contracts';
import { EventPublisher, InProcessEventPublisher } from '@idp/bus';
import { Browserless, PageResponse, basic, parseForms, postForm } from '@idp/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../apps/accounts/src/clock/clock';
import { IdentifiersService } from '../../apps/accounts/src/identifiers/identifiers.service';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';
import { askPhoneCode, newCode, readOutbox } from './otp';
import { api, signInToCabinet } from './cabinet';

const REDIRECT = 'https://rp.example/cb';

describe('several phones and e-mail addresses per account', () => {
  let platform: EmbeddedPlatform;
  let rp: BaseClient;
  let legacy: { client_id: string; client_secret: string };
  let aliya: string;
  let bauyrzhan: string;
  let saule: string;
  const events: DomainEvent[] = [];

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({ OTP_MAX_PER_IP_HOUR: '1000', OTP_MAX_PER_IP_DAY: '1000' });
    (platform.app.get(EventPublisher) as InProcessEventPublisher).emitter.on('event', (e: DomainEvent) => events.push(e));
    const registered = await platform.admin.createClient({
      client_name: 'Shop',
      redirect_uris: [REDIRECT],
      scope: 'openid profile email phone',
      allowed_login_methods: ['password', 'phone_otp', 'email_otp'],
      first_party: true,
    });
    rp = new (await Issuer.discover(platform.base)).Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] });
    legacy = await platform.admin.createClient({ client_name: 'Old integration', grant_types: ['password'], scope: 'openid phone' });
    aliya = (await platform.admin.createUser({ login: 'aliya', password: 'aliya-password-1', phone: '+77071110001', email: 'aliya@example.kz', given_name: 'Aliya' })).id;
    bauyrzhan = (await platform.admin.createUser({ login: 'bauyrzhan', password: 'bauyrzhan-password-1', phone: '+77071110002', given_name: 'Bauyrzhan' })).id;
    saule = (await platform.admin.createUser({ login: 'saule', password: 'saule-password-1', given_name: 'Saule' })).id;
  });

  afterAll(() => platform.close());
  afterEach(() => jest.restoreAllMocks());

  async function cabinet(login: string, password: string) {
    const { browser } = await signInToCabinet(platform.base, login, password);
    const csrf = { 'X-CSRF-Token': (await api(platform.base, browser, 'GET', '/api/account')).json.csrf_token as string };
    const call = (method: string, path: string, body?: unknown) => api(platform.base, browser, method, path, body, csrf);
    return { browser, call };
  }

  /** Asks for a code to `destination` and confirms it; returns the confirm answer. */
  async function add(call: Awaited<ReturnType<typeof cabinet>>['call'], channel: 'sms' | 'email', destination: string, to: string) {
    const seen = (await readOutbox(platform.base, to)).map((m) => m.code);
    const sent = await call('POST', '/api/account/identifiers', { channel, destination });
    expect(sent.status).toBe(201);
    const code = await newCode(platform.base, to, seen);
    return call('POST', '/api/account/identifiers/confirm', { challenge_id: sent.json.challenge_id, code });
  }

  function start(scope = 'openid profile email phone') {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = rp.authorizationUrl({ scope, state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    return { url, checks };
  }
  async function tokensFrom(out: PageResponse, checks: Record<string, string>) {
    expect(out.location?.startsWith(REDIRECT + '?')).toBe(true);
    return rp.callback(REDIRECT, rp.callbackParams(out.location!), checks);
  }
  /** Signs in with a code sent to `phone` on the login page, through consent, and returns the tokens. */
  async function signInWithPhoneCode(phone: string) {
    const browser = new Browserless(platform.base);
    const { url, checks } = start();
    const seen = (await readOutbox(platform.base, phone)).map((m) => m.code);
    const codePage = await askPhoneCode(browser, await browser.follow(url), phone);
    let page = await browser.submit(codePage, '/otp/verify', { code: await newCode(platform.base, phone, seen) });
    if (page.body.includes('/consent"')) page = await browser.submit(page, '/consent', {}, 'allow');
    return tokensFrom(page, checks);
  }

  it('adds a second phone and a second e-mail with codes from the outbox, keeping the primary ones', async () => {
    const { call } = await cabinet('aliya', 'aliya-password-1');
    const wrongFirst = await call('POST', '/api/account/identifiers', { channel: 'sms', destination: '8 707 111 00 03' });
    expect(wrongFirst).toMatchObject({ status: 201, json: { channel: 'sms', destination: '+77071110003', expires_in: 330 } });
    const code = await newCode(platform.base, '+77071110003');
    const wrong = await call('POST', '/api/account/identifiers/confirm', { challenge_id: wrongFirst.json.challenge_id, code: code === '000000' ? '111111' : '000000' });
    expect(wrong).toMatchObject({ status: 400, json: { error: 'invalid_code', attemptsLeft: 4 } });
    expect((await call('GET', '/api/account/identifiers')).json.identifiers).toHaveLength(2);

    const phone = await call('POST', '/api/account/identifiers/confirm', { challenge_id: wrongFirst.json.challenge_id, code });
    expect(phone).toMatchObject({ status: 200, json: { phone_number: '+77071110001', phone_number_verified: true } });
    const email = await add(call, 'email', 'Aliya.Work@Example.kz', 'aliya.work@example.kz');
    expect(email).toMatchObject({ status: 200, json: { email: 'aliya@example.kz' } });

    const listed = (await call('GET', '/api/account/identifiers')).json.identifiers;
    expect(listed.map((i: any) => [i.type, i.value, i.verified, i.primary])).toEqual([
      ['phone', '+77071110001', true, true],
      ['phone', '+77071110003', true, false],
      ['email', 'aliya@example.kz', true, true],
      ['email', 'aliya.work@example.kz', true, false],
    ]);
    // Asking again for one the account has is refused before any code goes out.
    expect(await call('POST', '/api/account/identifiers', { channel: 'sms', destination: '+77071110003' })).toMatchObject({ status: 409, json: { error: 'conflict' } });

    const mine = events.filter((e) => (e.data as { sub?: string }).sub === aliya).map((e) => e.type);
    expect(mine).toEqual(expect.arrayContaining(['user.identifier_added', 'user.identifier_verified']));
    const added = events.find((e) => e.type === 'user.identifier_added' && (e.data as { channel: string }).channel === 'email')!;
    expect(added.data).toMatchObject({ sub: aliya, channel: 'email', primary: false, identifier_id: expect.any(String) });
    expect(JSON.stringify(events)).not.toContain('aliya.work@example.kz');
    const audit = await platform.admin.call('GET', `/admin/users/${aliya}/audit`);
    expect(audit.json.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['user.identifier_added', 'user.identifier_verified']));
  });

  it('signs in with the secondary phone by code, and with the secondary e-mail and the password, to the same account', async () => {
    const byCode = await signInWithPhoneCode('+77071110003');
    expect(byCode.claims().sub).toBe(aliya);
    // The claims carry the primary phone, whichever one was used.
    expect(await rp.userinfo(byCode)).toMatchObject({ sub: aliya, phone_number: '+77071110001' });

    const { url, checks } = start();
    const byPassword = await tokensFrom(await signInThroughPages(new Browserless(platform.base), url, { login: 'ALIYA.work@example.kz', password: 'aliya-password-1' }), checks);
    expect(byPassword.claims().sub).toBe(aliya);

    const grant = await postForm(`${platform.base}/connect/token`, { grant_type: 'password', username: '8 707 111 00 03', password: 'aliya-password-1', scope: 'openid phone' }, { Authorization: basic(legacy.client_id, legacy.client_secret) });
    expect(grant.status).toBe(200);
    expect(decodeJwt(grant.json.id_token).sub).toBe(aliya);

    // An e-mail code to the secondary address too.
    const browser = new Browserless(platform.base);
    const start2 = start();
    const seen = (await readOutbox(platform.base, 'aliya.work@example.kz')).map((m) => m.code);
    const codePage = await browser.submit(await browser.follow(start2.url), '/otp/email', { email: 'aliya.work@example.kz' });
    let page = await browser.submit(codePage, '/otp/verify', { code: await newCode(platform.base, 'aliya.work@example.kz', seen) });
    if (page.body.includes('/consent"')) page = await browser.submit(page, '/consent', {}, 'allow');
    expect((await tokensFrom(page, start2.checks)).claims().sub).toBe(aliya);

    // Password recovery sends its code to a secondary phone as well.
    const recovery = new Browserless(platform.base);
    const loginPage = await recovery.follow(start().url);
    const recoveryPage = await recovery.follow(new URL(/href="([^"]+\/recovery)"/.exec(loginPage.body)![1], platform.base).toString());
    const before = (await readOutbox(platform.base, '+77071110003')).map((m) => m.code);
    await recovery.submit(recoveryPage, '/recovery', { destination: '+77071110003' });
    expect(await newCode(platform.base, '+77071110003', before)).toMatch(/^\d{6}$/);
    // The admin search finds the account by a secondary identifier.
    const found = await platform.admin.call('GET', `/admin/users?query=${encodeURIComponent('aliya.work@')}`);
    expect((found.json.users ?? found.json).map((u: { id: string }) => u.id)).toContain(aliya);
  });

  it('keeps each phone and address to one account, without telling a stranger whose it is', async () => {
    const { call } = await cabinet('bauyrzhan', 'bauyrzhan-password-1');
    for (const [channel, destination] of [['sms', '+77071110003'], ['sms', '+77071110001'], ['email', 'aliya.work@example.kz']]) {
      const refused = await call('POST', '/api/account/identifiers', { channel, destination });
      expect(refused).toMatchObject({ status: 409, json: { error: 'conflict', error_description: 'this identifier cannot be added' } });
      expect(JSON.stringify(refused.json)).not.toContain('aliya');
    }
    // Registration (the sign-in page's and the admin API's) treats a secondary identifier as taken too.
    const browser = new Browserless(platform.base);
    const login = await browser.follow(start().url);
    const registerPage = await browser.follow(login.url.replace(/\/?$/, '/register'));
    const registered = await browser.submit(registerPage, '/register', { login: 'copycat', password: 'copycat-password-1', given_name: 'Copy', email: 'Aliya.Work@example.kz' });
    expect(registered.status).toBe(400);
    expect(registered.body).toContain('This e-mail is already registered.');
    expect((await platform.admin.call('POST', '/admin/users', { login: 'copycat', password: 'copycat-password-1', email: 'aliya.work@example.kz' })).status).toBe(409);
    expect((await platform.admin.call('POST', '/admin/users', { login: 'copycat', password: 'copycat-password-1', phone: '+77071110003' })).status).toBe(409);

    // A newer code for a number supersedes the older one, so two accounts confirming the same
    // number at once meet in the database: exactly one wins, by the unique index.
    const service = platform.app.get(IdentifiersService);
    const [bId, sauleId] = [bauyrzhan, saule];
    const raced = await Promise.all([service.attach(bId, 'phone', '+77071110009'), service.attach(sauleId, 'phone', '+77071110009')]);
    expect(raced.map((r) => (r.ok ? 'ok' : r.code)).sort()).toEqual(['ok', 'taken']);
    const holders = await Promise.all([service.rows(bId), service.rows(sauleId)]);
    expect(holders.filter((rows) => rows.some((r) => r.value === '+77071110009'))).toHaveLength(1);
    // The loser's cabinet now hears the same refusal as anyone.
    const loser = raced[0].ok ? 'saule' : 'bauyrzhan';
    const loserCabinet = loser === 'saule' ? await cabinet('saule', 'saule-password-1') : { call };
    expect(await loserCabinet.call('POST', '/api/account/identifiers', { channel: 'sms', destination: '+77071110009' })).toMatchObject({ status: 409, json: { error_description: 'this identifier cannot be added' } });
    // Free it again for the tests below.
    const winner = raced[0].ok ? raced[0] : raced[1];
    if (winner.ok) await platform.app.get<DataSource>(getDataSourceToken('accounts')).query(`DELETE FROM accounts.user_identifiers WHERE id = $1`, [winner.row.id]);
  });

  it('switches the primary phone, and the ID token and UserInfo follow', async () => {
    const { call } = await cabinet('aliya', 'aliya-password-1');
    const listed = (await call('GET', '/api/account/identifiers')).json.identifiers;
    const second = listed.find((i: any) => i.value === '+77071110003');
    expect(await call('PUT', '/api/account/identifiers/00000000-0000-4000-8000-000000000000/primary')).toMatchObject({ status: 404, json: { error: 'not_found' } });
    expect(await call('PUT', '/api/account/identifiers/not-an-id/primary')).toMatchObject({ status: 404 });
    const switched = await call('PUT', `/api/account/identifiers/${second.id}/primary`);
    expect(switched).toMatchObject({ status: 200, json: { phone_number: '+77071110003', phone_number_verified: true } });
    expect(switched.json.identifiers.find((i: any) => i.value === '+77071110001')).toMatchObject({ primary: false, verified: true });

    const { url, checks } = start();
    const tokens = await tokensFrom(await signInThroughPages(new Browserless(platform.base), url, { login: 'aliya', password: 'aliya-password-1' }), checks);
    expect(tokens.claims().sub).toBe(aliya);
    expect(await rp.userinfo(tokens)).toMatchObject({ phone_number: '+77071110003', phone_number_verified: true, email: 'aliya@example.kz' });
    // And the ID token where it carries the claims itself (no access token to ask UserInfo with).
    const implicit = await platform.admin.createClient({ client_name: 'Implicit', redirect_uris: [REDIRECT], scope: 'openid phone', response_types: ['id_token'], grant_types: ['implicit'] });
    const nonce = generators.nonce();
    const authorize = `/connect/authorize?${new URLSearchParams({ client_id: implicit.client_id, redirect_uri: REDIRECT, response_type: 'id_token', scope: 'openid phone', state: 'state-identifiers', nonce })}`;
    const out = await signInThroughPages(new Browserless(platform.base), authorize, { login: 'aliya', password: 'aliya-password-1' });
    const idToken = new URLSearchParams(new URL(out.location!).hash.slice(1)).get('id_token')!;
    expect(decodeJwt(idToken)).toMatchObject({ sub: aliya, nonce, phone_number: '+77071110003' });
    // The old primary still signs in.
    expect((await signInWithPhoneCode('+77071110001')).claims().sub).toBe(aliya);
    expect(events.some((e) => e.type === 'user.primary_identifier_changed' && (e.data as { sub: string }).sub === aliya)).toBe(true);
  });

  it('removes identifiers: a secondary at once, a primary hands over to another verified one, never the last way in', async () => {
    const { browser, call } = await cabinet('aliya', 'aliya-password-1');
    const ids = async () => (await call('GET', '/api/account/identifiers')).json.identifiers as Array<{ id: string; type: string; value: string; primary: boolean }>;
    const work = (await ids()).find((i) => i.value === 'aliya.work@example.kz')!;
    // Without the CSRF header (or with a forged one) a change is refused and changes nothing.
    expect(await api(platform.base, browser, 'DELETE', `/api/account/identifiers/${work.id}`)).toMatchObject({ status: 403, json: { error: 'invalid_request' } });
    expect(await api(platform.base, browser, 'PUT', `/api/account/identifiers/${work.id}/primary`, undefined, { 'X-CSRF-Token': 'forged' })).toMatchObject({ status: 403 });
    expect((await ids()).find((i) => i.id === work.id)).toMatchObject({ primary: false });
    expect(await call('DELETE', `/api/account/identifiers/${work.id}`)).toMatchObject({ status: 200, json: { email: 'aliya@example.kz' } });
    expect(await call('DELETE', `/api/account/identifiers/${work.id}`)).toMatchObject({ status: 404, json: { error: 'not_found' } });
    expect(events.some((e) => e.type === 'user.identifier_removed' && (e.data as { identifier_id?: string }).identifier_id === work.id)).toBe(true);
    // The freed address no longer signs in to this account.
    const freed = await postForm(`${platform.base}/connect/token`, { grant_type: 'password', username: 'aliya.work@example.kz', password: 'aliya-password-1' }, { Authorization: basic(legacy.client_id, legacy.client_secret) });
    expect(freed).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });

    // Only phone codes on: removing the primary phone promotes the other one; the last one stays.
    expect((await call('PUT', '/api/account/login-methods', { methods: ['phone_otp'] })).status).toBe(200);
    const primary = (await ids()).find((i) => i.type === 'phone' && i.primary)!;
    expect(primary.value).toBe('+77071110003');
    const handedOver = await call('DELETE', `/api/account/identifiers/${primary.id}`);
    expect(handedOver).toMatchObject({ status: 200, json: { phone_number: '+77071110001', phone_number_verified: true } });
    const last = (await ids()).find((i) => i.type === 'phone')!;
    expect(await call('DELETE', `/api/account/identifiers/${last.id}`)).toMatchObject({ status: 409, json: { error: 'conflict' } });
    expect((await ids()).filter((i) => i.type === 'phone')).toHaveLength(1);
    expect(await call('DELETE', '/api/account/identifiers/fax')).toMatchObject({ status: 404 });
    expect((await call('PUT', '/api/account/login-methods', { methods: ['password', 'phone_otp', 'email_otp'] })).status).toBe(200);
  });

  it('refuses a wrong and an expired code, adding nothing', async () => {
    const { call } = await cabinet('saule', 'saule-password-1');
    const before = (await call('GET', '/api/account/identifiers')).json.identifiers;
    const sent = await call('POST', '/api/account/identifiers', { channel: 'email', destination: 'saule@example.kz' });
    const code = await newCode(platform.base, 'saule@example.kz');
    expect(await call('POST', '/api/account/identifiers/confirm', { challenge_id: sent.json.challenge_id, code: code === '000000' ? '111111' : '000000' })).toMatchObject({ status: 400, json: { error: 'invalid_code' } });
    jest.spyOn(platform.app.get(Clock), 'now').mockImplementation(() => new Date(Date.now() + 330_000));
    expect(await call('POST', '/api/account/identifiers/confirm', { challenge_id: sent.json.challenge_id, code })).toMatchObject({ status: 400, json: { error: 'invalid_code' } });
    jest.restoreAllMocks();
    expect((await call('GET', '/api/account/identifiers')).json.identifiers).toEqual(before);
    expect(await call('POST', '/api/account/identifiers', { channel: 'email', destination: 'not an address' })).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
  });

  it('caps each kind at five', async () => {
    const { call } = await cabinet('saule', 'saule-password-1');
    for (let i = 0; i < 5; i++) expect((await add(call, 'email', `saule${i}@example.kz`, `saule${i}@example.kz`)).status).toBe(200);
    expect(await call('POST', '/api/account/identifiers', { channel: 'email', destination: 'saule9@example.kz' })).toMatchObject({ status: 409, json: { error: 'conflict' } });
  });

  it('lists the other phones on the cabinet page, with forms to make one primary or remove it', async () => {
    const { browser, call } = await cabinet('bauyrzhan', 'bauyrzhan-password-1');
    expect((await add(call, 'sms', '+77071110005', '+77071110005')).status).toBe(200);
    const page = await browser.follow('/account');
    const id = (await call('GET', '/api/account/identifiers')).json.identifiers.find((i: { value: string }) => i.value === '+77071110005').id;
    expect(page.body).toContain(`data-identifier="${id}"`);
    const forms = parseForms(page.body).filter((f) => f.fields.id === id);
    expect(forms.map((f) => f.action).sort()).toEqual(['/account/identifiers/primary', '/account/identifiers/remove']);
    const foreign = await browser.submit(page, '/account/identifiers/remove', { id: '00000000-0000-4000-8000-000000000000' });
    expect(foreign.status).toBe(404);
    const removed = await browser.submit(page, '/account/identifiers/remove', { id });
    expect(removed.body).toContain('Removed.');
    expect(removed.body).not.toContain('+77071110005');
    expect(removed.body).toContain('+77071110002');
  });

  it('frees every identifier of a deleted account, and lets an organisation invitation to a secondary one be accepted', async () => {
    const org = await platform.admin.call('POST', '/admin/organizations', { name: 'Saule & Co' });
    expect((await platform.admin.call('POST', `/admin/organizations/${org.json.id}/invitations`, { email: 'saule3@example.kz', role: 'member' })).status).toBe(201);
    const { call } = await cabinet('saule', 'saule-password-1');
    const members = await platform.admin.call('GET', `/admin/organizations/${org.json.id}`);
    expect(members.json.members.map((m: { sub: string }) => m.sub)).toContain(saule);

    expect((await call('POST', '/api/account/delete', { password: 'saule-password-1' })).status).toBe(200);
    const other = await cabinet('bauyrzhan', 'bauyrzhan-password-1');
    // Past the 120 s between two codes to one address (saule's own code went there just now).
    jest.spyOn(platform.app.get(Clock), 'now').mockImplementation(() => new Date(Date.now() + 121_000));
    expect((await add(other.call, 'email', 'saule2@example.kz', 'saule2@example.kz')).status).toBe(200);
  });
});
