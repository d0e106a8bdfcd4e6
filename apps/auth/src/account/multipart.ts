/** A file field of a multipart/form-data body. */
export interface UploadedFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

export type MultipartBody = Record<string, string | UploadedFile>;

export const isFile = (v: unknown): v is UploadedFile => !!v && typeof v === 'object' && Buffer.isBuffer((v as UploadedFile).data);

/**
 * Reads a multipart/form-data body (RFC 7578) already held in memory: text fields as strings, file
 * fields as bytes. Null when the body is not well formed. Only the first value of a name is kept,
 * so a repeated field cannot replace the CSRF token.
 */
export function parseMultipart(body: Buffer, contentType: string): MultipartBody | null {
  const m = /boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  if (!m) return null;
  const delimiter = Buffer.from(`--${m[1] ?? m[2]}`);
  const out: MultipartBody = {};
  let pos = body.indexOf(delimiter);
  if (pos < 0) return null;
  for (let parts = 0; parts < 50; parts++) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === '--') return out;
    if (body.subarray(pos, pos + 2).toString() !== '\r\n') return null;
    pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), pos);
    if (headerEnd < 0 || next < 0 || headerEnd > next) return null;
    const headers = body.subarray(pos, headerEnd).toString('utf8');
    const content = body.subarray(headerEnd + 4, next);
    const disposition = /content-disposition:\s*form-data([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    if (name && !(name in out)) {
      out[name] = filename !== undefined
        ? { filename, contentType: /content-type:\s*([^\r\n;]+)/i.exec(headers)?.[1]?.trim().toLowerCase() ?? 'application/octet-stream', data: Buffer.from(content) }
        : content.toString('utf8');
    }
    pos = next + 2;
  }
  return null;
}
