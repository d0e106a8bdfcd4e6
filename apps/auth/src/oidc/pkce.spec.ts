import { s256, verifyPkce } from './pkce';

describe('PKCE S256', () => {
  // RFC 7636 Appendix B
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

  it('matches the RFC 7636 example', () => {
    expect(s256(verifier)).toBe(challenge);
    expect(verifyPkce(challenge, verifier)).toBe(true);
  });

  it('refuses a wrong, short or missing verifier', () => {
    expect(verifyPkce(challenge, verifier.replace('d', 'e'))).toBe(false);
    expect(verifyPkce(challenge, 'short')).toBe(false);
    expect(verifyPkce(challenge, undefined)).toBe(false);
  });
});
