import { BaseClient, Issuer, generators } from 'openid-client';
import { Browserless, basic, postForm } from '@idp/testing';
import { signInThroughPages } from '../embedded/flows';
import { Topology } from './topology';

const REDIRECT = 'https://rp.example/cb';

describe('distributed mode: a consent revoked through instance A holds on instance B at once', () => {
  const topology = new Topology();
  let registered: { client_id: string; client_secret: string };
  let userId: string;
  let clientA: BaseClient;
  let clientB: BaseClient;

  beforeAll(async () => {
    await Topology.resetDatabase();
    await topology.start();
    registered = await topology.admin.createClient({
      client_name: 'Bookshop',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile offline_access',
    });
    userId = (await topology.admin.createUser({ login: 'aigerim', password: 'aigerim-password-1', given_name: 'Aigerim' })).id;
    const issuer = await Issuer.discover(topology.authA);
    const meta = { client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [REDIRECT], response_types: ['code'] };
    clientA = new issuer.Client(meta);
    const viaB = new Issuer({ ...issuer.metadata, token_endpoint: `${topology.authB}/connect/token`, userinfo_endpoint: `${topology.authB}/connect/userinfo` });
    clientB = new viaB.Client(meta);
  });

  afterAll(() => topology.stopAll());

  it('revokes on A; B refuses the access token and the refresh token, and A asks for consent again', async () => {
    const browser = new Browserless(topology.authA);
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const start = () => clientA.authorizationUrl({ scope: 'openid profile offline_access', state: checks.state, nonce: checks.nonce, code_challenge: generators.codeChallenge(checks.code_verifier), code_challenge_method: 'S256' });
    const out = await signInThroughPages(browser, start(), { login: 'aigerim', password: 'aigerim-password-1' });
    const tokens = await clientA.callback(REDIRECT, clientA.callbackParams(out.location!), checks);
    const introspectB = (token: string) => postForm(`${topology.authB}/connect/introspect`, { token }, { Authorization: basic(registered.client_id, registered.client_secret) });
    expect((await introspectB(tokens.access_token!)).json).toMatchObject({ active: true });

    const revoked = await fetch(`${topology.authA}/admin/users/${userId}/consents/${registered.client_id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${topology.adminToken}` } });
    expect(revoked.status).toBe(204);

    expect((await introspectB(tokens.access_token!)).json).toEqual({ active: false });
    expect((await introspectB(tokens.refresh_token!)).json).toEqual({ active: false });
    const info = await fetch(`${topology.authB}/connect/userinfo`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(info.status).toBe(401);
    await expect(clientB.refresh(tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const listed = await fetch(`${topology.authB}/admin/users/${userId}/consents`, { headers: { Authorization: `Bearer ${topology.adminToken}` } });
    expect(await listed.json()).toEqual([]);

    const asked = await browser.follow(start());
    expect(asked.body).toContain('/consent"');
  });
});
