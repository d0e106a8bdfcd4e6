import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusUnavailableError } from '@idp/bus';
import { isDatabaseUnavailable } from '@idp/database';
import { OAuthError, ServerError, TemporarilyUnavailable } from './oauth.errors';
import { renderErrorPage } from '../../interaction/views/error.view';
import { pickLocale } from '../../interaction/i18n';

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/** Pages (people) get an HTML error page; everything else gets the protocol's JSON. */
function wantsPage(req: FastifyRequest): boolean {
  const path = req.url.split('?')[0];
  // The authorization and logout endpoints are where a browser lands: a failure there is a page.
  if (/^\/connect\/(authorize|endsession)$/.test(path)) return String(req.headers.accept ?? '').includes('text/html');
  if (/^\/(connect|admin|api|\.well-known|health|metrics)(\/|$)/.test(path)) return false;
  return String(req.headers.accept ?? '').includes('text/html') || /^\/(interaction|demo|device)(\/|$)/.test(path);
}

/**
 * The one place errors become responses. Anything unexpected is logged and answered as
 * server_error, with no internals in the body.
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();

    let error: OAuthError;
    if (exception instanceof OAuthError) {
      error = exception;
    } else if (exception instanceof BusUnavailableError) {
      error = new TemporarilyUnavailable();
    } else if (isDatabaseUnavailable(exception)) {
      // A restart or failover of PostgreSQL: the client may retry; the pool reconnects by itself.
      this.logger.warn(`database unavailable: ${exception instanceof Error ? exception.message : String(exception)}`);
      error = new TemporarilyUnavailable('the database is not answering; try again shortly');
    } else if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (status >= 500 && status !== 503) this.logger.error(exception);
      if (wantsPage(req)) {
        const message = typeof response === 'string' ? response : (response as { message?: string }).message ?? exception.message;
        this.page(req, reply, status, String(message));
        return;
      }
      void reply.status(status).headers(NO_STORE).send(typeof response === 'object' ? response : { error: String(response) });
      return;
    } else {
      this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
      error = new ServerError('the server met an unexpected condition');
    }

    if (wantsPage(req)) {
      this.page(req, reply, error.status, error.description, error.error);
      return;
    }
    void reply.status(error.status).headers({ ...NO_STORE, ...error.headers }).send(error.body());
  }

  private page(req: FastifyRequest, reply: FastifyReply, status: number, message: string, code?: string) {
    const locale = pickLocale(undefined, req.headers['accept-language']);
    void reply
      .status(status)
      .headers({ ...NO_STORE, 'Content-Type': 'text/html; charset=utf-8' })
      .send(renderErrorPage(locale, message, code));
  }
}
