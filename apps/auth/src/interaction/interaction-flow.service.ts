import { BusClient, EventPublisher } from '@idp/bus';
import { AccountSubjects } from '@idp/contracts';
import { AuditTrailService } from '../account/audit-trail.service';
import { OrganisationsSubjects } from '@idp/contracts';
import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InteractionEntity } from '@idp/domain';
import { AuthorizationService } from '../oidc/authorize/authorization.service';
import { Client, ClientsService } from '../oidc/clients/clients.service';
import { SessionsService } from '../sessions/sessions.service';
import { SecondFactorGate } from '../second-factor/second-factor.gate';
import { Locale, pickLocale, t } from './i18n';
import { InteractionsService } from './interactions.service';
import { IinStep } from './iin-step.service';
import { renderErrorPage } from './views/error.view';

export type Form = Record<string, unknown>;
export const str = (v: unknown) => (typeof v === 'string' ? v : '');

export interface PageBase {
  locale: Locale;
  interactionId: string;
  csrf: string;
  clientName: string;
  client: Client | null;
}

/**
 * What every interaction page shares: loading the browser's interaction (with the CSRF check on
 * forms), the page basics, and the way on after the user is known (session, profile, consent, done).
 */
@Injectable()
export class InteractionFlow {
  constructor(
    private readonly interactions: InteractionsService,
    private readonly sessions: SessionsService,
    private readonly authorization: AuthorizationService,
    private readonly clients: ClientsService,
    private readonly events: EventPublisher,
    private readonly iinStep: IinStep,
    private readonly secondFactor: SecondFactorGate,
    private readonly bus: BusClient,
    private readonly audit: AuditTrailService,
  ) {}

  /** The interaction, if it is live and this browser's; on a POST also the CSRF token must match. */
  async load(id: string, req: FastifyRequest, reply: FastifyReply, form?: Form): Promise<InteractionEntity | null> {
    const interaction = await this.interactions.find(id, req);
    if (!interaction) {
      this.expired(req, reply);
      return null;
    }
    if (form && !this.interactions.csrfValid(interaction, form.csrf)) {
      const locale = this.locale(interaction, req);
      this.html(reply, renderErrorPage(locale, t(locale, 'error.csrf')), 403);
      return null;
    }
    return interaction;
  }

  /** ui_locales, then the language the user saved (once the user is known), then Accept-Language. */
  locale(interaction: InteractionEntity, req: FastifyRequest): Locale {
    return pickLocale(interaction.request.ui_locales, req.headers['accept-language'], interaction.userLocale);
  }

  async pageBase(interaction: InteractionEntity, req: FastifyRequest): Promise<PageBase> {
    const client = await this.clients.find(interaction.clientId);
    return {
      locale: this.locale(interaction, req),
      interactionId: interaction.id,
      csrf: interaction.csrfToken,
      clientName: client?.metadata.client_name ?? interaction.clientId,
      client,
    };
  }

  /**
   * After the first factor: the second factor when the account has one on, or an administrator or
   * the client requires one (unless this browser is trusted and the account has one), then on.
   */
  async signedIn(interaction: InteractionEntity, req: FastifyRequest, reply: FastifyReply, userId: string, amr: string[], askProfile = false) {
    // The one look at the account per sign-in: its saved language from here on, and whether a new password is due.
    const account = await this.bus.request(AccountSubjects.accountGet, { sub: userId });
    const known = { userLocale: account.ok ? account.value.locale : null, passwordChangeRequired: account.ok && account.value.password_change_required };
    interaction.userLocale = known.userLocale;
    const status = await this.secondFactor.needed(await this.clients.find(interaction.clientId), userId);
    if (status && !(status.enrolled && (await this.secondFactor.trustedBrowser(req, userId)))) {
      const secondFactor = { askProfile, firstFactorSms: interaction.otp?.channel === 'sms' };
      const moved = await this.interactions.transition(interaction, 'second_factor', { userId, amr, otp: null, secondFactor, userLocale: known.userLocale });
      return moved ? this.redirect(reply, interaction, '/second-factor') : this.expired(req, reply);
    }
    return this.establish(interaction, req, reply, userId, amr, askProfile, known.passwordChangeRequired);
  }

