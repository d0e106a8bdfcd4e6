import { Outbound } from '@idp/outbound';
import { randomUUID } from 'node:crypto';
import { JWK, KeyLike, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { AppConfig } from '@idp/config';
import { AssertionReplayStore } from '../../clients/assertion-replay.store';
import { ClientJwksService } from '../../clients/client-jwks.service';
import { Client } from '../../clients/clients.service';
import { InvalidGrant } from '../../errors/oauth.errors';
import { GrantAssertionVerifier } from './grant-assertion.verifier';

const ISSUER = 'https://id.example';
const now = () => Math.floor(Date.now() / 1000);

describe('GrantAssertionVerifier', () => {
  let keys: Array<{ privateKey: KeyLike; jwk: JWK }>;
  let client: Client;
  let verifier: GrantAssertionVerifier;
  const used = new Set<string>();

  beforeAll(async () => {
    keys = [];
    for (const kid of ['k1', 'k2']) {
      const { publicKey, privateKey } = await generateKeyPair('RS256');
      keys.push({ privateKey, jwk: { ...(await exportJWK(publicKey)), kid, x5t: `thumb-${kid}` } });
    }
    client = { clientId: 'partner', isPublic: false, metadata: { scope: '', jwks: { keys: keys.map((k) => k.jwk) } } } as unknown as Client;
    const replays = { consume: async (c: string, jti: string) => !used.has(`${c}/${jti}`) && !!used.add(`${c}/${jti}`) } as unknown as AssertionReplayStore;
    verifier = new GrantAssertionVerifier({ issuer: ISSUER } as AppConfig, new ClientJwksService(new Outbound({ allowPrivate: false })), replays);
  });

  async function sign(claims: Record<string, unknown> = {}, header: Record<string, unknown> = { kid: 'k1' }, key = keys[0].privateKey, alg = 'RS256') {
    const payload: Record<string, unknown> = { iss: 'partner', sub: 'user-42', jti: randomUUID(), exp: now() + 600, ...claims };
    for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
    return new SignJWT(payload).setProtectedHeader({ alg, ...header }).sign(key);
  }

  it('accepts a token signed by a registered key named by kid, and one named only by x5t', async () => {
    await expect(verifier.verify(client, await sign(), 'token')).resolves.toMatchObject({ sub: 'user-42' });
    const byThumbprint = await sign({}, { x5t: 'thumb-k2' }, keys[1].privateKey);
    await expect(verifier.verify(client, byThumbprint, 'token')).resolves.toMatchObject({ sub: 'user-42' });
  });

  it('accepts aud naming the issuer or the token endpoint', async () => {
    await expect(verifier.verify(client, await sign({ aud: ISSUER }), 'assertion')).resolves.toBeDefined();
    await expect(verifier.verify(client, await sign({ aud: [`${ISSUER}/connect/token`, 'https://other'] }), 'assertion')).resolves.toBeDefined();
  });

  it('takes a jti once', async () => {
    const claims = await verifier.verify(client, await sign({ jti: 'once' }), 'token');
    expect(await verifier.consume(client, claims)).toBe(true);
    expect(await verifier.consume(client, claims)).toBe(false);
  });

  it.each<[string, () => Promise<string>, string]>([
    ['expired', () => sign({ exp: now() - 60 }), 'the token has expired'],
    ['more than 24 hours ahead', () => sign({ exp: now() + 24 * 3600 + 120 }), 'the token must expire within 24 hours'],
    ['signed by a key the client did not register', async () => sign({}, { kid: 'k1' }, (await generateKeyPair('RS256')).privateKey), 'the token signature is invalid'],
    ['signed by an unknown kid', () => sign({}, { kid: 'k9' }), 'no registered key of this client matches the token'],
    ['signed with PS256', () => sign({}, { kid: 'k1' }, keys[0].privateKey, 'PS256'), 'the token must be signed with RS256'],
    ['issued by another client', () => sign({ iss: 'someone-else' }), 'the token iss must be the client_id'],
    ['for another audience', () => sign({ aud: 'https://elsewhere.example' }), 'the token audience is not this server'],
    ['without a jti', () => sign({ jti: undefined }), 'the token has no jti'],
    ['without exp', () => sign({ exp: undefined }), 'the token has no exp'],
    ['with a jti over 36 bytes', async () => sign({ jti: 'ж'.repeat(19) }), 'the token jti must be a string of at most 36 bytes'],
    ['not a JWT', async () => 'not-a-jwt', 'the token is not a JWT'],
  ])('refuses a token %s as invalid_grant', async (_what, make, message) => {
    await expect(verifier.verify(client, await make(), 'token')).rejects.toEqual(new InvalidGrant(message));
  });
});
