import { DomainEvent } from '@idp/contracts';
import { EventPublisher, InProcessEventPublisher } from '@idp/bus';
import { Browserless } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';

describe('domain events in the embedded mode', () => {
  let platform: EmbeddedPlatform;
  const seen: DomainEvent[] = [];

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    (platform.app.get(EventPublisher) as InProcessEventPublisher).emitter.on('event', (e: DomainEvent) => seen.push(e));
  });
  afterAll(() => platform.close());

  it('tells of registrations, sign-ins, failed sign-ins, consents, locks and ended sessions', async () => {
    const client = await platform.admin.createClient({ client_name: 'Web', redirect_uris: ['https://rp.example/cb'], scope: 'openid profile' });
    const user = await platform.admin.createUser({ login: 'erbol', password: 'erbol-password-1' });
    const url = `/connect/authorize?${new URLSearchParams({ client_id: client.client_id, redirect_uri: 'https://rp.example/cb', response_type: 'code', scope: 'openid profile', state: 'state-12345' })}`;
    const browser = new Browserless(platform.base);
    const page = await browser.follow(url);
    await browser.submit(page, '/login', { username: 'erbol', password: 'wrong-password' });
    await signInThroughPages(browser, url, { login: 'erbol', password: 'erbol-password-1' });
    await platform.admin.call('DELETE', `/admin/users/${user.id}/consents/${client.client_id}`);
    await platform.admin.call('PATCH', `/admin/users/${user.id}`, { locked: true });

    const types = seen.map((e) => e.type);
    expect(types).toEqual(['user.registered', 'user.login_failed', 'user.login_succeeded', 'consent.granted', 'consent.revoked', 'user.locked', 'session.ended']);
    expect(seen[0]).toMatchObject({ type: 'user.registered', data: { sub: user.id, method: 'admin' } });
    expect(seen[2].data).toEqual({ sub: user.id, client_id: client.client_id, amr: ['pwd'] });
    expect(seen[1].data).toEqual({ client_id: client.client_id, reason: 'invalid_credentials' });
    for (const e of seen) {
      expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(e.at).getTime()).toBeGreaterThan(0);
      expect(JSON.stringify(e)).not.toContain('erbol-password-1');
    }
  });
});