  /**
   * The user is known: the SSO session starts with how the user got in (RFC 8176 amr) and the
   * language saved in the profile, then a new account gives its name (or an account an
   * administrator marked sets a new password), then consent or straight back to the client.
   */
  async establish(interaction: InteractionEntity, req: FastifyRequest, reply: FastifyReply, userId: string, amr: string[], askProfile = false, passwordChangeRequired?: boolean) {
    const session = await this.sessions.start(reply, userId, amr, interaction.userLocale);
    // Invitations to the identifiers this account has verified are accepted at sign-in.
    await this.bus.value(OrganisationsSubjects.invitationsAccept, { sub: userId });
    this.events.publish('user.login_succeeded', { sub: userId, client_id: interaction.clientId, amr });
    await this.audit.record('user.login_succeeded', userId, { ip: req.ip, user_agent: String(req.headers['user-agent'] ?? '').slice(0, 400) || undefined, client_id: interaction.clientId }, { amr });
    const user = { userId, sessionId: session.id, authTime: session.authTime, amr, otp: null, userLocale: interaction.userLocale };
    const next = askProfile ? 'profile' : (passwordChangeRequired ?? (await this.passwordChangeRequired(userId))) ? 'password_change' : null;
    if (next) {
      const moved = await this.interactions.transition(interaction, next, user);
      return moved ? this.redirect(reply, interaction) : this.expired(req, reply);
    }
    return this.proceed(Object.assign(interaction, user), req, reply, user);
  }

  /** An administrator asked this account for a new password (the forced step comes before consent). */
  private async passwordChangeRequired(userId: string): Promise<boolean> {
    const account = await this.bus.request(AccountSubjects.accountGet, { sub: userId });
    return account.ok && account.value.password_change_required;
  }

  /** The user is known: the IIN step if the request needs it, consent if the client needs it, otherwise the code (or the device's approval). */
  async proceed(interaction: InteractionEntity, req: FastifyRequest, reply: FastifyReply, changes: Partial<InteractionEntity> = {}) {
    const client = await this.clients.find(interaction.clientId);
    if (!client) return this.expired(req, reply);
    if (interaction.state !== 'iin') {
      const iin = await this.iinStep.status(interaction.request, interaction.userId!);
      if (iin !== 'none') {
        const moved = await this.interactions.transition(interaction, 'iin', iin === 'mismatch' ? { ...changes, lastError: 'iin_mismatch' } : changes);
        return moved ? this.redirect(reply, interaction, '/iin') : this.expired(req, reply);
      }
    }
    if (await this.authorization.needsConsent(client, interaction.request, interaction.userId!)) {
      const moved = await this.interactions.transition(interaction, 'consent', changes);
      return moved ? this.redirect(reply, interaction) : this.expired(req, reply);
    }
    return this.finish(interaction, req, reply, changes);
  }

  async finish(interaction: InteractionEntity, req: FastifyRequest, reply: FastifyReply, changes: Partial<InteractionEntity> = {}) {
    if (!(await this.interactions.transition(interaction, 'completed', changes))) return this.expired(req, reply);
    await this.authorization.complete(reply, interaction.request, {
      userId: interaction.userId!,
      sessionId: interaction.sessionId!,
      authTime: interaction.authTime!,
      amr: interaction.amr ?? [],
    });
  }

  redirect(reply: FastifyReply, interaction: InteractionEntity, step = '') {
    void reply.redirect(`/interaction/${interaction.id}${step}`, 303);
  }

  expired(req: FastifyRequest, reply: FastifyReply) {
    const locale = pickLocale(undefined, req.headers['accept-language']);
    this.html(reply, renderErrorPage(locale, t(locale, 'error.expired')), 400);
  }

  html(reply: FastifyReply, body: string, status = 200) {
    void reply
      .status(status)
      .headers({
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Frame-Options': 'DENY',
        'Content-Security-Policy': "default-src 'none'; style-src 'self'; img-src 'self' https: data:; frame-ancestors 'none'; base-uri 'none'",
      })
      .send(body);
  }
}
