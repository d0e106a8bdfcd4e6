import type { FastifyInstance } from 'fastify';

/**
 * Once the server starts closing (SIGTERM), answers still in flight go out with `Connection: close`,
 * so their keep-alive sockets end with them and the process exits as soon as the last one is done,
 * instead of waiting out the keep-alive timeout. New requests meanwhile get 503 (return503OnClosing).
 */
export function registerGracefulShutdown(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  fastify.addHook('onSend', async (_req, reply, payload) => {
    if (closing) void reply.header('Connection', 'close');
    return payload;
  });
}
