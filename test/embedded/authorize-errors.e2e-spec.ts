import { Browserless } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

const REDIRECT = 'https://rp.example/cb';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('authorization endpoint: error pages and error redirects', () => {
  let platform: EmbeddedPlatform;
  let confidential: { client_id: string };
  let pub: { client_id: string };

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    confidential = await platform.admin.createClient({ client_name: 'Web', redirect_uris: [REDIRECT], scope: 'openid profile' });
    pub = await platform.admin.createClient({ client_name: 'SPA', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', scope: 'openid' });
  });

  afterAll(() => platform.close());

  const authorize = (params: Record<string, string>) => new Browserless(platform.base).request(`/connect/authorize?${new URLSearchParams(params)}`);
  const redirected = (res: { status: number; location?: string }) => {
    expect(res.status).toBe(303);
    const url = new URL(res.location!);
    expect(`${url.origin}${url.pathname}`).toBe(REDIRECT);
    // Errors travel the way the requested response type would have: the query for code, the fragment otherwise.
    return Object.fromEntries(url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams);
  };

  it('shows an error page, never a redirect, for an unknown client or an unregistered redirect_uri', async () => {
    const unknown = await authorize({ client_id: 'nope', redirect_uri: REDIRECT, response_type: 'code', scope: 'openid' });
    expect(unknown.status).toBe(400);
    expect(unknown.location).toBeUndefined();
    expect(unknown.body).toContain('the client is unknown');
    const badUri = await authorize({ client_id: confidential.client_id, redirect_uri: 'https://evil.example/cb', response_type: 'code', scope: 'openid' });
    expect(badUri.status).toBe(400);
    expect(badUri.location).toBeUndefined();
    expect(badUri.body).toContain('redirect_uri is not registered');
    const missing = await authorize({ client_id: confidential.client_id, response_type: 'code', scope: 'openid' });
    expect(missing.status).toBe(400);
  });

  it.each([
    [{ state: 'short' }, { error: 'invalid_request', error_description: 'state must be at least 8 characters', state: 'short' }],
    [{ response_type: 'token' }, { error: 'unsupported_response_type', error_description: 'response_type token is not supported' }],
    [{ response_type: undefined }, { error: 'invalid_request', error_description: 'response_type is required' }],
    [{ code_challenge: CHALLENGE, code_challenge_method: 'plain' }, { error: 'invalid_request', error_description: 'code_challenge_method must be S256' }],
    [{ code_challenge: CHALLENGE }, { error: 'invalid_request', error_description: 'code_challenge_method must be S256' }],
    [{ scope: 'openid email' }, { error: 'invalid_scope', error_description: 'scope not allowed for this client: email' }],
    [{ scope: undefined }, { error: 'invalid_request', error_description: 'scope is required' }],
    [{ prompt: 'none login' }, { error: 'invalid_request', error_description: 'prompt=none cannot be combined with other values' }],
    [{ request: 'eyJ.x.y' }, { error: 'request_not_supported', error_description: 'request objects are not supported' }],
  ])('redirects %j back as %j, with iss', async (override, expected) => {
    const params: Record<string, string> = { client_id: confidential.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'state-12345' };
    for (const [k, v] of Object.entries(override)) {
      if (v === undefined) delete params[k];
      else params[k] = v;
    }
    const out = redirected(await authorize(params));
    // The scope asked for comes back with every error (empty when none was), as Aitu's clients expect.
    expect(out).toEqual({ state: 'state-12345', scope: params.scope ?? '', ...expected, iss: platform.base });
  });

  it('requires PKCE from public clients', async () => {
    const out = redirected(await authorize({ client_id: pub.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'state-12345' }));
    expect(out.error).toBe('invalid_request');
    expect(out.error_description).toBe('PKCE (code_challenge with S256) is required for public clients');
    const ok = await authorize({ client_id: pub.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'state-12345', code_challenge: CHALLENGE, code_challenge_method: 'S256' });
    expect(ok.status).toBe(303);
    expect(ok.location).toContain('/interaction/');
  });

  it('answers form_post with an auto-submitting page under a strict CSP', async () => {
    const res = await authorize({ client_id: confidential.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'short', response_mode: 'form_post' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'sha256-/);
    expect(res.body).toContain(`<form method="post" action="${REDIRECT}">`);
    expect(res.body).toContain('<input type="hidden" name="error" value="invalid_request">');
    expect(res.body).toContain('<noscript>');
  });
});
