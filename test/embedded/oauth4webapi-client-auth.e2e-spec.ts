import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import type { AuthorizationServer, Client, ClientAuth } from 'oauth4webapi';
import { Browserless } from '@idp/testing';
import { OAuth, insecure, loadOAuth4WebApi, webCryptoClientKey } from '../support/oauth4webapi';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';
import { signInThroughPages } from './flows';

const REDIRECT = 'https://rp.example/cb';
const EXTERN = 'https://api.example/extern';
const ED = 'https://api.example/ed';

/** oauth4webapi's own client authentication helpers against the one-process mode. */
describe('oauth4webapi client authentication (embedded)', () => {
  let platform: EmbeddedPlatform;
  let oauth: OAuth;
  let as: AuthorizationServer;
  let opts: Record<symbol, boolean>;

  beforeAll(async () => {
    oauth = await loadOAuth4WebApi();
    opts = insecure(oauth);
    platform = await startEmbeddedPlatform();
    await platform.admin.createResource({ name: 'Extern API', audience: EXTERN, scopes: ['extern.api'] });
    await platform.admin.createResource({ name: 'Ed API', audience: ED, scopes: ['ed.api'], access_token_signing_alg: 'EdDSA' });
    await platform.admin.createUser({ login: 'saule', password: 'saule-password-1' });
    const issuer = new URL(platform.base);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...opts, algorithm: 'oidc' }));
  });

  afterAll(() => platform.close());

  async function register(method: string): Promise<{ client: Client; auth: ClientAuth; id: string }> {
    if (method === 'private_key_jwt') {
      const key = await webCryptoClientKey(`rp-${randomUUID()}`);
      const reg = await platform.admin.createClient({ client_name: method, grant_types: ['client_credentials'], scope: 'extern.api ed.api', token_endpoint_auth_method: method, jwks: { keys: [key.publicJwk] } });
      return { client: { client_id: reg.client_id }, auth: oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }), id: reg.client_id };
    }
    const reg = await platform.admin.createClient({ client_name: method, grant_types: ['client_credentials'], scope: 'extern.api ed.api', token_endpoint_auth_method: method });
    const helper = { client_secret_basic: oauth.ClientSecretBasic, client_secret_post: oauth.ClientSecretPost, client_secret_jwt: oauth.ClientSecretJwt }[method]!;
    return { client: { client_id: reg.client_id }, auth: helper(reg.client_secret), id: reg.client_id };
  }

  it.each(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'])('%s: token, introspection and revocation', async (method) => {
    const { client, auth, id } = await register(method);
    const tokens = await oauth.processClientCredentialsResponse(as, client, await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: 'extern.api' }, opts));
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'extern.api', expires_in: expect.any(Number) });
    const claims = await oauth.validateJwtAccessToken(as, new Request(EXTERN, { headers: { Authorization: `Bearer ${tokens.access_token}` } }), EXTERN, opts);
    expect(claims).toMatchObject({ client_id: id, sub: id });
    const seen = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, tokens.access_token, opts));
    expect(seen).toMatchObject({ active: true, client_id: id });
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, tokens.access_token, opts));
    expect(await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, tokens.access_token, opts))).toEqual({ active: false });
  });

  it('refuses a method other than the registered one with invalid_client', async () => {
    const basicOnly = await platform.admin.createClient({ client_name: 'basic only', grant_types: ['client_credentials'], scope: 'extern.api', token_endpoint_auth_method: 'client_secret_basic' });
    const client: Client = { client_id: basicOnly.client_id };
    const res = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretPost(basicOnly.client_secret), { scope: 'extern.api' }, opts);
    await expect(oauth.processClientCredentialsResponse(as, client, res)).rejects.toMatchObject({ error: 'invalid_client', status: 401 });
  });

  it('none: a public client completes the code flow with PKCE, the id_token checked by oauth4webapi', async () => {
    const pub = await platform.admin.createClient({ client_name: 'SPA', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], token_endpoint_auth_method: 'none', scope: 'openid', first_party: true });
    const client: Client = { client_id: pub.client_id, token_endpoint_auth_method: 'none' };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint!);
    const params = { client_id: pub.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state, nonce, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const out = await signInThroughPages(new Browserless(platform.base), url.toString(), { login: 'saule', password: 'saule-password-1' });
    const callback = oauth.validateAuthResponse(as, client, new URL(out.location!), state);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, REDIRECT, verifier, opts), { expectedNonce: nonce, requireIdToken: true });
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ iss: platform.base, aud: pub.client_id });
  });

  it('validates an EdDSA access token for the API that asks for it', async () => {
    const { client, auth } = await register('client_secret_basic');
    const tokens = await oauth.processClientCredentialsResponse(as, client, await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: 'ed.api' }, opts));
    expect(decodeProtectedHeader(tokens.access_token).alg).toBe('EdDSA');
    const claims = await oauth.validateJwtAccessToken(as, new Request(ED, { headers: { Authorization: `Bearer ${tokens.access_token}` } }), ED, opts);
    expect(claims).toMatchObject({ aud: ED, scope: 'ed.api' });
  });
});
