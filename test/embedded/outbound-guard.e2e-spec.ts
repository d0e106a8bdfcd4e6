import { createServer, Server } from 'node:http';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Browserless, freePort } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';

describe('client-chosen URLs cannot reach loopback or private addresses (OUTBOUND_ALLOW_PRIVATE off)', () => {
  let platform: EmbeddedPlatform;
  let server: Server;
  let hits = 0;
  let base: string;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({ OUTBOUND_ALLOW_PRIVATE: 'false' });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = createServer((req, res) => {
      hits++;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('["https://a.example/cb"]');
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  });

  afterAll(async () => {
    await platform.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('refuses a sector_identifier_uri on a loopback address, and one whose name resolves to loopback', async () => {
    for (const uri of [`${base.replace('http', 'https')}/sector.json`, `https://localhost:${base.split(':')[2]}/sector.json`]) {
      const res = await platform.admin.call('POST', '/admin/clients', { client_name: 'P', redirect_uris: ['https://a.example/cb'], subject_type: 'pairwise', sector_identifier_uri: uri });
      expect(res.status).toBe(400);
      expect(res.json.fields.sector_identifier_uri).toMatch(/^could not be fetched: .*(not allowed)/);
    }
    expect(hits).toBe(0);
  });

  it('does not deliver back-channel logout tokens to a private address, and records why', async () => {
    const client = await platform.admin.createClient({ client_name: 'BC', redirect_uris: ['https://rp.example/cb'], scope: 'openid', first_party: true, backchannel_logout_uri: `${base}/logout` });
    const browser = new Browserless(platform.base);
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
    await platform.admin.createUser({ login: 'aidos', password: 'aidos-password-1' });
    await signInThroughPages(browser, `/connect/authorize?${new URLSearchParams({ client_id: client.client_id, redirect_uri: 'https://rp.example/cb', response_type: 'code', scope: 'openid', state: 'state-12345', code_challenge: challenge, code_challenge_method: 'S256' })}`, { login: 'aidos', password: 'aidos-password-1' });
    const ask = await browser.request(`/connect/endsession?client_id=${client.client_id}`);
    await browser.submit(ask, '/connect/endsession/confirm', {}, 'logout');
    const db = platform.app.get<DataSource>(getDataSourceToken('auth'));
    let row: { last_error: string | null; delivered_at: Date | null } | undefined;
    const until = Date.now() + 5000;
    while (!row?.last_error && Date.now() < until) {
      [row] = await db.query(`SELECT last_error, delivered_at FROM auth.logout_deliveries WHERE client_id = $1`, [client.client_id]);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(row!.delivered_at).toBeNull();
    expect(row!.last_error).toMatch(/not allowed/);
    expect(hits).toBe(0);
  });
});
