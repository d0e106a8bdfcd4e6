import { Controller, Get, Inject, Injectable, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { createHmac } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { safeEqual } from '../oidc/crypto';
import { renderLoggedOut } from '../logout/logout.views';
import { pickLocale } from '../interaction/i18n';
import { FederatedSessions } from './federated-sessions';

export const UPSTREAM_LOGGED_OUT_PATH = '/interaction/federated/logged-out';
/** How long the trip through the upstream's logout may take. */
const TRIP_SECONDS = 600;

/**
 * Ending our session also ends the upstream's: the browser goes to the upstream's
 * end_session_endpoint (when it advertises one) and comes back here, then on to the client's
 * post_logout_redirect_uri. The way on travels in `state`, MACed so it cannot be turned into an
 * open redirect.
 */
@Injectable()
export class UpstreamLogout {
  constructor(
    private readonly federated: FederatedSessions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Where to send the browser after our session `sessionId` ended, or null when it was not federated. */
  async redirectFor(sessionId: string, then?: string): Promise<string | null> {
    const endpoint = await this.federated.upstreamLogout(sessionId);
    if (!endpoint) return null;
    const url = new URL(endpoint);
    url.searchParams.set('post_logout_redirect_uri', this.config.issuer + UPSTREAM_LOGGED_OUT_PATH);
    url.searchParams.set('state', this.seal(then ?? ''));
    return url.toString();
  }

  /** The way on from a state we sealed; '' when there was none; null when it is not ours or too old. */
  open(state: string): string | null {
    const [body, mac] = state.split('.');
    if (!body || !mac || !safeEqual(mac, this.mac(body))) return null;
    try {
      const { u, exp } = JSON.parse(Buffer.from(body, 'base64url').toString());
      return typeof u === 'string' && typeof exp === 'number' && exp > Date.now() / 1000 ? u : null;
    } catch {
      return null;
    }
  }

  private seal(then: string): string {
    const body = Buffer.from(JSON.stringify({ u: then, exp: Math.floor(Date.now() / 1000) + TRIP_SECONDS })).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  private mac(body: string): string {
    return createHmac('sha256', this.config.keyEncryptionKey).update(`upstream-logout:${body}`).digest('base64url');
  }
}

@Controller('interaction/federated')
export class UpstreamLoggedOutController {
  constructor(private readonly logout: UpstreamLogout) {}

  @Get('logged-out')
  back(@Query('state') state: unknown, @Query('ui_locales') uiLocales: unknown, @Res() reply: FastifyReply) {
    const then = typeof state === 'string' ? this.logout.open(state) : null;
    if (then) return void reply.header('Cache-Control', 'no-store').redirect(then, 303);
    const locale = pickLocale(typeof uiLocales === 'string' ? uiLocales : undefined, reply.request.headers['accept-language']);
    void reply.headers({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).send(renderLoggedOut(locale));
  }
}
