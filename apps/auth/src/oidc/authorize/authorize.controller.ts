import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizationRequest } from '@idp/domain';
import { InteractionsService } from '../../interaction/interactions.service';
import { pickLocale } from '../../interaction/i18n';
import { renderErrorPage } from '../../interaction/views/error.view';
import { SessionsService } from '../../sessions/sessions.service';
import { BusUnavailableError } from '@idp/bus';
import { ConsentRequired, InteractionRequired, InvalidRedirectTarget, LoginRequired, OAuthError, TemporarilyUnavailable } from '../errors/oauth.errors';
import { IinStep } from '../../interaction/iin-step.service';
import { PartnerEntry } from '../../interaction/partner-entry.service';
import { singleValued } from '../params';
import { TokenIssuerService } from '../tokens/token-issuer.service';
import { AuthorizationService } from './authorization.service';
import { AuthorizeChecks } from './authorize-checks';
import { AuthorizeContext } from './authorize-context';

/** GET and POST /connect/authorize (OpenID Connect Core 3.1.2.1). */
@Controller()
export class AuthorizeController {
  constructor(
    private readonly checks: AuthorizeChecks,
    private readonly authorization: AuthorizationService,
    private readonly sessions: SessionsService,
    private readonly interactions: InteractionsService,
    private readonly issuer: TokenIssuerService,
    private readonly partner: PartnerEntry,
    private readonly iinStep: IinStep,
  ) {}

  @Get('connect/authorize')
  get(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.authorize(req, reply, req.query);
  }

  @Post('connect/authorize')
  post(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.authorize(req, reply, req.body);
  }

  private async authorize(req: FastifyRequest, reply: FastifyReply, input: unknown): Promise<void> {
    const ctx: AuthorizeContext = { params: {}, request: {} };
    try {
      ctx.params = singleValued(input);
      await this.checks.run(ctx);
      await this.decide(req, reply, ctx.request as AuthorizationRequest, ctx);
    } catch (caught) {
      const err = caught instanceof BusUnavailableError ? new TemporarilyUnavailable() : caught;
      if (err instanceof OAuthError && ctx.client && ctx.redirectUri) {
        const target = { redirect_uri: ctx.redirectUri, state: ctx.params.state, response_mode: ctx.responseMode, response_type: ctx.params.response_type, scope: ctx.params.scope };
        this.authorization.fail(reply, target, err);
        return;
      }
      if (err instanceof InvalidRedirectTarget || err instanceof OAuthError) {
        const locale = pickLocale(ctx.params.ui_locales, req.headers['accept-language']);
        void reply.status(400).header('Content-Type', 'text/html; charset=utf-8').header('Cache-Control', 'no-store').send(renderErrorPage(locale, err instanceof OAuthError ? err.description : err.description, err instanceof OAuthError ? err.error : 'invalid_request'));
        return;
      }
      throw err;
    }
  }

  /**
   * A partner's otp_confirmation signs the phone in first; a phone hint for another phone ends the
   * session. A live session is reused unless prompt=login or max_age says it is too old; then the
   * IIN step, consent, and the code.
   */
  private async decide(req: FastifyRequest, reply: FastifyReply, request: AuthorizationRequest, ctx: AuthorizeContext): Promise<void> {
    let found = await this.sessions.current(req);
    const confirmation = ctx.params.otp_confirmation;
    if (confirmation !== undefined && !request.prompt.includes('none')) {
      if (!ctx.client!.metadata.trusted_phone_enabled) return this.partner.startAtCodeStep(req, reply, request, 'otp_confirmation_invalid');
      return this.partner.trustedPhone(req, reply, request, confirmation);
    }
    // Aitu: a phone hint for someone else ends the browser's session; the person starts again at the code step.
    if (found && (await this.partner.sessionIsForAnotherPhone(found.userId, request))) {
      await this.partner.endSession(req, reply);
      if (!request.prompt.includes('none')) return this.partner.startAtCodeStep(req, reply, request);
      found = null;
    }
    const session = found;
    const tooOld = session && request.max_age !== undefined && Date.now() - session.authTime.getTime() > request.max_age * 1000;
    const otherUser = session && request.id_token_hint_sub !== undefined && this.issuer.subject(ctx.client!, session.userId) !== request.id_token_hint_sub;
    // A client that requires a second factor does not take a session that was opened without one.
    const weak = session && ctx.client!.metadata.require_2fa && !session.amr.includes('mfa');
    const reuse = session && !tooOld && !otherUser && !weak && !request.prompt.includes('login') && !request.prompt.includes('select_account');

    if (request.prompt.includes('none')) {
      if (!reuse) throw new LoginRequired('the user is not signed in');
      if ((await this.iinStep.status(request, session.userId)) !== 'none') throw new InteractionRequired('the user must confirm the IIN');
      if (await this.authorization.needsConsent(ctx.client!, request, session.userId)) throw new ConsentRequired('the user has not consented to these scopes');
      await this.authorization.complete(reply, request, { userId: session.userId, sessionId: session.id, authTime: session.authTime, amr: session.amr });
      return;
    }
    if (!reuse) {
      const interaction = await this.interactions.start(reply, request, 'login');
      void reply.redirect(`/interaction/${interaction.id}`, 303);
      return;
    }
    const user = { userId: session.userId, sessionId: session.id, authTime: session.authTime, amr: session.amr, locale: session.locale };
    const iin = await this.iinStep.status(request, session.userId);
    if (iin !== 'none') {
      const interaction = await this.interactions.start(reply, request, 'iin', user);
      if (iin === 'mismatch') await this.interactions.recordError(interaction, 'iin_mismatch');
      void reply.redirect(`/interaction/${interaction.id}/iin`, 303);
      return;
    }
    if (await this.authorization.needsConsent(ctx.client!, request, session.userId)) {
      const interaction = await this.interactions.start(reply, request, 'consent', user);
      void reply.redirect(`/interaction/${interaction.id}`, 303);
      return;
    }
    await this.authorization.complete(reply, request, user);
  }
}
