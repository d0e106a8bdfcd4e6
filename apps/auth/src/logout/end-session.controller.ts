import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { Locale, pickLocale } from '../interaction/i18n';
import { renderErrorPage } from '../interaction/views/error.view';
import { Client, ClientsService } from '../oidc/clients/clients.service';
import { randomToken, safeEqual } from '../oidc/crypto';
import { OAuthError, InvalidRequest } from '../oidc/errors/oauth.errors';
import { SigningKeysService } from '../oidc/keys/signing-keys.service';
import { singleValued } from '../oidc/params';
import { subjectFor } from '../oidc/subjects';
import { SessionsService } from '../sessions/sessions.service';
import { BackchannelLogoutService } from './backchannel-logout.service';
import { renderLoggedOut, renderLogoutConfirm } from './logout.views';
import { UpstreamLogout } from '../organizations/upstream-logout';

const CSRF_COOKIE = 'idp_logout';

interface LogoutRequest {
  client?: Client;
  postLogoutRedirectUri?: string;
  state?: string;
  locale: Locale;
  /** The hint's sub and sid, when an id_token_hint was given and verified. */
  hint?: { sub: string; sid?: string };
}

/** OpenID Connect RP-Initiated Logout 1.0 at /connect/endsession. */
@Controller('connect/endsession')
export class EndSessionController {
  constructor(
    private readonly clients: ClientsService,
    private readonly sessions: SessionsService,
    private readonly keys: SigningKeysService,
    private readonly backchannel: BackchannelLogoutService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly upstream: UpstreamLogout,
  ) {}

  @Get()
  get(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.start(req, reply, req.query);
  }

  @Post()
  post(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.start(req, reply, req.body);
  }

  /** The confirmation page's answer. */
  @Post('confirm')
  async confirm(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = singleValued(req.body);
    const cookie = req.cookies?.[CSRF_COOKIE];
    let logout: LogoutRequest;
    try {
      if (!cookie || !form.csrf || !safeEqual(cookie, form.csrf)) throw new InvalidRequest('the sign-out form could not be verified; start again');
      logout = await this.validate(req, form);
    } catch (err) {
      return this.errorPage(req, reply, err);
    }
    const ended = form.decision === 'logout' ? await this.endSession(req, reply) : null;
    return this.finish(reply, logout, ended?.id);
  }

  private async start(req: FastifyRequest, reply: FastifyReply, input: unknown) {
    let logout: LogoutRequest;
    let params: Record<string, string>;
    try {
      params = singleValued(input);
      logout = await this.validate(req, params);
    } catch (err) {
      return this.errorPage(req, reply, err);
    }
    const session = await this.sessions.current(req);
    if (!session) return this.finish(reply, logout);
    // The signed-in user's saved language comes after ui_locales and before Accept-Language.
    logout.locale = pickLocale(params.ui_locales, req.headers['accept-language'], session.locale);
    // A hint naming the signed-in user proves the request came from their client: no need to ask.
    const proven = logout.hint && logout.client && logout.hint.sub === subjectFor(logout.client, session.userId, this.config.pairwiseSalt) && (!logout.hint.sid || logout.hint.sid === session.id);
    if (proven) {
      const ended = await this.endSession(req, reply);
      return this.finish(reply, logout, ended?.id);
    }
    const csrf = randomToken();
    void reply.setCookie(CSRF_COOKIE, csrf, { path: '/connect/endsession', httpOnly: true, sameSite: 'lax', secure: this.config.issuer.startsWith('https://'), maxAge: 600 });
    const carry = { client_id: logout.client?.clientId, post_logout_redirect_uri: logout.postLogoutRedirectUri, state: logout.state, ui_locales: logout.locale };
    void reply
      .headers({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY' })
      .send(renderLogoutConfirm(logout.locale, csrf, logout.client?.metadata.client_name ?? this.config.issuer, carry));
  }

  private async validate(req: FastifyRequest, p: Record<string, string>): Promise<LogoutRequest> {
    const logout: LogoutRequest = { state: p.state, locale: pickLocale(p.ui_locales, req.headers['accept-language']) };
    let hintAud: string | undefined;
    if (p.id_token_hint) {
      let iat: number;
      try {
        iat = Number(decodeJwt(p.id_token_hint).iat ?? 0);
      } catch {
        throw new InvalidRequest('id_token_hint is not a JWT');
      }
      try {
        const { payload } = await (await this.keys.keyRing()).verify(p.id_token_hint, { issuer: this.config.issuer, currentDate: new Date(iat * 1000) });
        hintAud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
        logout.hint = { sub: String(payload.sub), sid: typeof payload.sid === 'string' ? payload.sid : undefined };
      } catch {
        throw new InvalidRequest('id_token_hint was not issued by this provider');
      }
    }
    if (p.client_id && hintAud && p.client_id !== hintAud) throw new InvalidRequest('client_id does not match the id_token_hint');
    const clientId = p.client_id ?? hintAud;
    if (clientId) {
      logout.client = (await this.clients.find(clientId)) ?? undefined;
      if (!logout.client) throw new InvalidRequest('the client is unknown');
    }
    if (p.post_logout_redirect_uri) {
      if (!logout.client) throw new InvalidRequest('post_logout_redirect_uri needs client_id or id_token_hint');
      if (!logout.client.metadata.post_logout_redirect_uris.includes(p.post_logout_redirect_uri)) {
        throw new InvalidRequest('post_logout_redirect_uri is not registered for this client');
      }
      logout.postLogoutRedirectUri = p.post_logout_redirect_uri;
    }
    return logout;
  }

  private async endSession(req: FastifyRequest, reply: FastifyReply) {
    const ended = await this.sessions.end(req, reply);
    if (ended) await this.backchannel.sessionEnded(ended.id, ended.userId);
    return ended;
  }

  private async finish(reply: FastifyReply, logout: LogoutRequest, endedSessionId?: string) {
    void reply.clearCookie(CSRF_COOKIE, { path: '/connect/endsession' });
    let then: string | undefined;
    if (logout.postLogoutRedirectUri) {
      const url = new URL(logout.postLogoutRedirectUri);
      if (logout.state !== undefined) url.searchParams.set('state', logout.state);
      then = url.toString();
    }
    // A session that came through a company's IdP ends there too, then comes back to the same place.
    const upstream = endedSessionId ? await this.upstream.redirectFor(endedSessionId, then) : null;
    if (upstream) return void reply.header('Cache-Control', 'no-store').redirect(upstream, 303);
    if (then) return void reply.header('Cache-Control', 'no-store').redirect(then, 303);
    void reply.headers({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).send(renderLoggedOut(logout.locale));
  }

  private errorPage(req: FastifyRequest, reply: FastifyReply, err: unknown) {
    if (!(err instanceof OAuthError)) throw err;
    const locale = pickLocale(undefined, req.headers['accept-language']);
    void reply.status(400).headers({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).send(renderErrorPage(locale, err.description, err.error));
  }
}
