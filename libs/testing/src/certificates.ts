import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { compactDecrypt, decodeProtectedHeader, importPKCS8 } from 'jose';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const RSA: RsaHashedKeyGenParams = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const EC: EcKeyGenParams & { hash: string } = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 24 * 3600 * 1000;
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';

/** A certificate with its private key, as PEM files a user would keep. */
export interface TestCredential {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
  certPem: string;
  /** PKCS#8 PEM. */
  keyPem: string;
  /** Base64 DER, as Kontur's step 1 sends `public_key`. */
  der: string;
  sha1: string;
  sha256: string;
}

type Kind = 'rsa' | 'ec';

let serial = 0x1000;
const nextSerial = () => (serial++).toString(16).padStart(8, '0');

async function keyPair(kind: Kind): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(kind === 'rsa' ? RSA : EC, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function credential(cert: x509.X509Certificate, keys: CryptoKeyPair): Promise<TestCredential> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const hex = async (alg: string) => Buffer.from(await cert.getThumbprint(alg)).toString('hex').toUpperCase();
  return {
    cert,
    keys,
    certPem: cert.toString('pem'),
    keyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n').trim()}\n-----END PRIVATE KEY-----\n`,
    der: Buffer.from(cert.rawData).toString('base64'),
    sha1: await hex('SHA-1'),
    sha256: await hex('SHA-256'),
  };
}

export interface LeafOptions {
  subject: string;
  kind?: Kind;
  notBefore?: Date;
  notAfter?: Date;
  /** KeyUsageFlags; default digitalSignature | keyEncipherment (RSA) or digitalSignature | keyAgreement (EC). */
  keyUsage?: number;
  /** Extended key usages; default clientAuth; [] leaves the extension out. */
  eku?: string[];
  /** RSA modulus length of the subject's key; default 2048. */
  rsaBits?: number;
}

/**
 * A small PKI for tests: a root, an intermediate under it, and end-entity certificates of every
 * kind the login must accept or refuse, plus CRLs. Nothing is read from disk or the network.
 */
export class TestPki {
  private constructor(
    readonly root: TestCredential,
    readonly intermediate: TestCredential,
    private readonly kind: Kind,
  ) {}

  static async create(name = 'Test', kind: Kind = 'rsa'): Promise<TestPki> {
    const now = Date.now();
    const rootKeys = await keyPair(kind);
    const rootName = `CN=${name} Root CA, O=${name} PKI, C=KZ`;
    const root = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: nextSerial(),
      name: rootName,
      notBefore: new Date(now - 365 * DAY),
      notAfter: new Date(now + 10 * 365 * DAY),
      keys: rootKeys,
      signingAlgorithm: kind === 'rsa' ? RSA : EC,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
      ],
    });
    const interKeys = await keyPair(kind);
    const inter = await x509.X509CertificateGenerator.create({
      serialNumber: nextSerial(),
      subject: `CN=${name} Issuing CA, O=${name} PKI, C=KZ`,
      issuer: root.subject,
      notBefore: new Date(now - 180 * DAY),
      notAfter: new Date(now + 5 * 365 * DAY),
      publicKey: interKeys.publicKey,
      signingKey: rootKeys.privateKey,
      signingAlgorithm: kind === 'rsa' ? RSA : EC,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(interKeys.publicKey),
      ],
    });
    return new TestPki(await credential(root, rootKeys), await credential(inter, interKeys), kind);
  }

  /** The PEM bundle an operator would put in CERT_TRUST_BUNDLE: root then intermediate. */
  get bundle(): string {
    return this.root.certPem + this.intermediate.certPem;
  }

  /** An end-entity certificate issued by the intermediate. */
  async issue(o: LeafOptions): Promise<TestCredential> {
    const kind = o.kind ?? 'rsa';
    const now = Date.now();
    // The subject's key: RSA for encryption (RSA-OAEP) or EC for ECDH; the issuer signs with its own algorithm.
    const keys =
      kind === 'rsa'
        ? ((await webcrypto.subtle.generateKey({ ...RSA, name: 'RSA-OAEP', modulusLength: o.rsaBits ?? 2048 }, true, ['encrypt', 'decrypt'])) as CryptoKeyPair)
        : ((await webcrypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair);
    const usage = o.keyUsage ?? (kind === 'rsa' ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement);
    const eku = o.eku ?? [CLIENT_AUTH];
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: nextSerial(),
      subject: o.subject,
      issuer: this.intermediate.cert.subject,
      notBefore: o.notBefore ?? new Date(now - DAY),
      notAfter: o.notAfter ?? new Date(now + 365 * DAY),
      publicKey: keys.publicKey,
      signingKey: this.intermediate.keys.privateKey,
      signingAlgorithm: this.kind === 'rsa' ? RSA : EC,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(usage, true),
        ...(eku.length ? [new x509.ExtendedKeyUsageExtension(eku)] : []),
      ],
    });
    return credential(cert, keys);
  }

  user(subject: string, kind: Kind = 'rsa') {
    return this.issue({ subject, kind });
  }

  expired(subject: string) {
    return this.issue({ subject, notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY) });
  }

  notYetValid(subject: string) {
    return this.issue({ subject, notBefore: new Date(Date.now() + 10 * DAY), notAfter: new Date(Date.now() + 400 * DAY) });
  }

  /** Signs only certificates: no digitalSignature, no keyEncipherment. */
  wrongKeyUsage(subject: string) {
    return this.issue({ subject, keyUsage: x509.KeyUsageFlags.nonRepudiation });
  }

  /** An e-mail protection certificate: its extended key usage leaves out clientAuth. */
  wrongExtendedKeyUsage(subject: string) {
    return this.issue({ subject, eku: [EMAIL_PROTECTION] });
  }

  /** A CRL of the intermediate listing `revoked`; PEM. */
  async crl(revoked: TestCredential[], opts: { thisUpdate?: Date; nextUpdate?: Date } = {}): Promise<string> {
    const crl = await x509.X509CrlGenerator.create({
      issuer: this.intermediate.cert.subject,
      thisUpdate: opts.thisUpdate ?? new Date(Date.now() - 3600 * 1000),
      nextUpdate: opts.nextUpdate ?? new Date(Date.now() + 7 * DAY),
      entries: revoked.map((r) => ({ serialNumber: r.cert.serialNumber, revocationDate: new Date(Date.now() - 60 * 1000), reason: x509.X509CrlReason.keyCompromise })),
      signingKey: this.intermediate.keys.privateKey,
      signingAlgorithm: this.kind === 'rsa' ? RSA : EC,
    });
    return crl.toString('pem');
  }
}

/**
 * What the desktop helper does with a challenge: opens the JWE with the certificate's private key
 * and answers the key inside as base64 (`decrypted_key`).
 */
export async function decryptChallenge(jwe: string, keyPem: string): Promise<string> {
  const { alg } = decodeProtectedHeader(jwe);
  const key = await importPKCS8(keyPem, String(alg));
  const { plaintext } = await compactDecrypt(jwe, key);
  return Buffer.from(plaintext).toString('base64');
}
