import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** Certificates and CRLs larger than this are refused before parsing (a real one is a few kilobytes). */
export const MAX_CERTIFICATE_BYTES = 16 * 1024;
export const MAX_CRL_BYTES = 8 * 1024 * 1024;

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Reads one certificate given as PEM, or as base64 (or base64url) DER as Kontur's step 1 sends it; null when it is not one. */
export function parseCertificate(input: unknown): x509.X509Certificate | null {
  if (typeof input !== 'string' || !input.trim() || input.length > MAX_CERTIFICATE_BYTES * 2) return null;
  const text = input.trim();
  try {
    if (text.includes('-----BEGIN')) {
      const pems = text.match(PEM_CERT);
      return pems && pems.length === 1 ? new x509.X509Certificate(pems[0]) : null;
    }
    if (!/^[A-Za-z0-9+/_=\s-]+$/.test(text)) return null;
    const der = Buffer.from(text.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (!der.length || der.length > MAX_CERTIFICATE_BYTES) return null;
    return new x509.X509Certificate(der);
  } catch {
    return null;
  }
}

/** Every certificate of a PEM bundle; throws naming the one that does not parse. */
export function parseBundle(pem: string): x509.X509Certificate[] {
  const blocks = pem.match(PEM_CERT) ?? [];
  return blocks.map((block, i) => {
    try {
      return new x509.X509Certificate(block);
    } catch {
      throw new Error(`certificate #${i + 1} of the bundle does not parse`);
    }
  });
}

/** A CRL as PEM or base64 DER; null when it is not one. */
export function parseCrl(input: unknown): x509.X509Crl | null {
  if (typeof input !== 'string' || !input.trim() || input.length > MAX_CRL_BYTES * 2) return null;
  try {
    const text = input.trim();
    return text.includes('-----BEGIN') ? new x509.X509Crl(text) : new x509.X509Crl(Buffer.from(text.replace(/\s+/g, ''), 'base64'));
  } catch {
    return null;
  }
}

export interface Thumbprints {
  /** Upper-case hex, as Windows and Kontur show them. */
  sha1: string;
  sha256: string;
}

export async function thumbprints(cert: x509.X509Certificate): Promise<Thumbprints> {
  const hex = async (alg: string) => Buffer.from(await cert.getThumbprint(alg)).toString('hex').toUpperCase();
  return { sha1: await hex('SHA-1'), sha256: await hex('SHA-256') };
}

/** A thumbprint as a client may type it (any case, with spaces or colons); null unless 40 or 64 hex digits. */
export function normaliseThumbprint(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const hex = value.replace(/[\s:]/g, '').toUpperCase();
  return /^([0-9A-F]{40}|[0-9A-F]{64})$/.test(hex) ? hex : null;
}

export const toPem = (cert: x509.X509Certificate) => cert.toString('pem');
export const toDerBase64 = (cert: x509.X509Certificate) => Buffer.from(cert.rawData).toString('base64');
