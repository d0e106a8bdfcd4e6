import * as x509 from '@peculiar/x509';
import './certificate-parse';

/** Why a certificate is refused; each has one message (certificate-errors.ts). */
export type CertificateProblem =
  | 'expired'
  | 'not_yet_valid'
  | 'untrusted_issuer'
  | 'revoked'
  | 'revocation_unknown'
  | 'wrong_key_usage'
  | 'unsupported_key';

export type ValidationOutcome = { ok: true; chain: x509.X509Certificate[] } | { ok: false; problem: CertificateProblem };

/** What the validator trusts: anchors (roots and intermediates an operator trusts) and the CRLs loaded. */
export interface TrustMaterial {
  anchors: x509.X509Certificate[];
  crls: x509.X509Crl[];
}

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';
const MAX_DEPTH = 8;
const { KeyUsageFlags } = x509;

/**
 * RFC 5280 path validation, as far as a login needs it: a signature chain to a trusted
 * certificate, every link valid at `now`, issuers that are CAs allowed to sign certificates, the
 * end entity's key usage (digitalSignature or keyEncipherment, keyAgreement for EC) and, when it
 * has one, its extended key usage including clientAuth; each link checked against the loaded CRL
 * of its issuer, and a CRL past its nextUpdate makes the answer unknown (refused), not "not revoked".
 */
export async function validateCertificate(leaf: x509.X509Certificate, trust: TrustMaterial, now: Date): Promise<ValidationOutcome> {
  const keyProblem = endEntityProblem(leaf);
  if (keyProblem) return { ok: false, problem: keyProblem };
  if (now < leaf.notBefore) return { ok: false, problem: 'not_yet_valid' };
  if (now > leaf.notAfter) return { ok: false, problem: 'expired' };

  const chain = await buildChain(leaf, trust.anchors, now);
  if (!chain) return { ok: false, problem: 'untrusted_issuer' };
  for (let i = 0; i < chain.length - 1; i++) {
    const status = await revocationStatus(chain[i], chain[i + 1], trust.crls, now);
    if (status) return { ok: false, problem: status };
  }
  return { ok: true, chain };
}

function endEntityProblem(cert: x509.X509Certificate): CertificateProblem | null {
  const alg = cert.publicKey.algorithm as { name: string; namedCurve?: string; modulusLength?: number };
  const isEc = alg.name === 'ECDSA' || alg.name === 'ECDH';
  // Under 2048 bits RSA is too weak to trust, and RSA-OAEP (the challenge) refuses it anyway.
  const isRsa = alg.name.startsWith('RSA') && (alg.modulusLength ?? 0) >= 2048;
  if (!isRsa && !(isEc && ['P-256', 'P-384', 'P-521'].includes(alg.namedCurve ?? ''))) return 'unsupported_key';
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  if (basic?.ca) return 'wrong_key_usage';
  const usage = cert.getExtension(x509.KeyUsagesExtension);
  if (usage) {
    const wanted = KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment | (isEc ? KeyUsageFlags.keyAgreement : 0);
    if (!(usage.usages & wanted)) return 'wrong_key_usage';
  }
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  if (eku && !eku.usages.some((u) => u === CLIENT_AUTH || u === ANY_EKU)) return 'wrong_key_usage';
  return null;
}

/** The chain leaf -> ... -> a trusted certificate, or null. Issuers are found by name and proven by signature. */
async function buildChain(leaf: x509.X509Certificate, anchors: x509.X509Certificate[], now: Date): Promise<x509.X509Certificate[] | null> {
  const chain = [leaf];
  let current = leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (depth > 0 && anchors.some((a) => a.equal(current))) return chain;
    const issuer = await findIssuer(current, anchors, now);
    if (!issuer) return null;
    chain.push(issuer);
    if (issuer.equal(current)) return chain; // a trusted self-signed leaf cannot get here: it is a CA (refused above)
    current = issuer;
    if (anchors.some((a) => a.equal(current))) return chain;
  }
  return null;
}

async function findIssuer(cert: x509.X509Certificate, anchors: x509.X509Certificate[], now: Date): Promise<x509.X509Certificate | null> {
  for (const candidate of anchors) {
    if (candidate.subject !== cert.issuer) continue;
    if (now < candidate.notBefore || now > candidate.notAfter) continue;
    if (!isCertificateSigner(candidate)) continue;
    if (await cert.verify({ publicKey: candidate, signatureOnly: true }).catch(() => false)) return candidate;
  }
  return null;
}

function isCertificateSigner(cert: x509.X509Certificate): boolean {
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  if (!basic?.ca) return false;
  const usage = cert.getExtension(x509.KeyUsagesExtension);
  return !usage || !!(usage.usages & KeyUsageFlags.keyCertSign);
}

/** null when not revoked (or no CRL of that issuer is loaded); the issuer's newest CRL decides. */
async function revocationStatus(cert: x509.X509Certificate, issuer: x509.X509Certificate, crls: x509.X509Crl[], now: Date): Promise<CertificateProblem | null> {
  let newest: x509.X509Crl | null = null;
  for (const crl of crls) {
    if (crl.issuer !== issuer.subject) continue;
    if (!(await crl.verify({ publicKey: issuer }).catch(() => false))) continue;
    if (!newest || crl.thisUpdate > newest.thisUpdate) newest = crl;
  }
  if (!newest) return null;
  if (newest.nextUpdate && now > newest.nextUpdate) return 'revocation_unknown';
  return newest.findRevoked(cert) ? 'revoked' : null;
}
