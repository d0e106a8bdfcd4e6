import { generators } from 'openid-client';
import { Browserless, basic, postForm } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';
import { countQueries } from './query-counter';

describe('round trips of a code exchange and of a refresh', () => {
  const REDIRECT = 'https://rp.example/cb';
  let platform: EmbeddedPlatform;
  let token: string;
  let app: { client_id: string; client_secret: string };
  const asApp = () => ({ Authorization: basic(app.client_id, app.client_secret) });

  /** A code minted through the real pages, with its PKCE verifier. */
  async function mintCode(): Promise<{ code: string; verifier: string }> {
    const verifier = generators.codeVerifier();
    const url = new URL(`${platform.base}/connect/authorize`);
    const query = { client_id: app.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid offline_access rt.api', state: generators.state(), code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256' };
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const out = await signInThroughPages(new Browserless(platform.base), url.toString(), { login: 'roundtrip', password: 'roundtrip-password-1' });
    return { code: new URL(out.location!).searchParams.get('code')!, verifier };
  }
  const exchange = (c: { code: string; verifier: string }) => postForm(token, { grant_type: 'authorization_code', code: c.code, redirect_uri: REDIRECT, code_verifier: c.verifier }, asApp());
  const refresh = (rt: string) => postForm(token, { grant_type: 'refresh_token', refresh_token: rt }, asApp());

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({ KEY_RELOAD_SECONDS: '3600' }) // no periodic key reload inside a counted window on a slow machine;
    token = `${platform.base}/connect/token`;
    await platform.admin.createResource({ name: 'RT API', audience: 'https://rt.example', scopes: ['rt.api'] });
    app = await platform.admin.createClient({ client_name: 'Round trips', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid offline_access rt.api' });
    await platform.admin.createUser({ login: 'roundtrip', password: 'roundtrip-password-1' });
  });

  afterAll(() => platform.close());

  it('a code exchange sends one statement to the auth database, which consumes the code and stores the refresh token (its rate-limit hits go with the others of the last 100 ms)', async () => {
    const codes = [await mintCode(), await mintCode(), await mintCode()];
    const counter = countQueries(platform, ['auth']);
    for (const c of codes) {
      const res = await exchange(c);
      expect(res.status).toBe(200);
      expect(res.json.refresh_token).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(counter.statements).toHaveLength(codes.length);
    expect(counter.statements.filter((sql) => sql.includes('WITH c AS'))).toHaveLength(codes.length);
  });

  it('a refresh with rotation sends one statement to the auth database', async () => {
    let rt = (await exchange(await mintCode())).json.refresh_token as string;
    const counter = countQueries(platform, ['auth']);
    for (let i = 0; i < 3; i++) {
      const res = await refresh(rt);
      expect(res.status).toBe(200);
      expect(res.json.refresh_token).not.toBe(rt);
      rt = res.json.refresh_token;
    }
    expect(counter.statements).toHaveLength(3);
    expect(counter.statements.filter((sql) => sql.includes('WITH r AS'))).toHaveLength(3);
  });

  it('of two simultaneous exchanges of one code exactly one succeeds, and the tokens it got stop working', async () => {
    const c = await mintCode();
    const answers = await Promise.all([exchange(c), exchange(c)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
    const won = answers.find((r) => r.status === 200)!;
    expect(answers.find((r) => r.status === 400)!.json).toEqual({ error: 'invalid_grant', error_description: 'the authorization code was already used; tokens issued from it are revoked' });
    expect((await refresh(won.json.refresh_token)).json).toEqual({ error: 'invalid_grant', error_description: 'the grant behind this refresh token was revoked' });
  });

  it('of two simultaneous refreshes with one token exactly one succeeds, and the grant is revoked', async () => {
    const rt = (await exchange(await mintCode())).json.refresh_token as string;
    const answers = await Promise.all([refresh(rt), refresh(rt)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(answers.find((r) => r.status === 400)!.json).toEqual({ error: 'invalid_grant', error_description: 'the refresh token was already used; the grant is revoked' });
    const next = answers.find((r) => r.status === 200)!.json.refresh_token as string;
    expect((await refresh(next)).json).toEqual({ error: 'invalid_grant', error_description: 'the grant behind this refresh token was revoked' });
  });
});
