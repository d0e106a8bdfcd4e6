import { createServer, Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { JWK, KeyLike, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { freePort } from './ports';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A client's signing key and its public JWK, as a partner would generate them. */
export async function clientKey(alg: 'RS256' | 'PS256' | 'ES256', kid = `${alg}-${randomUUID()}`): Promise<{ alg: string; kid: string; privateKey: KeyLike; publicJwk: JWK; privateJwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }, privateJwk: { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' } };
}

/** An RFC 7523 client assertion; `claims` overrides or (with undefined) removes the defaults. */
export async function assertion(
  clientId: string,
  key: { alg: string; kid?: string; privateKey: KeyLike } | { secret: string },
  aud: string | string[],
  claims: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { iss: clientId, sub: clientId, aud, jti: randomUUID(), iat: now, exp: now + 60, ...claims };
  for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
  const jwt = new SignJWT(payload);
  if ('secret' in key) return jwt.setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(key.secret));
  return jwt.setProtectedHeader({ alg: key.alg, ...(key.kid ? { kid: key.kid } : {}) }).sign(key.privateKey);
}

/** A client's jwks_uri: serves whatever keys it is given and counts how often it is fetched. */
export async function startJwksServer(): Promise<{ uri: string; fetches: number; keys: JWK[]; close(): Promise<void> }> {
  const port = await freePort();
  const state = {
    uri: `http://127.0.0.1:${port}/jwks`,
    fetches: 0,
    keys: [] as JWK[],
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  const server: Server = createServer((req, res) => {
    state.fetches++;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return state;
}
