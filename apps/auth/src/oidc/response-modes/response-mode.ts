import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { pickLocale, t } from '../../interaction/i18n';
import { esc } from '../../interaction/views/html';
import { savedLocaleOf } from '../../sessions/request-locale';

/** How an authorization response travels back to the client (OAuth 2.0 Multiple Response Types, Form Post). */
export interface ResponseMode {
  readonly name: string;
  send(reply: FastifyReply, redirectUri: string, params: Record<string, string>): void;
}

const noStore = (reply: FastifyReply) => reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');

export const queryMode: ResponseMode = {
  name: 'query',
  send(reply, redirectUri, params) {
    const url = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    void noStore(reply).redirect(url.toString(), 303);
  },
};

export const fragmentMode: ResponseMode = {
  name: 'fragment',
  send(reply, redirectUri, params) {
    const url = new URL(redirectUri);
    url.hash = new URLSearchParams(params).toString();
    void noStore(reply).redirect(url.toString(), 303);
  },
};

/** An auto-submitting form; the CSP allows exactly that one inline script and posting to the client. */
export const formPostMode: ResponseMode = {
  name: 'form_post',
  send(reply, redirectUri, params) {
    const fields = Object.entries(params)
      .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
      .join('\n');
    const script = 'document.forms[0].submit()';
    const l = pickLocale(undefined, reply.request?.headers?.['accept-language'], savedLocaleOf(reply.request));
    const html = `<!doctype html><html lang="${l}"><head><meta charset="utf-8"><title>${esc(t(l, 'formPost.title'))}</title></head>
<body><form method="post" action="${esc(redirectUri)}">${fields}
<noscript><button type="submit">${esc(t(l, 'formPost.continue'))}</button></noscript></form>
<script>${script}</script></body></html>`;
    void noStore(reply)
      .header('Content-Type', 'text/html; charset=utf-8')
      .header('Content-Security-Policy', `default-src 'none'; script-src 'sha256-${hashOf(script)}'; form-action ${new URL(redirectUri).origin}; frame-ancestors 'none'`)
      .send(html);
  },
};

function hashOf(source: string): string {
  return createHash('sha256').update(source).digest('base64');
}

export const RESPONSE_MODES: Record<string, ResponseMode> = {
  query: queryMode,
  fragment: fragmentMode,
  form_post: formPostMode,
};

/** RFC 6749 / OAuth 2.0 Multiple Response Types: code defaults to query. */
export function defaultResponseMode(responseType: string): string {
  return responseType === 'code' || responseType === 'none' ? 'query' : 'fragment';
}
