import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { KeyRing, generateSigningKey, leftHalfHash, loadSigningKey } from './key-ring';

describe('KeyRing', () => {
  let ring: KeyRing;

  beforeAll(async () => {
    const k = await generateSigningKey();
    ring = new KeyRing([await loadSigningKey(k.kid, k.publicJwk, k.privateJwk)]);
  });

  it('publishes only public parts with kid, use and alg', () => {
    const [jwk] = ring.jwks().keys;
    expect(jwk).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: ring.current.kid });
    expect(jwk).not.toHaveProperty('d');
    expect(jwk).not.toHaveProperty('p');
  });

  it('signs with the current key and verifies its own tokens', async () => {
    const token = await ring.sign({ iss: 'https://idp.example', sub: 'u1', exp: Math.floor(Date.now() / 1000) + 60 }, 'at+jwt');
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: ring.current.kid, typ: 'at+jwt' });
    const { payload } = await ring.verify(token, { issuer: 'https://idp.example', typ: 'at+jwt' });
    expect(payload.sub).toBe('u1');
    await expect(ring.verify(token, { issuer: 'https://other.example' })).rejects.toThrow();
  });

  it('holds a key per algorithm: each signs its own tokens, all are published and verify', async () => {
    const keys = await Promise.all(
      (['RS256', 'ES256', 'EdDSA'] as const).map(async (alg) => {
        const k = await generateSigningKey(alg);
        return loadSigningKey(k.kid, k.publicJwk, k.privateJwk, alg);
      }),
    );
    const multi = new KeyRing(keys);
    const jwks = multi.jwks();
    expect(jwks.keys.map((k) => [k.kty, k.alg, k.use])).toEqual([
      ['RSA', 'RS256', 'sig'],
      ['EC', 'ES256', 'sig'],
      ['OKP', 'EdDSA', 'sig'],
    ]);
    expect(jwks.keys[1].crv).toBe('P-256');
    expect(jwks.keys[2].crv).toBe('Ed25519');
    expect(multi.current.alg).toBe('RS256');
    for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
      const token = await multi.sign({ iss: 'https://idp.example', sub: alg }, 'at+jwt', alg);
      expect(decodeProtectedHeader(token)).toMatchObject({ alg, kid: multi.currentFor(alg).kid });
      expect((await multi.verify(token, { issuer: 'https://idp.example' })).payload.sub).toBe(alg);
      expect((await jwtVerify(token, createLocalJWKSet(jwks))).payload.sub).toBe(alg);
    }
  });

  it('cannot sign with an algorithm it has no key for, and a token naming another alg than its key is refused', async () => {
    await expect(ring.sign({ sub: 'x' }, undefined, 'ES256')).rejects.toThrow(/no ES256 signing key/);
    expect(ring.signsWith('ES256')).toBe(false);
    const token = await ring.sign({ iss: 'https://idp.example', sub: 'u1' });
    const [, body, sig] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ alg: 'ES256', kid: ring.current.kid })).toString('base64url')}.${body}.${sig}`;
    await expect(ring.verify(forged, { issuer: 'https://idp.example' })).rejects.toThrow();
  });

  it('computes at_hash as in the OpenID Connect Core example', () => {
    // Core 1.0 Appendix A.3: access token "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y" -> at_hash "77QmUPtjPfzWtF2AnpK9RQ"
    expect(leftHalfHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y')).toBe('77QmUPtjPfzWtF2AnpK9RQ');
  });
});
