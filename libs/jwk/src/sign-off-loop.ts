import { KeyObject, sign } from 'node:crypto';
import { JWTPayload, KeyLike, SignJWT } from 'jose';

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * An RS256 compact JWS whose RSA signature is computed on libuv's thread pool (crypto.sign with a
 * callback) instead of on the event loop, where jose's one-shot sign runs. The RSA private-key
 * operation is the single largest cost of a token request (about 0.4 ms of CPU for RSA-2048); off
 * the loop, other requests keep being parsed and answered meanwhile, and one process signs on
 * several cores. Keys that are not Node KeyObjects (never the case here) fall back to jose.
 */
export function signRs256(payload: JWTPayload, header: { alg: 'RS256'; kid: string; typ?: string }, key: KeyLike): Promise<string> {
  if (!(key instanceof KeyObject)) return new SignJWT(payload).setProtectedHeader(header).sign(key);
  const input = `${part(header)}.${part(payload)}`;
  return new Promise((resolve, reject) =>
    sign('sha256', Buffer.from(input), key, (err, signature) => (err ? reject(err) : resolve(`${input}.${signature.toString('base64url')}`))),
  );
}
