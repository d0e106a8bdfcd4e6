import { SignJWT, decodeProtectedHeader, generateKeyPair, jwtVerify } from 'jose';
import { signOffLoop, signRs256 } from './sign-off-loop';

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

describe('signOffLoop for the other algorithms', () => {
  it.each([
    ['ES256', {}],
    ['EdDSA', { crv: 'Ed25519' }],
  ] as const)('makes a %s JWS that jose verifies', async (alg, options) => {
    const { privateKey, publicKey } = await generateKeyPair(alg, options);
    const payload = { sub: 'c1', exp: 4_000_000_000 };
    const jws = await signOffLoop(payload, { alg, kid: 'k1', typ: 'at+jwt' }, privateKey);
    expect(decodeProtectedHeader(jws)).toEqual({ alg, kid: 'k1', typ: 'at+jwt' });
    // ES256 signatures are the 64-byte r||s of JWA 3.4, not DER.
    if (alg === 'ES256') expect(Buffer.from(jws.split('.')[2], 'base64url')).toHaveLength(64);
    const { payload: verified } = await jwtVerify(jws, publicKey, { typ: 'at+jwt', algorithms: [alg] });
    expect(verified).toEqual(payload);
  });
});
