import { decodeProtectedHeader } from 'jose';
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

  it('computes at_hash as in the OpenID Connect Core example', () => {
    // Core 1.0 Appendix A.3: access token "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y" -> at_hash "77QmUPtjPfzWtF2AnpK9RQ"
    expect(leftHalfHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y')).toBe('77QmUPtjPfzWtF2AnpK9RQ');
  });
});
