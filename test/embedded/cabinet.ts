import { Browserless, PageResponse } from '@idp/testing';

/** A 1x1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** Opens /account signed out, signs in on the page it is sent to, and lands back on the cabinet. */
export async function signInToCabinet(base: string, login: string, password: string): Promise<{ browser: Browserless; page: PageResponse }> {
  const browser = new Browserless(base);
  const signIn = await browser.follow('/account');
  if (!signIn.url.includes('/interaction/')) throw new Error(`not sent to sign in: ${signIn.status} ${signIn.url}`);
  const page = await browser.submit(signIn, '/login', { username: login, password });
  return { browser, page };
}

/** The JSON API as the browser's own script would call it: cookies, and X-CSRF-Token on changes. */
export async function api(base: string, browser: Browserless | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const url = new URL(path, base).toString();
  const cookie = browser?.jar.header(url);
  const res = await fetch(url, {
    method,
    headers: { ...(cookie ? { Cookie: cookie } : {}), ...(body !== undefined && !Buffer.isBuffer(body) ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

/** A multipart/form-data body with text fields and one file, as a browser sends a file form. */
export function multipart(fields: Record<string, string>, file: { name: string; filename: string; type: string; data: Buffer }): { body: Buffer; contentType: string } {
  const boundary = `----cabinet${Date.now()}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.data, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The CSRF token the cabinet page carries in its forms. */
export function pageCsrf(page: PageResponse): string {
  const m = /name="csrf" value="([^"]+)"/.exec(page.body);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1];
}
