import fc from 'fast-check';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

/**
 * Hostile input on every public endpoint: random parameters, oversized and repeated values,
 * unicode, injection strings, malformed JWTs. Whatever comes in, the answer is never a 5xx.
 * Bounded: a fixed seed and a fixed number of runs per endpoint.
 */
const SEED = 20261123;
const RUNS = 60;

const nasty = fc.oneof(
  fc.string(),
  fc.string({ minLength: 200, maxLength: 5000 }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom(
    "' OR 1=1 --",
    '"; DROP TABLE auth.clients; --',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '%00',
    '\u0000',
    'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    'eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.e30.c2ln',
    'a.b.c.d.e',
    'null',
    '{}',
    '[]',
    'https://evil.example/cb',
    'known-client',
    'https://rp.example/cb',
    'code',
    'code id_token',
    'client_credentials',
    'authorization_code',
    'javascript:alert(1)',
    '-1',
    '99999999999999999999',
    'S256',
    'openid profile email phone offline_access',
  ),
);

const PARAMS = [
  'client_id', 'client_secret', 'redirect_uri', 'response_type', 'response_mode', 'scope', 'state', 'nonce', 'prompt', 'max_age',
  'code_challenge', 'code_challenge_method', 'id_token_hint', 'login_hint', 'ui_locales', 'grant_type', 'code', 'code_verifier',
  'refresh_token', 'device_code', 'token', 'token_type_hint', 'client_assertion', 'client_assertion_type', 'assertion',
  'username', 'password', 'user_code', 'post_logout_redirect_uri', 'resource', 'access_token', 'csrf', 'decision',
];

/** A form: some known parameter names (sometimes repeated) and some random ones. */
const form = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PARAMS), fc.string({ maxLength: 20 })), nasty), { maxLength: 12 });

const headers = fc.record(
  {
    authorization: fc.oneof(nasty, nasty.map((v) => `Basic ${Buffer.from(v).toString('base64')}`), nasty.map((v) => `Bearer ${v}`)),
    origin: nasty,
    cookie: nasty.map((v) => `idp_session=${encodeURIComponent(v)}; idp_interaction=${encodeURIComponent(v)}`),
  },
  { requiredKeys: [] },
);

const ENDPOINTS: Array<{ method: 'GET' | 'POST'; path: string; json?: boolean }> = [
  { method: 'GET', path: '/connect/authorize' },
  { method: 'POST', path: '/connect/authorize' },
  { method: 'POST', path: '/connect/token' },
  { method: 'POST', path: '/connect/deviceauthorization' },
  { method: 'POST', path: '/connect/introspect' },
  { method: 'POST', path: '/connect/revocation' },
  { method: 'GET', path: '/connect/userinfo' },
  { method: 'POST', path: '/connect/userinfo' },
  { method: 'GET', path: '/connect/endsession' },
  { method: 'POST', path: '/connect/endsession/confirm' },
  { method: 'GET', path: '/device' },
  { method: 'POST', path: '/device' },
  { method: 'GET', path: '/device/qr' },
  { method: 'GET', path: '/interaction/AAAAAAAAAAAAAAAAAAAAAAAA' },
  { method: 'POST', path: '/interaction/AAAAAAAAAAAAAAAAAAAAAAAA/login' },
  { method: 'POST', path: '/interaction/AAAAAAAAAAAAAAAAAAAAAAAA/consent' },
  { method: 'POST', path: '/admin/clients', json: true },
  { method: 'POST', path: '/admin/users', json: true },
  { method: 'GET', path: '/demo/callback' },
];

describe('hostile input never produces a 5xx', () => {
  let platform: EmbeddedPlatform;
  let requests = 0;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({ DEMO: 'on' });
    await platform.admin.createClient({ client_id: 'known-client', client_name: 'Known', redirect_uris: ['https://rp.example/cb'], scope: 'openid' });
  });

  afterAll(async () => {
    await platform.close();
    // eslint-disable-next-line no-console
    console.log(`hostile-input: ${requests} requests, 0 answered with a 5xx`);
  });

  it.each(ENDPOINTS)('$method $path', async ({ method, path, json }) => {
    await fc.assert(
      fc.asyncProperty(form, headers, fc.boolean(), async (pairs, hdrs, asAdmin) => {
        const body = new URLSearchParams(pairs.map(([k, v]) => [k, v]));
        const url = new URL(path, platform.base);
        const init: RequestInit = { method, headers: { ...hdrs } as Record<string, string>, redirect: 'manual' };
        if (method === 'GET') url.search = body.toString();
        else if (json) {
          (init.headers as Record<string, string>)['content-type'] = 'application/json';
          if (asAdmin) (init.headers as Record<string, string>).authorization = 'Bearer test-admin-token-0123456789';
          init.body = JSON.stringify(Object.fromEntries(pairs));
        } else {
          (init.headers as Record<string, string>)['content-type'] = 'application/x-www-form-urlencoded';
          init.body = body.toString();
        }
        let res: Response;
        try {
          res = await fetch(url, init);
        } catch (err) {
          // Headers fetch itself refuses to send (e.g. control characters) never reach us.
          if ((err as Error)?.name === 'TypeError') return true;
          throw err;
        }
        requests++;
        const text = await res.text();
        if (res.status >= 500) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
        return true;
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('refuses oversized bodies with 413, not a crash', async () => {
    const res = await fetch(`${platform.base}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=' + 'a'.repeat(1024 * 1024),
    });
    expect(res.status).toBe(413);
  });
});
