import type { FastifyInstance } from 'fastify';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { AppConfig } from './config';

/** Paths that get no access-log line: probes and scrapes would drown the rest. */
const QUIET = /^\/(health|metrics)/;

/**
 * JSON logs (pino). Secrets never reach them: credentials and cookies are redacted, and URLs are
 * logged without their query (authorization codes and tokens travel there).
 *
 * Access logs are written by a Fastify hook (`registerRequestLog`), not by nestjs-pino's
 * Express-style middleware: that one runs every request through a middleware engine and an
 * AsyncLocalStorage scope, which turns on promise tracking for the whole process and cost more
 * CPU per token request than the rest of our own code.
 */
export function loggerModule(config: AppConfig) {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: config.logLevel,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'res.headers.location'],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { id: unknown; method: string; url: string; headers: Record<string, unknown>; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: String(req.url).split('?')[0],
          remoteAddress: req.remoteAddress,
          userAgent: req.headers?.['user-agent'],
        }),
      },
    },
    forRoutes: [],
  });
}

/**
 * One line per answered request (`request completed`, or `request errored` at level error for a
 * 5xx), in the shape pino-http writes: the request through the serializer above, the response's
 * status and headers (redacted), and the time taken in milliseconds. Nothing is built when the
 * level is above info.
 */
export function registerRequestLog(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const log = PinoLogger.root;
    const failed = reply.statusCode >= 500;
    if (log && (failed ? log.isLevelEnabled('error') : log.isLevelEnabled('info')) && !QUIET.test(request.url)) {
      const req = { id: request.id, method: request.method, url: request.url, headers: request.headers, socket: request.raw.socket };
      const line = { req, res: reply.raw, responseTime: Math.round(reply.elapsedTime) };
      if (failed) log.error(line, 'request errored');
      else log.info(line, 'request completed');
    }
    done();
  });
}
