import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';

export interface CertificateLoginConfig {
  /** PEM text of the CA certificates trusted from configuration (roots and intermediates); '' when none. */
  trustBundle: string;
  /** Seconds a certificate challenge (step 1's encrypted_key) lives. */
  challengeTtl: number;
  /** Reads an account identifier from the certificate's subject, for certificates bound to no account. */
  subjectMapping?: { attribute: string; field: 'login' | 'email' | 'iin'; stripPrefix: string };
  /** Lower-cased name of the header a TLS-terminating proxy puts the verified client certificate in (URL-encoded PEM). */
  proxyHeader?: string;
  /** The only peer addresses that header is believed from. */
  proxyAddresses: string[];
}

type Env = Record<string, string | undefined>;

const ATTRIBUTE = /^(CN|serialNumber|E|emailAddress|UID|O|OU|\d+(\.\d+)+)$/i;

/** CERT_* variables; throws a message naming the variable at fault. */
export function loadCertificateConfig(env: Env, fail: (message: string) => Error): CertificateLoginConfig {
  const bundleRaw = env.CERT_TRUST_BUNDLE?.trim() ?? '';
  let trustBundle = '';
  if (bundleRaw.includes('-----BEGIN')) trustBundle = bundleRaw;
  else if (bundleRaw) {
    if (!existsSync(bundleRaw)) throw fail(`CERT_TRUST_BUNDLE: no file at "${bundleRaw}" (give a PEM file path or the PEM text itself)`);
    trustBundle = readFileSync(bundleRaw, 'utf8');
    if (!trustBundle.includes('-----BEGIN CERTIFICATE-----')) throw fail(`CERT_TRUST_BUNDLE: "${bundleRaw}" holds no PEM certificate`);
  }

  let subjectMapping: CertificateLoginConfig['subjectMapping'];
  const mappingRaw = env.CERT_SUBJECT_MAPPING?.trim();
  if (mappingRaw) {
    const [attribute, field, stripPrefix = ''] = mappingRaw.split(':');
    if (!attribute || !ATTRIBUTE.test(attribute) || (field !== 'login' && field !== 'email' && field !== 'iin')) {
      throw fail(`CERT_SUBJECT_MAPPING must be <attribute>:<iin|login|email>[:<prefix to strip>], e.g. serialNumber:iin:IIN, got "${mappingRaw}"`);
    }
    subjectMapping = { attribute, field, stripPrefix };
  }

  const proxyHeader = env.CERT_PROXY_HEADER?.trim().toLowerCase() || undefined;
  if (proxyHeader && !/^[a-z0-9-]+$/.test(proxyHeader)) throw fail(`CERT_PROXY_HEADER must be a header name, got "${proxyHeader}"`);
  const proxyAddresses = (env.CERT_PROXY_ADDRESSES ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  const bad = proxyAddresses.filter((a) => !isIP(a));
  if (bad.length) throw fail(`CERT_PROXY_ADDRESSES must be IP addresses separated by commas, got "${bad.join(', ')}"`);
  if (proxyHeader && !proxyAddresses.length) throw fail('CERT_PROXY_ADDRESSES is required with CERT_PROXY_HEADER: the header is believed only from those proxies');

  const ttlRaw = env.CERT_CHALLENGE_TTL;
  const challengeTtl = ttlRaw ? Number(ttlRaw) : 300;
  if (!Number.isInteger(challengeTtl) || challengeTtl < 30) throw fail(`CERT_CHALLENGE_TTL must be an integer >= 30, got "${ttlRaw}"`);

  return { trustBundle, challengeTtl, subjectMapping, proxyHeader, proxyAddresses };
}
