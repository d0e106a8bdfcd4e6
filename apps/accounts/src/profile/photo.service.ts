import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { AccountRef, BusReply, PHOTO_MAX_BYTES, PHOTO_PART_BYTES, PhotoGetError, PhotoGetRequest, PhotoPart, PhotoPutError, PhotoPutRequest, fail, ok } from '@idp/contracts';
import { AuditService } from '../audit/audit.service';
import { photoType } from './photo-type';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_PARTS = Math.ceil(PHOTO_MAX_BYTES / PHOTO_PART_BYTES);

/**
 * The user's picture, kept in accounts (JPEG, PNG or WebP, at most 1 MB). It crosses the bus in
 * parts; the last part assembles, checks and stores it in one transaction. The `picture` claim then
 * points to our photo endpoint.
 */
@Injectable()
export class PhotoService {
  constructor(
    @InjectDataSource('accounts') private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  get url(): string {
    return `${this.config.issuer}/api/v1/userdata/photo`;
  }

  async put(req: PhotoPutRequest): Promise<BusReply<{ stored: boolean }, PhotoPutError>> {
    const sub = String(req.sub ?? '');
    const uploadId = String(req.uploadId ?? '');
    const total = Number(req.total);
    const index = Number(req.index);
    if (!UUID.test(sub) || !(await this.live(sub))) return fail('not_found', 'no such user');
    if (!UUID.test(uploadId) || !Number.isInteger(total) || !Number.isInteger(index) || total < 1 || index < 0 || index >= total) {
      return fail('invalid_input', 'a part of a photo upload: uploadId, index, total');
    }
    if (total > MAX_PARTS) return fail('too_large', `a photo is at most ${PHOTO_MAX_BYTES} bytes`);
    const data = Buffer.from(String(req.data ?? ''), 'base64');
    if (data.length > PHOTO_PART_BYTES) return fail('too_large', `a part is at most ${PHOTO_PART_BYTES} bytes`);

    const outcome = await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM accounts.photo_uploads WHERE created_at < now() - interval '1 hour'`);
      await tx.query(
        `INSERT INTO accounts.photo_uploads (upload_id, part, user_id, data) VALUES ($1, $2, $3, $4) ON CONFLICT (upload_id, part) DO UPDATE SET data = EXCLUDED.data`,
        [uploadId, index, sub, data],
      );
      if (index !== total - 1) return 'pending' as const;
      const parts: Array<{ part: number; data: Buffer }> = await tx.query(`SELECT part, data FROM accounts.photo_uploads WHERE upload_id = $1 AND user_id = $2 ORDER BY part`, [uploadId, sub]);
      await tx.query(`DELETE FROM accounts.photo_uploads WHERE upload_id = $1`, [uploadId]);
      if (parts.length !== total || parts.some((p, i) => p.part !== i)) return 'invalid_input' as const;
      const photo = Buffer.concat(parts.map((p) => Buffer.from(p.data)));
      if (photo.length > PHOTO_MAX_BYTES) return 'too_large' as const;
      const type = photoType(photo);
      if (!type) return 'unsupported_type' as const;
      await tx.query(
        `INSERT INTO accounts.user_photos (user_id, content_type, data, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (user_id) DO UPDATE SET content_type = EXCLUDED.content_type, data = EXCLUDED.data, updated_at = now()`,
        [sub, type, photo],
      );
      await tx.query(`UPDATE accounts.users SET picture = $2, updated_at = now() WHERE id = $1`, [sub, this.url]);
      return 'stored' as const;
    });
    if (outcome === 'pending') return ok({ stored: false });
    if (outcome === 'stored') {
      await this.audit.record('account.photo_changed', sub, req.context);
      this.audit.claimsChanged(sub, ['picture']);
      return ok({ stored: true });
    }
    const messages = { invalid_input: 'the upload is missing parts', too_large: `a photo is at most ${PHOTO_MAX_BYTES} bytes`, unsupported_type: 'a photo is a JPEG, PNG or WebP image' };
    return fail(outcome, messages[outcome]);
  }

  async get(req: PhotoGetRequest): Promise<BusReply<PhotoPart, PhotoGetError>> {
    const sub = String(req.sub ?? '');
    const offset = Math.max(0, Math.floor(Number(req.offset) || 0));
    if (!UUID.test(sub)) return fail('not_found', 'no photo');
    const [row] = await this.db.query(
      `SELECT content_type, octet_length(data) AS size, substring(data FROM $2 FOR $3) AS part, updated_at FROM accounts.user_photos WHERE user_id = $1`,
      [sub, offset + 1, PHOTO_PART_BYTES],
    );
    if (!row) return fail('not_found', 'no photo');
    return ok({ content_type: row.content_type, size: Number(row.size), offset, data: Buffer.from(row.part).toString('base64'), updated_at: new Date(row.updated_at).toISOString() });
  }

  async remove(req: AccountRef): Promise<boolean> {
    const sub = String(req.sub ?? '');
    if (!UUID.test(sub)) return false;
    await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM accounts.user_photos WHERE user_id = $1`, [sub]);
      await tx.query(`UPDATE accounts.users SET picture = NULL, updated_at = now() WHERE id = $1`, [sub]);
    });
    await this.audit.record('account.photo_removed', sub, req.context);
    this.audit.claimsChanged(sub, ['picture']);
    return true;
  }

  private async live(sub: string): Promise<boolean> {
    const [row] = await this.db.query(`SELECT 1 FROM accounts.users WHERE id = $1 AND deleted_at IS NULL`, [sub]);
    return !!row;
  }
}
