import { BaseClient, Issuer, generators } from 'openid-client';
import { decodeJwt } from 'jose';
import { Browserless, PageResponse } from '@idp/testing';
import { EventPublisher, InProcessEventPublisher } from '@idp/bus';
import { DomainEvent } from '@idp/contracts';
import { TxtResolver } from '../../apps/auth/src/organizations/txt-resolver';
import { totpCode } from '../../apps/accounts/src/second-factor/totp';
import { UpstreamIdp, startUpstreamIdp } from '../support/upstream-idp';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';

const REDIRECT = 'https://rp.example/cb';

describe('organisations, verified domains and company sign-in through an upstream OpenID provider', () => {
  let platform: EmbeddedPlatform;
  let upstream: UpstreamIdp;
  let client: BaseClient;
  let org: { id: string };
  let badOrg: { id: string };
  const dns: Record<string, string[]> = {};
  const logged: string[] = [];
  const events: DomainEvent[] = [];
  const writes = { out: process.stdout.write, err: process.stderr.write };

  beforeAll(async () => {
    // Everything the platform logs, to prove no secret or token ends up there.
    process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => (logged.push(String(chunk)), (writes.out as any).call(process.stdout, chunk, ...rest))) as never;
    process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => (logged.push(String(chunk)), (writes.err as any).call(process.stderr, chunk, ...rest))) as never;
    platform = await startEmbeddedPlatform({ LOG_LEVEL: 'debug' });
    (platform.app.get(EventPublisher) as InProcessEventPublisher).emitter.on('event', (e: DomainEvent) => events.push(e));
    jest.spyOn(platform.app.get(TxtResolver), 'resolve').mockImplementation(async (domain: string) => dns[domain] ?? []);
    upstream = await startUpstreamIdp(`${platform.base}/interaction/federated/callback`);
    const registered = await platform.admin.createClient({
      client_name: 'Portal', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], scope: 'openid profile email organization',
      first_party: true, allowed_login_methods: ['password', 'federated'],
    });
    client = new (await Issuer.discover(platform.base)).Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [REDIRECT] });
  }, 60000);

  afterAll(async () => {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    await upstream?.stop();
    await platform?.close();
  });

  /** authorize -> login page -> company form -> upstream -> callback ..., following redirects across both origins. */
  async function companySignIn(email: string, via: BaseClient = client, browser = new Browserless(platform.base)) {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = via.authorizationUrl({ scope: 'openid profile email organization', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    const login = await browser.follow(url);
    let page: PageResponse = await browser.request(new URL(`${new URL(login.url).pathname}/federated`, platform.base).toString(), {
      form: { csrf: /name="csrf" value="([^"]+)"/.exec(login.body)![1], email },
    });
    for (let hops = 0; page.location && !page.location.startsWith(REDIRECT) && hops < 20; hops++) page = await browser.request(page.location);
    const tokens = page.location?.startsWith(REDIRECT) && page.location.includes('code=') ? await via.callback(REDIRECT, via.callbackParams(page.location), checks) : undefined;
    return { page, tokens, browser };
  }

  const users = async (query: string) => (await platform.admin.call('GET', `/admin/users?query=${encodeURIComponent(query)}`)).json as Array<{ id: string; email: string }>;

  it('creates organisations and manages members, roles and the last owner', async () => {
    const owner = await platform.admin.createUser({ login: 'dana', password: 'dana-password-1', email: 'dana@acme.kz' });
    expect((await platform.admin.call('POST', '/admin/organizations', {})).json).toMatchObject({ error: 'invalid_request', fields: { name: 'is required' } });
    const created = await platform.admin.call('POST', '/admin/organizations', { name: 'Acme', owner_sub: owner.id });
    expect(created.status).toBe(201);
    org = created.json;
    expect((await platform.admin.call('PATCH', `/admin/organizations/${org.id}`, { name: 'Acme LLP' })).json).toMatchObject({ id: org.id, name: 'Acme LLP' });
    expect((await platform.admin.call('GET', '/admin/organizations')).json.map((o: { name: string }) => o.name)).toContain('Acme LLP');

    const last = await platform.admin.call('PUT', `/admin/organizations/${org.id}/members/${owner.id}`, { role: 'member' });
    expect(last.status).toBe(409);
    expect((await platform.admin.call('DELETE', `/admin/organizations/${org.id}/members/${owner.id}`)).status).toBe(409);
    expect((await platform.admin.call('PUT', `/admin/organizations/${org.id}/members/${owner.id}`, { role: 'boss' })).json).toMatchObject({ fields: { role: 'one of owner, admin, member' } });
    expect((await platform.admin.call('PUT', `/admin/organizations/${org.id}/members/00000000-0000-4000-8000-000000000000`, { role: 'member' })).status).toBe(400);
    expect((await platform.admin.call('GET', '/admin/organizations/00000000-0000-4000-8000-000000000000')).status).toBe(404);

    const details = (await platform.admin.call('GET', `/admin/organizations/${org.id}`)).json;
    expect(details.members).toEqual([expect.objectContaining({ sub: owner.id, role: 'owner' })]);
  });

  it('accepts an invitation when the invited address signs in verified, and releases org claims for the organization scope', async () => {
    const invited = await platform.admin.call('POST', `/admin/organizations/${org.id}/invitations`, { email: 'Erlan@Acme.kz', role: 'admin' });
    expect(invited.status).toBe(201);
    expect(invited.json).toMatchObject({ email: 'erlan@acme.kz', role: 'admin', accepted_at: null });
    expect((await platform.admin.call('POST', `/admin/organizations/${org.id}/invitations`, { email: 'x@acme.kz', phone: '+77070000000' })).status).toBe(400);
    const other = (await platform.admin.call('POST', '/admin/organizations', { name: 'Beta' })).json;
    const erlan = await platform.admin.createUser({ login: 'erlan', password: 'erlan-password-1', email: 'erlan@acme.kz' });
    await platform.admin.call('PUT', `/admin/organizations/${other.id}/members/${erlan.id}`, { role: 'member' });

    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = client.authorizationUrl({ scope: 'openid profile email organization', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    const out = await signInThroughPages(new Browserless(platform.base), url, { login: 'erlan', password: 'erlan-password-1' });
    const tokens = await client.callback(REDIRECT, client.callbackParams(out.location!), checks);
    const info = await client.userinfo(tokens.access_token!);
    expect(info).toMatchObject({ org_id: other.id, org_roles: ['member'] });
    expect(info.organizations).toEqual(expect.arrayContaining([{ id: org.id, name: 'Acme LLP', roles: ['admin'] }, { id: other.id, name: 'Beta', roles: ['member'] }]));
    const accepted = (await platform.admin.call('GET', `/admin/organizations/${org.id}`)).json.invitations[0];
    expect(accepted).toMatchObject({ accepted_by: erlan.id });
    expect(accepted.accepted_at).not.toBeNull();
  });

  it('verifies a domain by its DNS TXT record (stub resolver); an unverified domain does not route; one organisation per domain', async () => {
    const claimed = await platform.admin.call('POST', `/admin/organizations/${org.id}/domains`, { domain: 'ACME.kz.' });
    expect(claimed.status).toBe(201);
    expect(claimed.json).toMatchObject({ domain: 'acme.kz', verified: false, dns_txt_record: `idp-verification=${claimed.json.verification_token}`, http_file_url: 'https://acme.kz/.well-known/idp-verification.txt' });
    const other = (await platform.admin.call('POST', '/admin/organizations', { name: 'Squatter' })).json;
    expect((await platform.admin.call('POST', `/admin/organizations/${other.id}/domains`, { domain: 'acme.kz' })).status).toBe(409);
    expect((await platform.admin.call('POST', `/admin/organizations/${org.id}/domains`, { domain: 'not a domain' })).status).toBe(400);

    dns['acme.kz'] = ['idp-verification=wrong-token'];
    const refused = await platform.admin.call('POST', `/admin/organizations/${org.id}/domains/acme.kz/verify`);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe('verification_failed');

    // Provider first: an unverified domain must not route even with an upstream in place.
    const provider = await platform.admin.call('POST', `/admin/organizations/${org.id}/upstream-providers`, {
      kind: 'oidc', name: 'Acme SSO', discovery_url: `${upstream.issuer}/.well-known/openid-configuration`, client_id: upstream.clientId, client_secret: upstream.clientSecret,
    });
    expect(provider.status).toBe(201);
    expect(provider.json).toMatchObject({ issuer: upstream.issuer, client_id: upstream.clientId, end_session_endpoint: `${upstream.issuer}/session/end`, redirect_uri: `${platform.base}/interaction/federated/callback` });
    expect(JSON.stringify(provider.json)).not.toContain(upstream.clientSecret);
    const early = await companySignIn('aliya@acme.kz');
    expect(early.page.status).toBe(400);
    expect(early.page.body).toContain('There is no company sign-in for this address.');

    dns['acme.kz'] = ['v=spf1 -all', `idp-verification=${claimed.json.verification_token}`];
    const verified = await platform.admin.call('POST', `/admin/organizations/${org.id}/domains/acme.kz/verify`);
    expect(verified.status).toBe(200);
    expect(verified.json).toMatchObject({ domain: 'acme.kz', verified: true, method: 'dns' });
    const shown = (await platform.admin.call('GET', `/admin/organizations/${org.id}`)).json;
    expect(shown.upstream_providers).toHaveLength(1);
    expect(JSON.stringify(shown)).not.toContain(upstream.clientSecret);
  });

  it('sends a work e-mail to the company IdP and creates the account just in time, in the organisation, with amr fed and idp', async () => {
    const first = await companySignIn('aliya@acme.kz');
    expect(first.tokens).toBeDefined();
    const claims = first.tokens!.claims();
    expect(claims.amr).toEqual(['fed']);
    expect(claims.idp).toBe(upstream.issuer);
    const info = await client.userinfo(first.tokens!.access_token!);
    expect(info).toMatchObject({ email: 'aliya@acme.kz', email_verified: true, given_name: 'aliya', family_name: 'Employee', org_id: org.id, org_roles: ['member'] });

    // The second time the stored link finds the same account; nothing new is created.
    const again = await companySignIn('aliya@acme.kz');
    expect(again.tokens!.claims().sub).toBe(claims.sub);
    expect((await users('aliya@')).length).toBe(1);
  });

  it('routes a work address typed into the ordinary password or e-mail code form to the company IdP, when the client allows federated', async () => {
    const both = await platform.admin.createClient({
      client_name: 'Both', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], scope: 'openid profile email organization',
      first_party: true, allowed_login_methods: ['password', 'email_otp', 'federated'],
    });
    const rp = new (await Issuer.discover(platform.base)).Client({ client_id: both.client_id, client_secret: both.client_secret, redirect_uris: [REDIRECT] });
    const start = async (via: BaseClient) => {
      const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
      const browser = new Browserless(platform.base);
      const login = await browser.follow(via.authorizationUrl({ scope: 'openid email organization', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' }));
      return { browser, login, checks };
    };
    const finish = async (via: BaseClient, browser: Browserless, first: PageResponse, checks: Record<string, string>) => {
      let page = first;
      for (let hops = 0; page.location && !page.location.startsWith(REDIRECT) && hops < 20; hops++) page = await browser.request(page.location);
      return via.callback(REDIRECT, via.callbackParams(page.location!), checks);
    };

    // The password form: no password is asked for, the browser goes to the upstream with the address as login_hint.
    const viaPassword = await start(rp);
    expect(viaPassword.login.body).not.toMatch(/id="password"[^>]*required/);
    expect(viaPassword.login.body).toContain('continue without a password');
    const diverted = await viaPassword.browser.submit(viaPassword.login, '/login', { username: ' aliya@acme.kz', password: '' });
    expect(diverted.status).toBe(303);
    const upstreamUrl = new URL(diverted.location!);
    expect(upstreamUrl.origin).toBe(upstream.issuer);
    expect(upstreamUrl.searchParams.get('login_hint')).toBe('aliya@acme.kz');
    expect(upstreamUrl.searchParams.get('code_challenge_method')).toBe('S256');
    const tokens = await finish(rp, viaPassword.browser, diverted, viaPassword.checks);
    expect(tokens.claims()).toMatchObject({ amr: ['fed'], idp: upstream.issuer });
    expect(await rp.userinfo(tokens.access_token!)).toMatchObject({ email: 'aliya@acme.kz', org_id: org.id });

    // The e-mail code form: no code is sent, the browser goes to the upstream.
    const viaCode = await start(rp);
    const outboxBefore = (await platform.admin.call('GET', '/dev/outbox?to=aliya@acme.kz')).json?.length ?? 0;
    const codeDiverted = await viaCode.browser.submit(viaCode.login, '/otp/email', { email: 'aliya@acme.kz' });
    expect(new URL(codeDiverted.location!).origin).toBe(upstream.issuer);
    expect((await finish(rp, viaCode.browser, codeDiverted, viaCode.checks)).claims()).toMatchObject({ amr: ['fed'], idp: upstream.issuer });
    expect((await platform.admin.call('GET', '/dev/outbox?to=aliya@acme.kz')).json?.length ?? 0).toBe(outboxBefore);

    // An address on a domain that does not route is checked as usual, whether or not an account has it.
    const other = await start(rp);
    const wrong = await other.browser.submit(other.login, '/login', { username: 'nobody@elsewhere.kz', password: 'x' });
    expect(wrong.status).toBe(401);
    expect(wrong.location).toBeUndefined();

    // A client that does not allow federated sign-in never diverts: the password is checked.
    const pwdOnly = await platform.admin.createClient({
      client_name: 'Password only', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], scope: 'openid profile email organization', first_party: true, allowed_login_methods: ['password'],
    });
    const plainRp = new (await Issuer.discover(platform.base)).Client({ client_id: pwdOnly.client_id, client_secret: pwdOnly.client_secret, redirect_uris: [REDIRECT] });
    const noRouting = await start(plainRp);
    expect(noRouting.login.body).toMatch(/id="password"[^>]*required/);
    expect(noRouting.login.body).not.toContain('id="company-hint"');
    const refused = await noRouting.browser.submit(noRouting.login, '/login', { username: 'aliya@acme.kz', password: 'x' });
    expect(refused.status).toBe(401);
  });

  it('links an existing account with the same address only after its owner signs in to it', async () => {
    const bolat = await platform.admin.createUser({ login: 'bolat', password: 'bolat-password-1', email: 'bolat@acme.kz' });
    const start = await companySignIn('bolat@acme.kz');
    expect(start.tokens).toBeUndefined();
    expect(start.page.status).toBe(200);
    expect(start.page.body).toContain('An account with the address bolat@acme.kz already exists.');

    const wrong = await start.browser.submit(start.page, '/federated/link', { username: 'bolat', password: 'not-his-password' });
    expect(wrong.status).toBe(401);
    // Another account's correct password does not link either.
    const foreign = await start.browser.submit(wrong, '/federated/link', { username: 'dana', password: 'dana-password-1' });
    expect(foreign.status).toBe(401);
    expect((await users('bolat')).length).toBe(1);

    const linked = await start.browser.submit(foreign, '/federated/link', { username: 'bolat', password: 'bolat-password-1' });
    expect(linked.location).toContain('code=');
    const next = await companySignIn('bolat@acme.kz');
    expect(next.tokens!.claims()).toMatchObject({ sub: bolat.id, amr: ['fed'], idp: upstream.issuer });
  });

  it('links an existing account without a password after a one-time code to its verified e-mail or phone', async () => {
    // An account made by an e-mail code sign-in at a client without company sign-in: it has no password.
    const codesOnly = await platform.admin.createClient({
      client_name: 'Codes', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], scope: 'openid email', first_party: true, allowed_login_methods: ['email_otp'],
    });
    const codesRp = new (await Issuer.discover(platform.base)).Client({ client_id: codesOnly.client_id, client_secret: codesOnly.client_secret, redirect_uris: [REDIRECT] });
    const otpBrowser = new Browserless(platform.base);
    const otpLogin = await otpBrowser.follow(codesRp.authorizationUrl({ scope: 'openid email', state: 'state-12345', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }));
    const otpPage = await otpBrowser.follow(new URL(`${new URL(otpLogin.url).pathname}/otp/email`, platform.base).toString(), { form: { csrf: /name="csrf" value="([^"]+)"/.exec(otpLogin.body)![1], email: 'gulnar@acme.kz' } });
    const firstCode = (await platform.admin.call('GET', '/dev/outbox?to=gulnar@acme.kz')).json[0].code as string;
    const afterCode = await otpBrowser.submit(otpPage, '/otp/verify', { code: firstCode });
    expect(afterCode.status === 303 || afterCode.body.includes('given_name')).toBe(true);
    const gulnar = { json: (await users('gulnar@'))[0] };
    expect(gulnar.json).toBeDefined();
    const start = await companySignIn('gulnar@acme.kz');
    expect(start.tokens).toBeUndefined();
    expect(start.page.body).toContain('Send a code to gulnar@acme.kz');
    expect(start.page.body).not.toContain('Send a code by SMS');

    // Only the account's own verified identifiers: another channel value is refused and sends nothing.
    const forged = await start.browser.submit(start.page, '/federated/link/code', { channel: 'fax' });
    expect(forged.status).toBe(400);
    // Asking for the code before any was sent is refused too.
    const early = await start.browser.request(`${new URL(start.page.url).pathname}/verify`, { form: { csrf: /name="csrf" value="([^"]+)"/.exec(start.page.body)![1], code: '000000' } });
    expect(early.status).toBe(400);
    expect(early.body).toContain('The code is wrong or has expired.');

    const sent = await start.browser.submit(start.page, '/federated/link/code', { channel: 'email' });
    expect(sent.status).toBe(200);
    expect(sent.body).toContain('We sent a code to gulnar@acme.kz.');
    expect(sent.body).toContain('autocomplete="one-time-code"');
    const code = (await platform.admin.call('GET', '/dev/outbox?to=gulnar@acme.kz')).json[0].code as string;
    const wrong = await start.browser.submit(sent, '/federated/link/verify', { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('The code is wrong or has expired.');
    expect((await platform.admin.call('GET', `/admin/organizations/${org.id}`)).json.members.map((m: { sub: string }) => m.sub)).not.toContain(gulnar.json.id);

    const linked = await start.browser.submit(wrong, '/federated/link/verify', { code });
    expect(linked.location).toContain('code=');
    const next = await companySignIn('gulnar@acme.kz');
    expect(next.tokens!.claims()).toMatchObject({ sub: gulnar.json.id, amr: ['fed'], idp: upstream.issuer });

    // By SMS, the same for another account; a used code does not work twice.
    const nurlan = await platform.admin.createUser({ login: 'nurlan', password: 'nurlan-password-1', email: 'nurlan@acme.kz', phone: '+77017770022' });
    const viaSms = await companySignIn('nurlan@acme.kz');
    expect(viaSms.page.body).toContain('Send a code by SMS to +7');
    expect(viaSms.page.body).not.toContain('+77017770022');
    const smsSent = await viaSms.browser.submit(viaSms.page, '/federated/link/code', { channel: 'sms' });
    expect(smsSent.status).toBe(200);
    const smsCode = (await platform.admin.call('GET', `/dev/outbox?to=${encodeURIComponent('+77017770022')}`)).json[0].code as string;
    const smsLinked = await viaSms.browser.submit(smsSent, '/federated/link/verify', { code: smsCode });
    expect(smsLinked.location).toContain('code=');
    expect((await companySignIn('nurlan@acme.kz')).tokens!.claims().sub).toBe(nurlan.id);
  });

  it('shows a clear page and creates nothing when the upstream refuses or sends an id_token that does not verify', async () => {
    const blocked = await companySignIn('blocked.user@acme.kz');
    expect(blocked.page.status).toBe(502);
    expect(blocked.page.body).toContain('This employee may not use company sign-in');
    expect(await users('blocked')).toEqual([]);

    badOrg = (await platform.admin.call('POST', '/admin/organizations', { name: 'Forged' })).json;
    const domain = (await platform.admin.call('POST', `/admin/organizations/${badOrg.id}/domains`, { domain: 'forged.kz' })).json;
    dns['forged.kz'] = [`idp-verification=${domain.verification_token}`];
    expect((await platform.admin.call('POST', `/admin/organizations/${badOrg.id}/domains/forged.kz/verify`)).status).toBe(200);
    await platform.admin.call('POST', `/admin/organizations/${badOrg.id}/upstream-providers`, {
      discovery_url: `${upstream.issuer}/bad/.well-known/openid-configuration`, client_id: upstream.clientId, client_secret: upstream.clientSecret,
    });
    const forged = await companySignIn('mallory@forged.kz');
    expect(forged.page.status).toBe(502);
    expect(forged.page.body).toContain('sent an answer we cannot trust');
    expect(await users('mallory')).toEqual([]);
    expect((await platform.admin.call('GET', `/admin/organizations/${badOrg.id}`)).json.members).toEqual([]);

    // A replayed callback (same state), a made-up state or none find nothing; a form without its CSRF token is refused.
    const replay = await blocked.browser.request(blocked.page.url);
    expect(replay.status).toBe(400);
    expect((await blocked.browser.request(`${platform.base}/interaction/federated/callback?state=made-up&code=x`)).status).toBe(400);
    expect((await blocked.browser.request(`${platform.base}/interaction/federated/callback`)).status).toBe(400);
    const fresh = new Browserless(platform.base);
    const login = await fresh.follow(client.authorizationUrl({ scope: 'openid', state: 'state-12345', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }));
    expect((await fresh.request(`${new URL(login.url).pathname}/federated`, { form: { email: 'aliya@acme.kz' } })).status).toBe(403);
  });

  it('refuses members-only and admins-only clients to others with access_denied', async () => {
    const only = await platform.admin.createClient({
      client_name: 'Acme intranet', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], scope: 'openid profile email organization',
      first_party: true, allowed_login_methods: ['password', 'federated'], allowed_organizations: [org.id],
    });
    const intranet = new (await Issuer.discover(platform.base)).Client({ client_id: only.client_id, client_secret: only.client_secret, redirect_uris: [REDIRECT] });
    expect((await platform.admin.call('POST', '/admin/clients', { client_name: 'x', redirect_uris: [REDIRECT], allowed_organizations: ['acme'] })).json.fields).toHaveProperty('allowed_organizations');

    await platform.admin.createUser({ login: 'stranger', password: 'stranger-password-1' });
    const checks = { state: generators.state(), code_verifier: generators.codeVerifier() };
    const url = intranet.authorizationUrl({ scope: 'openid', state: checks.state, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    const refused = await signInThroughPages(new Browserless(platform.base), url, { login: 'stranger', password: 'stranger-password-1' });
    const params = new URL(refused.location!).searchParams;
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('error_description')).toBe('the client is only for members of its organizations');

    expect((await companySignIn('aliya@acme.kz', intranet)).tokens).toBeDefined();

    await platform.admin.call('PATCH', `/admin/clients/${only.client_id}`, { admins_only: true });
    const member = await companySignIn('aliya@acme.kz', intranet);
    expect(new URL(member.page.location!).searchParams.get('error_description')).toBe('the client is only for organization administrators');
    const dana = await signInThroughPages(new Browserless(platform.base), intranet.authorizationUrl({ scope: 'openid', state: checks.state, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' }), { login: 'dana', password: 'dana-password-1' });
    expect(dana.location).toContain('code=');
  });

  it('signs in through a plain OAuth 2.0 provider (authorize, token and userinfo URLs) with a claim mapping', async () => {
    const plain = (await platform.admin.call('POST', '/admin/organizations', { name: 'Plain' })).json;
    const domain = (await platform.admin.call('POST', `/admin/organizations/${plain.id}/domains`, { domain: 'plain.kz' })).json;
    dns['plain.kz'] = [`idp-verification=${domain.verification_token}`];
    await platform.admin.call('POST', `/admin/organizations/${plain.id}/domains/plain.kz/verify`);
    const incomplete = await platform.admin.call('POST', `/admin/organizations/${plain.id}/upstream-providers`, { kind: 'oauth2', client_id: 'x', client_secret: 'y', authorization_endpoint: 'ftp://x' });
    expect(incomplete.status).toBe(400);
    expect(Object.keys(incomplete.json.fields).sort()).toEqual(['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint']);
    const added = await platform.admin.call('POST', `/admin/organizations/${plain.id}/upstream-providers`, {
      kind: 'oauth2', client_id: upstream.clientId, client_secret: upstream.clientSecret, scopes: ['openid', 'email', 'profile'],
      authorization_endpoint: `${upstream.issuer}/auth`, token_endpoint: `${upstream.issuer}/token`, userinfo_endpoint: `${upstream.issuer}/me`,
      claim_mapping: { sub: 'email', given_name: 'family_name', family_name: 'given_name' },
    });
    expect(added.status).toBe(201);
    const out = await companySignIn('saule@plain.kz');
    expect(out.tokens!.claims()).toMatchObject({ amr: ['fed'], idp: `${upstream.issuer}/auth` });
    expect(await client.userinfo(out.tokens!.access_token!)).toMatchObject({ email: 'saule@plain.kz', given_name: 'Employee', family_name: 'saule', org_id: plain.id });
  });

  it('ending our session also ends the upstream one (its end_session_endpoint), then returns to the client', async () => {
    const logoutClient = await platform.admin.createClient({
      client_name: 'Logout', redirect_uris: [REDIRECT], post_logout_redirect_uris: ['https://rp.example/bye'], grant_types: ['authorization_code'],
      scope: 'openid profile email organization', first_party: true, allowed_login_methods: ['federated'],
    });
    const rp = new (await Issuer.discover(platform.base)).Client({ client_id: logoutClient.client_id, client_secret: logoutClient.client_secret, redirect_uris: [REDIRECT] });
    const { tokens, browser } = await companySignIn('aliya@acme.kz', rp);
    const out = await browser.request(`${platform.base}/connect/endsession?id_token_hint=${tokens!.id_token}&post_logout_redirect_uri=${encodeURIComponent('https://rp.example/bye')}&state=bye-state-1`);
    expect(out.status).toBe(303);
    const atUpstream = new URL(out.location!);
    expect(atUpstream.origin + atUpstream.pathname).toBe(`${upstream.issuer}/session/end`);
    expect(atUpstream.searchParams.get('client_id')).toBe(upstream.clientId);
    expect(atUpstream.searchParams.get('post_logout_redirect_uri')).toBe(`${platform.base}/interaction/federated/logged-out`);

    // The upstream asks its user to confirm, then sends the browser back to us, and we on to the client.
    const confirm = await browser.request(out.location!);
    let page = await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' });
    for (let hops = 0; page.location && !page.location.startsWith('https://rp.example') && hops < 5; hops++) page = await browser.request(page.location);
    expect(page.location).toBe('https://rp.example/bye?state=bye-state-1');

    // Our session is gone, and a forged way back is not followed.
    const silent = await browser.request(rp.authorizationUrl({ scope: 'openid', prompt: 'none', state: 'state-12345', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }));
    expect(new URL(silent.location!).searchParams.get('error')).toBe('login_required');
    const forged = await browser.request(`${platform.base}/interaction/federated/logged-out?state=${Buffer.from(JSON.stringify({ u: 'https://evil.example', exp: 9e9 })).toString('base64url')}.AAAA`);
    expect(forged.status).toBe(200);
    expect(forged.location).toBeUndefined();
  });

  it('a client that requires a second factor gets it after the company sign-in, and the ID token still names the upstream', async () => {
    const strict = await platform.admin.createClient({
      client_name: 'Bank', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], scope: 'openid profile email organization',
      first_party: true, allowed_login_methods: ['federated'], require_2fa: true,
    });
    const bank = new (await Issuer.discover(platform.base)).Client({ client_id: strict.client_id, client_secret: strict.client_secret, redirect_uris: [REDIRECT] });
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const browser = new Browserless(platform.base);
    const login = await browser.follow(bank.authorizationUrl({ scope: 'openid email', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' }));
    let page = await browser.request(`${new URL(login.url).pathname}/federated`, { form: { csrf: /name="csrf" value="([^"]+)"/.exec(login.body)![1], email: 'timur@acme.kz' } });
    for (let hops = 0; page.location && hops < 20; hops++) page = await browser.request(page.location);
    expect(page.url).toMatch(/\/second-factor$/);
    const secret = /data-secret="([A-Z2-7]+)"/.exec(page.body)![1];
    const enrolled = await browser.submit(page, '/second-factor/enrol', { code: totpCode(secret, new Date()) });
    const out = await browser.submit(enrolled, '/second-factor/continue', {});
    const tokens = await bank.callback(REDIRECT, bank.callbackParams(out.location!), checks);
    expect(tokens.claims().amr).toEqual(expect.arrayContaining(['fed', 'mfa']));
    expect(tokens.claims().idp).toBe(upstream.issuer);
  });

  it('updates an upstream provider with the checks of a new one, never showing the secret; removing it forgets its links and stops the routing', async () => {
    const list = (await platform.admin.call('GET', `/admin/organizations/${org.id}`)).json.upstream_providers;
    const provider = list[0];
    const path = `/admin/organizations/${org.id}/upstream-providers/${provider.id}`;
    const badScopes = await platform.admin.call('PATCH', path, { scopes: 'openid email' });
    expect(badScopes.status).toBe(400);
    expect(badScopes.json).toMatchObject({ error: 'invalid_request', fields: { scopes: 'must be an array of scope names' } });
    const badKind = await platform.admin.call('PATCH', path, { kind: 'oauth2' });
    expect(Object.keys(badKind.json.fields).sort()).toEqual(['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint']);
    expect((await platform.admin.call('PATCH', path, { discovery_url: 'http://127.0.0.1:1/nothing' })).json.fields).toHaveProperty('discovery_url');
    expect((await platform.admin.call('PATCH', path, { client_secret: '' })).json.fields).toHaveProperty('client_secret');
    expect((await platform.admin.call('PATCH', `/admin/organizations/${org.id}/upstream-providers/00000000-0000-4000-8000-000000000000`, { name: 'x' })).status).toBe(404);
    expect((await platform.admin.call('PATCH', `/admin/organizations/${badOrg.id}/upstream-providers/${provider.id}`, { name: 'x' })).status).toBe(404);

    const renamed = await platform.admin.call('PATCH', path, { name: 'Acme Workforce', client_secret: upstream.clientSecret });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ id: provider.id, name: 'Acme Workforce', issuer: upstream.issuer, client_id: upstream.clientId, scopes: ['openid', 'email', 'profile'] });
    expect(JSON.stringify(renamed.json)).not.toContain(upstream.clientSecret);
    // A wrong secret stored by an update is used: the upstream refuses our token request.
    await platform.admin.call('PATCH', path, { client_secret: 'not-the-secret' });
    expect((await companySignIn('aliya@acme.kz')).page.status).toBe(502);
    await platform.admin.call('PATCH', path, { client_secret: upstream.clientSecret });
    const aliya = (await companySignIn('aliya@acme.kz')).tokens!.claims().sub;

    expect((await platform.admin.call('DELETE', path)).status).toBe(204);
    expect((await platform.admin.call('DELETE', path)).status).toBe(404);
    expect((await companySignIn('aliya@acme.kz')).page.status).toBe(400);
    // A new provider does not inherit the old links: the account with the address must be proven again.
    await platform.admin.call('POST', `/admin/organizations/${org.id}/upstream-providers`, {
      discovery_url: `${upstream.issuer}/.well-known/openid-configuration`, client_id: upstream.clientId, client_secret: upstream.clientSecret,
    });
    const relink = await companySignIn('aliya@acme.kz');
    expect(relink.tokens).toBeUndefined();
    expect(relink.page.body).toContain('An account with the address aliya@acme.kz already exists.');
    expect((await users('aliya@'))[0].id).toBe(aliya);

    // Deleting an organisation removes its providers and its domains: its addresses route nowhere.
    expect((await platform.admin.call('DELETE', `/admin/organizations/${badOrg.id}`)).status).toBe(204);
    expect((await platform.admin.call('GET', `/admin/organizations/${badOrg.id}`)).status).toBe(404);
    expect((await companySignIn('mallory@forged.kz')).page.status).toBe(400);
    expect((await platform.admin.call('POST', `/admin/organizations/${org.id}/domains`, { domain: 'forged.kz' })).status).toBe(201);
  });

  it('announces organisation changes as domain events and keeps them in the audit trail of the people concerned', async () => {
    const of = (type: string) => events.filter((e) => e.type === type).map((e) => e.data as Record<string, unknown>);
    expect(of('organization.created')).toEqual(expect.arrayContaining([expect.objectContaining({ organization_id: org.id, name: 'Acme' })]));
    expect(of('organization.updated')).toEqual(expect.arrayContaining([expect.objectContaining({ organization_id: org.id, name: 'Acme LLP' })]));
    expect(of('organization.member_added').map((d) => d.via)).toEqual(expect.arrayContaining(['admin', 'invitation', 'federated']));
    expect(of('organization.invitation_created')).toEqual(expect.arrayContaining([expect.objectContaining({ organization_id: org.id, role: 'admin', channel: 'email' })]));
    expect(of('organization.domain_claimed')).toEqual(expect.arrayContaining([{ organization_id: org.id, domain: 'acme.kz' }]));
    expect(of('organization.domain_verified')).toEqual(expect.arrayContaining([{ organization_id: org.id, domain: 'acme.kz', method: 'dns' }]));
    expect(of('organization.provider_changed').map((d) => d.change)).toEqual(expect.arrayContaining(['added', 'updated', 'removed']));
    expect(of('organization.provider_changed').find((d) => d.change === 'removed' && d.organization_id === org.id)).toMatchObject({ unlinked: 5 }); // aliya, bolat, gulnar, nurlan and timur
    expect(of('organization.deleted')).toEqual([{ organization_id: badOrg.id }]);
    expect(JSON.stringify(events)).not.toContain(upstream.clientSecret);

    const erlan = (await users('erlan'))[0];
    const trail = (await platform.admin.call('GET', `/admin/users/${erlan.id}/audit`)).json as Array<{ type: string; data: Record<string, unknown> }>;
    expect(trail).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'organization.member_added', data: expect.objectContaining({ organization_id: org.id, role: 'admin', via: 'invitation' }) })]));
  });

  it('never logs the upstream client secret, codes or tokens', () => {
    const all = logged.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(upstream.clientSecret);
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}/);
  });
});
