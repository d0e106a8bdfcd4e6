import type { FastifyInstance } from 'fastify';
import { ClientsService } from '../oidc/clients/clients.service';

/** Public metadata anyone may read from a browser. */
const PUBLIC = /^\/\.well-known\/openid-configuration(\/jwks)?$/;
/** Endpoints a single-page app calls itself: only from its registered origins. */
const CLIENT_FACING = /^\/connect\/(token|userinfo|introspect|revocation)$/;
const CACHE_MS = 30_000;

/**
 * CORS for the protocol endpoints browsers call directly; none for pages (they are never fetched
 * cross-origin). Client origins come from the registered redirect URIs, cached for 30 seconds.
 */
export function registerCors(fastify: FastifyInstance, clients: ClientsService): void {
  let origins: { at: number; set: Set<string> } | undefined;
  const clientOrigins = async (): Promise<Set<string>> => {
    if (!origins || Date.now() - origins.at > CACHE_MS) {
      const all = await clients.list();
      const set = new Set(all.flatMap((c) => c.metadata.redirect_uris).flatMap((u) => (/^https?:/.test(u) ? [new URL(u).origin] : [])));
      origins = { at: Date.now(), set };
    }
    return origins.set;
  };

  fastify.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (!origin) return;
    const path = req.url.split('?')[0];
    const isPublic = PUBLIC.test(path);
    if (!isPublic && !(CLIENT_FACING.test(path) && (await clientOrigins()).has(origin))) return;
    void reply.header('Access-Control-Allow-Origin', isPublic ? '*' : origin).header('Vary', 'Origin');
    if (req.method === 'OPTIONS') {
      // Returned, so Fastify stops here even while async onSend hooks are still finishing the answer.
      return reply
        .header('Access-Control-Allow-Methods', isPublic ? 'GET' : 'GET, POST')
        .header('Access-Control-Allow-Headers', 'Authorization, Content-Type')
        .header('Access-Control-Max-Age', '600')
        .status(204)
        .send();
    }
  });
}
