import { InvalidGrant, InvalidRequest } from '../oidc/errors/oauth.errors';
import { CertificateProblem } from './certificate.validator';

/** Why a certificate login or binding is refused: the validator's problems and the login's own. */
export type CertificateRefusal = CertificateProblem | 'unbound' | 'locked' | 'wrong_key' | 'replayed' | 'challenge_expired';

export const REFUSAL_MESSAGES = {
  expired: 'the certificate has expired',
  not_yet_valid: 'the certificate is not yet valid',
  untrusted_issuer: 'the certificate was not issued by a trusted certification authority',
  revoked: 'the certificate has been revoked',
  revocation_unknown: "the revocation list of the certificate's issuer is out of date, so the certificate cannot be checked",
  wrong_key_usage: "the certificate's key usage does not allow signing in (digitalSignature or keyEncipherment, and clientAuth when it lists extended key usages)",
  unsupported_key: "the certificate's key is neither RSA of 2048 bits or more nor EC on P-256, P-384 or P-521",
  unbound: 'no account is bound to this certificate',
  locked: 'the account of this certificate is locked',
  wrong_key: 'the decrypted key does not match a challenge for this certificate',
  replayed: 'this challenge was already used; request a new one',
  challenge_expired: 'the challenge has expired; request a new one',
} satisfies Record<CertificateRefusal, string>;

/** 400 invalid_grant with the machine-readable reason beside the RFC 6749 fields. */
export class CertificateRefused extends InvalidGrant {
  constructor(readonly refusal: CertificateRefusal) {
    super(REFUSAL_MESSAGES[refusal]);
  }

  body(): Record<string, string> {
    return { ...super.body(), certificate_error: this.refusal };
  }
}

export const notACertificate = (field: string) => new InvalidRequest(`${field} is not an X.509 certificate (base64 DER or PEM)`);
export const badThumbprint = () => new InvalidRequest("thumbprint must be the certificate's SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint");
