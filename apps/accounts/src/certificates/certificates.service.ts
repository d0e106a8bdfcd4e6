import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  BindCertificateError,
  BindCertificateRequest,
  BoundCertificate,
  BusReply,
  RemoveCertificateError,
  ResolveCertificateError,
  ResolveCertificateRequest,
  fail,
  ok,
} from '@idp/contracts';
import { isValidIin } from '@idp/domain';
import { normaliseEmail, normaliseLogin } from '../users/identifiers';

const UUID = /^[0-9a-f-]{36}$/;
const HEX = /^[0-9A-F]{40}$|^[0-9A-F]{64}$/;

interface Row {
  id: string;
  user_id: string;
  sha1: string;
  sha256: string;
  subject: string;
  issuer: string;
  serial_number: string;
  not_before: Date;
  not_after: Date;
  source: 'challenge' | 'admin';
  created_at: Date;
}

const view = (r: Row): BoundCertificate => ({
  id: r.id,
  sha1: r.sha1,
  sha256: r.sha256,
  subject: r.subject,
  issuer: r.issuer,
  serial_number: r.serial_number,
  not_before: new Date(r.not_before).toISOString(),
  not_after: new Date(r.not_after).toISOString(),
  source: r.source,
  created_at: new Date(r.created_at).toISOString(),
});

/**
 * Certificates bound to accounts. Auth has validated each certificate (chain, validity, key usage)
 * and proven possession before it asks to bind one; a certificate signs in one account only.
 */
@Injectable()
export class CertificatesService {
  constructor(@InjectDataSource('accounts') private readonly db: DataSource) {}

  async bind(req: BindCertificateRequest): Promise<BusReply<BoundCertificate, BindCertificateError>> {
    const c = req.certificate;
    if (!UUID.test(String(req.sub)) || !c || !HEX.test(String(c.sha1)) || !HEX.test(String(c.sha256))) return fail('not_found', 'no such user');
    return this.db.transaction(async (tx) => {
      const [user] = await tx.query(`SELECT id FROM accounts.users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`, [req.sub]);
      if (!user) return fail('not_found', 'no such user');
      const [owner] = await tx.query(`SELECT user_id FROM accounts.certificates WHERE sha256 = $1`, [c.sha256]);
      if (owner) return owner.user_id === req.sub ? fail('already_bound', 'this certificate is already bound to this account') : fail('bound_elsewhere', 'this certificate is bound to another account');
      const rows: Row[] = await tx.query(
        `INSERT INTO accounts.certificates (id, user_id, sha1, sha256, subject, issuer, serial_number, not_before, not_after, pem, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
        [randomUUID(), req.sub, c.sha1, c.sha256, c.subject, c.issuer, c.serial_number, c.not_before, c.not_after, c.pem, req.source === 'admin' ? 'admin' : 'challenge'],
      );
      return ok(view(rows[0]));
    });
  }

  async list(sub: string): Promise<BoundCertificate[]> {
    if (!UUID.test(String(sub))) return [];
    const rows: Row[] = await this.db.query(`SELECT * FROM accounts.certificates WHERE user_id = $1 ORDER BY created_at, id`, [sub]);
    return rows.map(view);
  }

  async remove(sub: string, id: string): Promise<BusReply<{ id: string }, RemoveCertificateError>> {
    if (!UUID.test(String(sub)) || !UUID.test(String(id))) return fail('not_found', 'no such certificate');
    const result = await this.db.query(`DELETE FROM accounts.certificates WHERE user_id = $1 AND id = $2 RETURNING id`, [sub, id]);
    const rows = Array.isArray(result[0]) ? result[0] : result;
    return rows.length ? ok({ id }) : fail('not_found', 'no such certificate');
  }

  /** The bound account, else (when auth read an identifier from the subject) the account holding it. */
  async resolve(req: ResolveCertificateRequest): Promise<BusReply<{ sub: string; via: 'binding' | 'mapping' }, ResolveCertificateError>> {
    const [bound] = await this.db.query(
      `SELECT u.id, u.locked_at FROM accounts.certificates c JOIN accounts.users u ON u.id = c.user_id WHERE c.sha256 = $1 AND u.deleted_at IS NULL`,
      [String(req.sha256)],
    );
    if (bound) return bound.locked_at ? fail('locked', 'the account is locked') : ok({ sub: bound.id, via: 'binding' as const });
    const mapped = await this.mapped(req.mapping);
    if (mapped) return mapped.locked_at ? fail('locked', 'the account is locked') : ok({ sub: mapped.id, via: 'mapping' as const });
    return fail('unbound', 'no account is bound to this certificate');
  }

  private async mapped(mapping: ResolveCertificateRequest['mapping']): Promise<{ id: string; locked_at: Date | null } | null> {
    if (!mapping || typeof mapping.value !== 'string') return null;
    if (mapping.field === 'iin') {
      if (!isValidIin(mapping.value)) return null;
      const [user] = await this.db.query(`SELECT id, locked_at FROM accounts.users WHERE iin = $1 AND deleted_at IS NULL`, [mapping.value]);
      return user ?? null;
    }
    if (mapping.field === 'login') {
      const login = normaliseLogin(mapping.value);
      if (!login) return null;
      const [user] = await this.db.query(`SELECT id, locked_at FROM accounts.users WHERE login = $1 AND deleted_at IS NULL`, [login]);
      return user ?? null;
    }
    if (mapping.field === 'email') {
      const email = normaliseEmail(mapping.value);
      if (!email) return null;
      const [user] = await this.db.query(
        `SELECT u.id, u.locked_at FROM accounts.user_identifiers i JOIN accounts.users u ON u.id = i.user_id
          WHERE i.kind = 'email' AND i.value = $1 AND i.verified AND u.deleted_at IS NULL`,
        [email],
      );
      return user ?? null;
    }
    return null;
  }
}
