import type { FastifyInstance } from 'fastify';
import { PHOTO_MAX_BYTES } from '@idp/contracts';
import { parseMultipart } from './multipart';

/** Room for the form's other fields and the multipart framing around a photo of the largest size. */
const FORM_OVERHEAD = 64 * 1024;
/** Read one byte past the limit, so "too large" is ours to answer (413 with a message), not a dropped connection. */
const RAW_LIMIT = PHOTO_MAX_BYTES + 1;

/**
 * Photo uploads: the cabinet's form (multipart/form-data) and the JSON API's raw body
 * (`Content-Type: image/jpeg|png|webp`). Only these allow bodies past the 256 KB default.
 */
export function registerUploadParsers(fastify: FastifyInstance): void {
  fastify.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: PHOTO_MAX_BYTES + FORM_OVERHEAD }, (req, body, done) => {
    const parsed = parseMultipart(body as Buffer, String(req.headers['content-type'] ?? ''));
    if (!parsed) {
      const err = Object.assign(new Error('the multipart body is not well formed'), { statusCode: 400 });
      return done(err, undefined);
    }
    done(null, parsed);
  });
  fastify.addContentTypeParser(/^image\//, { parseAs: 'buffer', bodyLimit: RAW_LIMIT + FORM_OVERHEAD }, (_req, body, done) => done(null, body));
}
