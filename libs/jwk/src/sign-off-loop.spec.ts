import { SignJWT, decodeProtectedHeader, generateKeyPair, jwtVerify } from 'jose';
import { signRs256 } from './sign-off-loop';

describe('signRs256 off the event loop', () => {
  it('makes a JWS that jose verifies, with exactly the given header', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
    const payload = { iss: 'https://id.example', sub: 'c1', scope: 'api', iat: 1_700_000_000, exp: 4_000_000_000 };
    const jws = await signRs256(payload, { alg: 'RS256', kid: 'k1', typ: 'at+jwt' }, privateKey);
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'RS256', kid: 'k1', typ: 'at+jwt' });
    const { payload: verified } = await jwtVerify(jws, publicKey, { typ: 'at+jwt', algorithms: ['RS256'] });
    expect(verified).toEqual(payload);
  });

  it('signs the same bytes as jose (RSASSA-PKCS1-v1_5 is deterministic)', async () => {
    const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
    const payload = { sub: 'same', n: 1 };
    const ours = await signRs256(payload, { alg: 'RS256', kid: 'k' }, privateKey);
    const theirs = await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'k' }).sign(privateKey);
    expect(ours).toBe(theirs);
  });

  it('a signature from another key does not verify', async () => {
    const a = await generateKeyPair('RS256', { modulusLength: 2048 });
    const b = await generateKeyPair('RS256', { modulusLength: 2048 });
    const jws = await signRs256({ sub: 'x' }, { alg: 'RS256', kid: 'a' }, a.privateKey);
    await expect(jwtVerify(jws, b.publicKey)).rejects.toThrow();
  });
});
