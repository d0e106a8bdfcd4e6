import { Browserless, basic, postForm } from '@idp/testing';
import { Topology } from './topology';

const REDIRECT = 'https://rp.example/cb';

describe('distributed mode: concurrency and faults', () => {
  const topology = new Topology({}, { privateNats: true });
  let client: { client_id: string; client_secret: string };
  let auth: Record<string, string>;

  beforeAll(async () => {
    await Topology.resetDatabase();
    await topology.start();
    await topology.admin.createResource({ name: 'Extern API', audience: 'https://api.example/extern', scopes: ['extern.api'] });
    client = await topology.admin.createClient({
      client_name: 'Backend',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      scope: 'openid offline_access extern.api',
      first_party: true,
    });
    auth = { Authorization: basic(client.client_id, client.client_secret) };
    await topology.admin.createUser({ login: 'ruslan', password: 'ruslan-password-1' });
  });

  afterAll(() => topology.stopAll());

  /** A fresh authorization code for ruslan, through the real pages. */
  async function code(): Promise<string> {
    const browser = new Browserless(topology.authA);
    let page = await browser.follow(`/connect/authorize?${new URLSearchParams({ client_id: client.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid offline_access', state: 'state-12345' })}`);
    page = await browser.submit(page, '/login', { username: 'ruslan', password: 'ruslan-password-1' });
    // offline_access needs the user's consent once, even for a first-party client.
    if (page.body.includes('/consent"')) page = await browser.submit(page, '/consent', {}, 'allow');
    return new URL(page.location!).searchParams.get('code')!;
  }

  const redeem = (base: string, value: string) => postForm(`${base}/connect/token`, { grant_type: 'authorization_code', code: value, redirect_uri: REDIRECT }, auth);

  it('50 parallel redemptions of one code on two instances: exactly one succeeds, and the grant is revoked', async () => {
    const value = await code();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => redeem(i % 2 ? topology.authA : topology.authB, value)));
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 400).every((r) => r.json.error === 'invalid_grant')).toBe(true);
    const refresh = await postForm(`${topology.authA}/connect/token`, { grant_type: 'refresh_token', refresh_token: winners[0].json.refresh_token }, auth);
    expect(refresh.json.error).toBe('invalid_grant');
  });

  it('parallel use of one refresh token: exactly one success', async () => {
    const first = await redeem(topology.authA, await code());
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => postForm(`${i % 2 ? topology.authA : topology.authB}/connect/token`, { grant_type: 'refresh_token', refresh_token: first.json.refresh_token }, auth)),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('never issues the same jti twice across instances', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => postForm(`${i % 2 ? topology.authA : topology.authB}/connect/token`, { grant_type: 'client_credentials', scope: 'extern.api' }, auth)),
    );
    const jtis = results.map((r) => JSON.parse(Buffer.from(r.json.access_token.split('.')[1], 'base64url').toString()).jti);
    expect(new Set(jtis).size).toBe(40);
  });

  it('with NATS down, client_credentials and refresh keep working and flows that need accounts answer 503 fast; all recovers when NATS is back', async () => {
    const tokens = await redeem(topology.authA, await code());
    await topology.stopNats();

    const cc = await postForm(`${topology.authB}/connect/token`, { grant_type: 'client_credentials', scope: 'extern.api' }, auth);
    expect(cc.status).toBe(200);
    const refreshed = await postForm(`${topology.authA}/connect/token`, { grant_type: 'refresh_token', refresh_token: tokens.json.refresh_token }, auth);
    expect(refreshed.status).toBe(200);

    const started = Date.now();
    const info = await fetch(`${topology.authA}/connect/userinfo`, { headers: { Authorization: `Bearer ${refreshed.json.access_token}` } });
    expect(info.status).toBe(503);
    expect(await info.json()).toEqual({ error: 'temporarily_unavailable', error_description: 'a service this request needs is not answering; try again shortly' });
    expect(info.headers.get('retry-after')).toBe('5');
    const outage = Date.now() - started;
    expect(outage).toBeLessThan(3000);
    expect((await fetch(`${topology.authB}/health/ready`)).status).toBe(503);

    await topology.startNats();
    const backAt = Date.now();
    let recovered = false;
    while (!recovered && Date.now() - backAt < 5000) {
      const again = await fetch(`${topology.authA}/connect/userinfo`, { headers: { Authorization: `Bearer ${refreshed.json.access_token}` } });
      recovered = again.status === 200;
      if (!recovered) await new Promise((r) => setTimeout(r, 200));
    }
    expect(recovered).toBe(true);
    // eslint-disable-next-line no-console
    console.log(`NATS outage: userinfo answered 503 in ${outage} ms; recovered ${Date.now() - backAt} ms after NATS returned`);
    await topology.waitReady(topology.authB, 5000);
  });
});
