import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from './config';

/**
 * JSON logs (pino). Secrets never reach them: credentials and cookies are redacted, and URLs are
 * logged without their query (authorization codes and tokens travel there).
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
      autoLogging: { ignore: (req: { url?: string }) => /^\/(health|metrics)/.test(req.url ?? '') },
    },
  });
}
