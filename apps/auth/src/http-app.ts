import fastifyCookie from '@fastify/cookie';
import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppConfig, registerRequestLog } from '@idp/config';
import { OAuthExceptionFilter } from './oidc/errors/oauth-exception.filter';
import { MetricsService } from './ops/metrics.service';
import { SigningKeysService } from './oidc/keys/signing-keys.service';
import { ClientsService } from './oidc/clients/clients.service';
import { registerCors } from './ops/cors';
import { registerSecurityHeaders } from './ops/security-headers';
import { registerGracefulShutdown } from './ops/graceful-shutdown';
import { registerUploadParsers } from './account/upload-parsers';
import { registerApiDocs } from './openapi/api-docs';

/**
 * Builds the HTTP application around a root module (the auth app alone, or the embedded
 * composition root): Fastify, cookies, the one exception filter, metrics, graceful shutdown.
 */
export async function createHttpApp(root: Type<unknown> | ReturnType<typeof Object>, config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ trustProxy: config.trustProxy, bodyLimit: 256 * 1024, return503OnClosing: true, pluginTimeout: 0 });
  const app = await NestFactory.create<NestFastifyApplication>(root as Type<unknown>, adapter, { bufferLogs: true, abortOnError: false, logger: ['error', 'warn'] });
  app.useLogger(app.get(Logger));
  await app.register(fastifyCookie);
  app.useGlobalFilters(new OAuthExceptionFilter());
  app.enableShutdownHooks();

  const metrics = app.get(MetricsService);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onResponse', async (req, reply) => {
    metrics.observeHttp(req.routeOptions.url ?? 'unmatched', req.method, reply.statusCode, reply.elapsedTime / 1000);
  });
  registerRequestLog(fastify);
  registerCors(fastify, app.get(ClientsService));
  registerSecurityHeaders(fastify, config.issuer);
  registerGracefulShutdown(fastify);
  registerUploadParsers(fastify);
  registerApiDocs(app, fastify, config.issuer);
  return app;
}

/** Starts listening, after the signing key exists (the first instance creates it). */
export async function listen(app: INestApplication, config: AppConfig): Promise<void> {
  await app.init();
  await app.get(SigningKeysService).keyRing();
  await app.listen(config.port, config.host);
}
