import type { FastifyInstance } from 'fastify';

const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self' https: data:; frame-ancestors 'none'; base-uri 'none'";

/**
 * Headers every answer gets: pages a strict CSP and no framing unless they set their own (the
 * form_post page does), no MIME sniffing, no referrer leaking codes, and HSTS when served over https.
 */
export function registerSecurityHeaders(fastify: FastifyInstance, issuer: string): void {
  const https = issuer.startsWith('https://');
  fastify.addHook('onSend', async (_req, reply, payload) => {
    void reply.header('X-Content-Type-Options', 'nosniff').header('Referrer-Policy', 'no-referrer');
    if (https) void reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) {
      if (!reply.hasHeader('content-security-policy')) void reply.header('Content-Security-Policy', PAGE_CSP);
      if (!reply.hasHeader('x-frame-options')) void reply.header('X-Frame-Options', 'DENY');
    }
    return payload;
  });
}
