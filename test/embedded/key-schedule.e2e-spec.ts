import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

describe('the rotation schedule', () => {
  let platform: EmbeddedPlatform;

  beforeAll(async () => {
    // Every 4 s, each key published 2 s before it signs; the schedule looks every second.
    platform = await startEmbeddedPlatform({ KEY_ROTATION_INTERVAL: '4', KEY_PREPUBLISH_SECONDS: '2', KEY_RELOAD_SECONDS: '1' });
  });

  afterAll(() => platform.close());

  it('publishes the successor ahead of time, so that it activates when the interval of the current key ends', async () => {
    const [first] = (await platform.admin.call('GET', '/admin/keys')).json;
    expect(first.status).toBe('current');
    let keys: Array<{ kid: string; status: string; activated_at: string }> = [];
    const until = Date.now() + 6000;
    while (Date.now() < until) {
      keys = (await platform.admin.call('GET', '/admin/keys')).json;
      if (keys.length > 1) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(keys.map((k) => k.status)).toEqual(['next', 'current']);
    // The schedule looks once a second and always leaves the full pre-publication time, so the
    // successor starts within a second after the interval ends.
    const late = new Date(keys[0].activated_at).getTime() - (new Date(first.activated_at).getTime() + 4000);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1500);
    expect((await (await fetch(`${platform.base}/.well-known/openid-configuration/jwks`)).json()).keys.map((k: { kid: string }) => k.kid)).toEqual([keys[0].kid, first.kid]);

    await new Promise((r) => setTimeout(r, new Date(keys[0].activated_at).getTime() - Date.now() + 300));
    const after = (await platform.admin.call('GET', '/admin/keys')).json;
    expect(after.slice(-2).map((k: { kid: string; status: string }) => [k.kid, k.status])).toEqual([[keys[0].kid, 'current'], [first.kid, 'retiring']]);
  });

  it('gives an ES256 key, made when the first API asks for it, a schedule of its own', async () => {
    await platform.admin.createResource({ name: 'EC API', audience: 'https://api.example/ec', scopes: ['ec.api'], access_token_signing_alg: 'ES256' });
    type Key = { kid: string; alg: string; status: string; activated_at: string };
    const ec = async () => ((await platform.admin.call('GET', '/admin/keys')).json as Key[]).filter((k) => k.alg === 'ES256');
    const [first] = await ec();
    expect(first.status).toBe('current');
    let keys: Key[] = [];
    const until = Date.now() + 6000;
    while (Date.now() < until) {
      keys = await ec();
      if (keys.length > 1) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(keys.map((k) => k.status)).toEqual(['next', 'current']);
    const late = new Date(keys[0].activated_at).getTime() - (new Date(first.activated_at).getTime() + 4000);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1500);
    const published = (await (await fetch(`${platform.base}/.well-known/openid-configuration/jwks`)).json()).keys.map((k: { kid: string }) => k.kid);
    expect(published).toEqual(expect.arrayContaining([keys[0].kid, first.kid]));
  });
});
