/** Request/reply contracts of the certificates bound to accounts (owned by the accounts service), version 1. */

export const CertificatesSubjects = {
  bind: 'accounts.v1.certificate.bind',
  list: 'accounts.v1.certificate.list',
  remove: 'accounts.v1.certificate.remove',
  /** The account a certificate signs in: its binding, else the configured subject mapping. */
  resolve: 'accounts.v1.certificate.resolve',
} as const;

/** A certificate as auth has validated it; accounts stores it and never re-parses it. */
export interface CertificateFacts {
  /** Upper-case hex. */
  sha1: string;
  sha256: string;
  subject: string;
  issuer: string;
  serial_number: string;
  not_before: string;
  not_after: string;
  /** The certificate itself, PEM. */
  pem: string;
}

export interface BindCertificateRequest {
  sub: string;
  certificate: CertificateFacts;
  /** How possession was shown: the cabinet's challenge, or an administrator's word. */
  source: 'challenge' | 'admin';
}
export type BindCertificateError = 'not_found' | 'already_bound' | 'bound_elsewhere';

export interface BoundCertificate {
  id: string;
  sha1: string;
  sha256: string;
  subject: string;
  issuer: string;
  serial_number: string;
  not_before: string;
  not_after: string;
  source: 'challenge' | 'admin';
  created_at: string;
}

export interface ListCertificatesRequest {
  sub: string;
}

export interface RemoveCertificateRequest {
  sub: string;
  id: string;
}
export type RemoveCertificateError = 'not_found';

export interface ResolveCertificateRequest {
  sha256: string;
  /** Set when CERT_SUBJECT_MAPPING is: the identifier read from the certificate's subject. */
  mapping?: { field: 'iin' | 'login' | 'email'; value: string };
}
export type ResolveCertificateError = 'unbound' | 'locked';
