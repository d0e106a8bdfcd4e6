import { Browser } from 'playwright-core';
import { BaseClient, Issuer, generators } from 'openid-client';
import { StringCodec, connect } from 'nats';
import { EVENT_STREAM, EVENT_SUBJECT_PREFIX } from '@idp/contracts';
import { startTxtServer } from '../support/dns-txt-server';
import { UpstreamIdp, startUpstreamIdp } from '../support/upstream-idp';
import { launchChromium } from './browser';
import { startRelyingParty } from './relying-party';
import { NATS_URL, Topology } from './topology';

describe('distributed mode: a work e-mail routes to the company IdP in Chromium, and the account is created just in time', () => {
  const records: Record<string, string[]> = {};
  let dns: Awaited<ReturnType<typeof startTxtServer>>;
  let topology: Topology;
  let upstream: UpstreamIdp;
  let browser: Browser;
  let rp: Awaited<ReturnType<typeof startRelyingParty>>;
  let portal: BaseClient;
  let orgId: string;

  beforeAll(async () => {
    await Topology.resetDatabase();
    dns = await startTxtServer(records);
    topology = new Topology({ DNS_SERVERS: dns.address });
    browser = await launchChromium();
    rp = await startRelyingParty();
    await topology.start();
    upstream = await startUpstreamIdp(`${topology.authA}/interaction/federated/callback`);
  });

  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await upstream?.stop();
    await topology?.stopAll();
    await dns?.close();
  });

  it('verifies the domain over DNS, sends the e-mail to the upstream and comes back signed in, in the organisation', async () => {
    const admin = topology.admin;
    const org = (await admin.call('POST', '/admin/organizations', { name: 'Acme' })).json;
    const claimed = (await admin.call('POST', `/admin/organizations/${org.id}/domains`, { domain: 'acme.kz' })).json;
    expect((await admin.call('POST', `/admin/organizations/${org.id}/domains/acme.kz/verify`)).status).toBe(400);
    records['acme.kz'] = [claimed.dns_txt_record];
    expect((await admin.call('POST', `/admin/organizations/${org.id}/domains/acme.kz/verify`)).json).toMatchObject({ verified: true, method: 'dns' });
    const provider = await admin.call('POST', `/admin/organizations/${org.id}/upstream-providers`, {
      name: 'Acme SSO', discovery_url: `${upstream.issuer}/.well-known/openid-configuration`, client_id: upstream.clientId, client_secret: upstream.clientSecret,
    });
    expect(provider.status).toBe(201);
    const registered = await admin.createClient({
      client_name: 'Portal', redirect_uris: [rp.redirectUri], grant_types: ['authorization_code'], scope: 'openid profile email organization',
      first_party: true, allowed_login_methods: ['password', 'federated'],
    });
    const client = new (await Issuer.discover(topology.authA)).Client({ client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [rp.redirectUri] });
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = client.authorizationUrl({ scope: 'openid profile email organization', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256', ui_locales: 'en' });

    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(url);
    await page.fill('#work-email', 'aliya@acme.kz');
    await page.getByRole('button', { name: 'Continue with company sign-in' }).click();
    await page.waitForURL((u) => u.toString().startsWith(rp.redirectUri), { timeout: 20000 });
    const tokens = await client.callback(rp.redirectUri, client.callbackParams(page.url()), checks);
    await context.close();

    expect(tokens.claims()).toMatchObject({ amr: ['fed'], idp: upstream.issuer });
    const info = await client.userinfo(tokens.access_token!);
    expect(info).toMatchObject({ email: 'aliya@acme.kz', email_verified: true, org_id: org.id, org_roles: ['member'] });
    const members = (await admin.call('GET', `/admin/organizations/${org.id}`)).json.members;
    expect(members).toEqual([expect.objectContaining({ sub: info.sub, role: 'member' })]);
    for (const name of ['auth-a', 'auth-b', 'accounts']) expect(topology.log(name)).not.toContain(upstream.clientSecret);
    portal = client;
    orgId = org.id;
  });

  it('routes a work address typed into the ordinary login form to the company IdP and back, signed in', async () => {
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = portal.authorizationUrl({ scope: 'openid profile email organization', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256', ui_locales: 'en' });
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const visited: string[] = [];
    page.on('request', (r) => r.isNavigationRequest() && visited.push(r.url()));
    await page.goto(url);
    await page.fill('#username', 'someone@acme.kz');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((u) => u.toString().startsWith(rp.redirectUri), { timeout: 20000 });
    const tokens = await portal.callback(rp.redirectUri, portal.callbackParams(page.url()), checks);
    await context.close();

    expect(visited.some((u) => u.startsWith(upstream.issuer))).toBe(true);
    expect(tokens.claims()).toMatchObject({ idp: upstream.issuer });
    expect(tokens.claims().amr).toContain('fed');
    expect(await portal.userinfo(tokens.access_token!)).toMatchObject({ email: 'someone@acme.kz', email_verified: true });
    for (const name of ['auth-a', 'auth-b', 'accounts']) expect(topology.log(name)).not.toContain(upstream.clientSecret);
  });

  it('publishes the organisation events on JetStream (stream IDP_EVENTS), from the accounts and the auth services', async () => {
    const nc = await connect({ servers: NATS_URL });
    try {
      const jsm = await nc.jetstreamManager();
      const codec = StringCodec();
      const last = async (type: string) => {
        for (let i = 0; i < 30; i++) {
          const msg = await jsm.streams.getMessage(EVENT_STREAM, { last_by_subj: EVENT_SUBJECT_PREFIX + type }).catch(() => null);
          const event = msg ? JSON.parse(codec.decode(msg.data)) : null;
          if (event?.data.organization_id === orgId) return event;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`no ${type} event for ${orgId}`);
      };
      expect(await last('organization.created')).toMatchObject({ type: 'organization.created', data: { organization_id: orgId, name: 'Acme' } });
      expect(await last('organization.domain_verified')).toMatchObject({ data: { organization_id: orgId, domain: 'acme.kz', method: 'dns' } });
      expect(await last('organization.provider_changed')).toMatchObject({ data: { organization_id: orgId, change: 'added' } });
      expect((await last('organization.member_added')).data).toMatchObject({ organization_id: orgId, role: 'member', via: 'federated' });
    } finally {
      await nc.close();
    }
  });
});
