import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import * as x509 from '@peculiar/x509';
import { BusClient } from '@idp/bus';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { CertificateFacts, CertificatesSubjects } from '@idp/contracts';
import { Client } from '../oidc/clients/clients.service';
import { UnauthorizedClient } from '../oidc/errors/oauth.errors';
import { CertificateRefused } from './certificate-errors';
import { Thumbprints, parseCertificate, thumbprints, toPem } from './certificate-parse';
import { validateCertificate } from './certificate.validator';
import { TrustStoreService } from './trust-store.service';

/** Subject attribute names CERT_SUBJECT_MAPPING may use, by OID. */
const ATTRIBUTE_OIDS: Record<string, string> = {
  cn: '2.5.4.3',
  serialnumber: '2.5.4.5',
  e: '1.2.840.113549.1.9.1',
  emailaddress: '1.2.840.113549.1.9.1',
  uid: '0.9.2342.19200300.100.1.1',
  o: '2.5.4.10',
  ou: '2.5.4.11',
};

export interface ValidatedCertificate {
  cert: x509.X509Certificate;
  prints: Thumbprints;
  /** SHA-1 thumbprints of the certificate and of each CA of its chain, leaf first. */
  chainSha1: string[];
}

/** What every way in by certificate shares: the client check, validation, and finding the account. */
@Injectable()
export class CertificateLoginService {
  constructor(
    private readonly trust: TrustStoreService,
    private readonly bus: BusClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Kontur: web and desktop apps may sign in by certificate, mobile (native) apps may not. */
  assertClientMay(client: Client): void {
    if (client.metadata.application_type === 'native') {
      throw new UnauthorizedClient('certificate login is not available to native (mobile) applications');
    }
    if (!client.metadata.allowed_login_methods.includes('certificate')) {
      throw new UnauthorizedClient('this client does not allow certificate login (allowed_login_methods)');
    }
  }

  /**
   * The certificate a TLS-terminating proxy verified and forwards in CERT_PROXY_HEADER (URL-encoded
   * PEM), only when the TCP peer itself (never X-Forwarded-For) is one of CERT_PROXY_ADDRESSES.
   */
  proxyCertificate(req: FastifyRequest): x509.X509Certificate | null {
    const { proxyHeader, proxyAddresses } = this.config.certificates;
    const peer = (req.raw.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    if (!proxyHeader || !proxyAddresses.includes(peer)) return null;
    const raw = req.headers[proxyHeader];
    if (typeof raw !== 'string' || !raw) return null;
    try {
      return parseCertificate(decodeURIComponent(raw));
    } catch {
      return null;
    }
  }

  /** Throws CertificateRefused with the first problem found. */
  async validate(cert: x509.X509Certificate, now = new Date()): Promise<ValidatedCertificate> {
    const outcome = await validateCertificate(cert, await this.trust.material(), now);
    if (!outcome.ok) throw new CertificateRefused(outcome.problem);
    const prints = await thumbprints(cert);
    const chainSha1 = [prints.sha1];
    for (const ca of outcome.chain.slice(1)) chainSha1.push((await thumbprints(ca)).sha1);
    return { cert, prints, chainSha1 };
  }

  /** The account the certificate signs in: its binding, else the subject mapping; throws unbound or locked. */
  async account(cert: x509.X509Certificate, prints: Thumbprints): Promise<string> {
    const mapping = this.mappedIdentifier(cert);
    const reply = await this.bus.request(CertificatesSubjects.resolve, { sha256: prints.sha256, ...(mapping ? { mapping } : {}) });
    if (!reply.ok) throw new CertificateRefused(reply.code);
    return reply.value.sub;
  }

  /** CERT_SUBJECT_MAPPING applied to the subject, e.g. serialNumber "IIN880101300123" -> the account with IIN 880101300123. */
  mappedIdentifier(cert: x509.X509Certificate): { field: 'iin' | 'login' | 'email'; value: string } | undefined {
    const mapping = this.config.certificates.subjectMapping;
    if (!mapping) return undefined;
    const oid = ATTRIBUTE_OIDS[mapping.attribute.toLowerCase()] ?? mapping.attribute;
    const [raw] = cert.subjectName.getField(oid);
    if (!raw) return undefined;
    const prefix = mapping.stripPrefix;
    if (prefix && !raw.toUpperCase().startsWith(prefix.toUpperCase())) return undefined;
    const value = raw.slice(prefix.length).trim();
    return value ? { field: mapping.field, value } : undefined;
  }

  facts(cert: x509.X509Certificate, prints: Thumbprints): CertificateFacts {
    return {
      sha1: prints.sha1,
      sha256: prints.sha256,
      subject: cert.subject,
      issuer: cert.issuer,
      serial_number: cert.serialNumber,
      not_before: cert.notBefore.toISOString(),
      not_after: cert.notAfter.toISOString(),
      pem: toPem(cert),
    };
  }
}
