import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import * as x509 from '@peculiar/x509';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { parseBundle, thumbprints, toPem } from './certificate-parse';
import { TrustMaterial } from './certificate.validator';

export interface TrustAnchorView {
  id: string;
  sha1: string;
  sha256: string;
  subject: string;
  not_after: string;
  source: 'config' | 'admin';
  created_at: string;
}

export interface CrlView {
  issuer: string;
  this_update: string;
  next_update: string | null;
  revoked_count: number;
}

export type AddAnchorResult = { ok: true; anchor: TrustAnchorView } | { ok: false; problem: 'not_a_ca' | 'duplicate' };
export type AddCrlResult = { ok: true; crl: CrlView } | { ok: false; problem: 'unknown_issuer' | 'stale' | 'older' };

const anchorView = (r: any): TrustAnchorView => ({
  id: r.id,
  sha1: r.sha1,
  sha256: r.sha256,
  subject: r.subject,
  not_after: new Date(r.not_after).toISOString(),
  source: r.source,
  created_at: new Date(r.created_at).toISOString(),
});
const crlView = (r: any): CrlView => ({
  issuer: r.issuer,
  this_update: new Date(r.this_update).toISOString(),
  next_update: r.next_update ? new Date(r.next_update).toISOString() : null,
  revoked_count: Number(r.revoked_count),
});

/**
 * The CA certificates certificate login trusts, and the CRLs loaded for them. Kept in the
 * database, so every auth instance sees an upload at once; CERT_TRUST_BUNDLE is written into it at
 * every start (its anchors marked `config`).
 */
@Injectable()
export class TrustStoreService implements OnModuleInit {
  private readonly logger = new Logger('trust-store');
  private cache: { stamp: string; material: TrustMaterial } | null = null;

  constructor(
    @InjectDataSource('auth') private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const certs = this.config.certificates.trustBundle ? parseBundle(this.config.certificates.trustBundle) : [];
    const keep: string[] = [];
    for (const cert of certs) {
      const result = await this.insert(cert, 'config');
      if (!result.ok && result.problem === 'not_a_ca') throw new Error(`CERT_TRUST_BUNDLE: "${cert.subject}" is not a CA certificate`);
      keep.push((await thumbprints(cert)).sha256);
    }
    // Anchors a previous bundle brought and this one no longer has stop being trusted.
    await this.db.query(`DELETE FROM auth.trust_anchors WHERE source = 'config' AND NOT (sha256 = ANY($1))`, [keep]);
    if (certs.length) this.logger.log(`certificate login trusts ${certs.length} CA certificate(s) from CERT_TRUST_BUNDLE`);
  }

  async add(cert: x509.X509Certificate): Promise<AddAnchorResult> {
    return this.insert(cert, 'admin');
  }

  private async insert(cert: x509.X509Certificate, source: 'config' | 'admin'): Promise<AddAnchorResult> {
    if (!cert.getExtension(x509.BasicConstraintsExtension)?.ca) return { ok: false, problem: 'not_a_ca' };
    const t = await thumbprints(cert);
    const rows = await this.db.query(
      `INSERT INTO auth.trust_anchors (id, sha256, sha1, subject, not_after, pem, source) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (sha256) DO NOTHING RETURNING *`,
      [randomUUID(), t.sha256, t.sha1, cert.subject, cert.notAfter, toPem(cert), source],
    );
    return rows[0] ? { ok: true, anchor: anchorView(rows[0]) } : { ok: false, problem: 'duplicate' };
  }

  async list(): Promise<TrustAnchorView[]> {
    return (await this.db.query(`SELECT * FROM auth.trust_anchors ORDER BY created_at, id`)).map(anchorView);
  }

  /** Removes an anchor an administrator added; those of CERT_TRUST_BUNDLE come back at the next start, so they are refused. */
  async remove(id: string): Promise<'removed' | 'not_found' | 'from_config'> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return 'not_found';
    const [row] = await this.db.query(`SELECT source FROM auth.trust_anchors WHERE id = $1`, [id]);
    if (!row) return 'not_found';
    if (row.source === 'config') return 'from_config';
    await this.db.query(`DELETE FROM auth.trust_anchors WHERE id = $1`, [id]);
    return 'removed';
  }

  /** A CRL signed by a trusted CA and not past its nextUpdate; it replaces an older CRL of the same issuer. */
  async addCrl(crl: x509.X509Crl, now: Date): Promise<AddCrlResult> {
    const anchors = await this.anchors();
    let signed = false;
    for (const a of anchors) if (a.subject === crl.issuer && (await crl.verify({ publicKey: a }).catch(() => false))) signed = true;
    if (!signed) return { ok: false, problem: 'unknown_issuer' };
    if (crl.nextUpdate && now > crl.nextUpdate) return { ok: false, problem: 'stale' };
    const rows = await this.db.query(
      `INSERT INTO auth.crls (issuer, this_update, next_update, revoked_count, der) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (issuer) DO UPDATE SET this_update = EXCLUDED.this_update, next_update = EXCLUDED.next_update,
         revoked_count = EXCLUDED.revoked_count, der = EXCLUDED.der, created_at = now()
       WHERE auth.crls.this_update < EXCLUDED.this_update
       RETURNING issuer, this_update, next_update, revoked_count`,
      [crl.issuer, crl.thisUpdate, crl.nextUpdate ?? null, crl.entries.length, Buffer.from(crl.rawData)],
    );
    return rows[0] ? { ok: true, crl: crlView(rows[0]) } : { ok: false, problem: 'older' };
  }

  async listCrls(): Promise<CrlView[]> {
    return (await this.db.query(`SELECT issuer, this_update, next_update, revoked_count FROM auth.crls ORDER BY issuer`)).map(crlView);
  }

  /**
   * Everything the validator needs. A change on any instance counts at once: one small query tells
   * whether the anchors or CRLs changed since they were last parsed (parsing a large CRL is the
   * expensive part, so it is not done on every login).
   */
  async material(): Promise<TrustMaterial> {
    const [{ stamp }] = await this.db.query(
      `SELECT (SELECT count(*) || ':' || coalesce(max(created_at)::text, '') FROM auth.trust_anchors) || '/' ||
              (SELECT count(*) || ':' || coalesce(max(created_at)::text, '') FROM auth.crls) AS stamp`,
    );
    const cached = this.cache;
    if (cached && cached.stamp === stamp) return cached.material;
    const crlRows: Array<{ der: Buffer }> = await this.db.query(`SELECT der FROM auth.crls`);
    const material = { anchors: await this.anchors(), crls: crlRows.map((r) => new x509.X509Crl(new Uint8Array(r.der))) };
    this.cache = { stamp, material };
    return material;
  }

  private async anchors(): Promise<x509.X509Certificate[]> {
    const rows: Array<{ pem: string }> = await this.db.query(`SELECT pem FROM auth.trust_anchors`);
    return rows.map((r) => new x509.X509Certificate(r.pem));
  }
}
