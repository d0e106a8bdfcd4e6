import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusClient } from '@idp/bus';
import { AccountsSubjects, ConsentSubjects, PhoneSignInError, TrustedPhoneConsumeError } from '@idp/contracts';
import { AuthorizationRequest } from '@idp/domain';
import { ClientsService } from '../oidc/clients/clients.service';
import { SessionsService } from '../sessions/sessions.service';
import { BackchannelLogoutService } from '../logout/backchannel-logout.service';
import { pickLocale } from './i18n';
import { InteractionFlow } from './interaction-flow.service';
import { InteractionsService } from './interactions.service';
import { loginMethods } from './login-methods';
import { step } from './otp-login.controller';

/** The interaction's cancel_reason candidate when an otp_confirmation does not sign anyone in (a stable list, README). */
const CONFIRMATION_REASONS = {
  unknown: 'otp_confirmation_invalid',
  expired: 'otp_confirmation_expired',
  used: 'otp_confirmation_used',
  foreign: 'otp_confirmation_foreign',
} satisfies Record<TrustedPhoneConsumeError, string>;

const SIGN_IN_REASONS = {
  invalid_input: 'otp_confirmation_invalid',
  locked: 'account_locked',
} satisfies Record<PhoneSignInError, string>;

/**
 * Ways into an interaction that Aitu's partners shape: a phone the partner verified itself
 * (`otp_confirmation`) skips the SMS code; a `phone` hint that is not the signed-in user's ends that
 * session; both fall back to the code step for the hinted phone.
 */
@Injectable()
export class PartnerEntry {
  constructor(
    private readonly bus: BusClient,
    private readonly interactions: InteractionsService,
    private readonly flow: InteractionFlow,
    private readonly sessions: SessionsService,
    private readonly clients: ClientsService,
    private readonly backchannel: BackchannelLogoutService,
  ) {}

  /**
   * Uses the partner's confirmation up (single use, bound to the client and the phone) and signs
   * the browser in to the phone's account, or registers it with the phone verified, as a confirmed
   * SMS code would. Anything wrong with the secret falls back to the code step, with the reason
   * recorded for a later cancel.
   */
  async trustedPhone(req: FastifyRequest, reply: FastifyReply, request: AuthorizationRequest, secret: string): Promise<void> {
    const phone = request.phone!;
    const consumed = await this.bus.request(ConsentSubjects.trustedPhoneConsume, { clientId: request.client_id, phone, secret });
    if (!consumed.ok) return this.startAtCodeStep(req, reply, request, CONFIRMATION_REASONS[consumed.code]);
    const account = await this.bus.request(AccountsSubjects.phoneSignIn, { phone });
    if (!account.ok) return this.startAtCodeStep(req, reply, request, SIGN_IN_REASONS[account.code]);
    // Whoever was signed in in this browser before is not the person the partner vouched for.
    const current = await this.sessions.current(req);
    if (current && current.userId !== account.value.sub) await this.endSession(req, reply);
    const interaction = await this.interactions.start(reply, request, 'login');
    await this.flow.signedIn(interaction, req, reply, account.value.sub, ['otp'], account.value.created);
  }

  /** Ends the browser's SSO session as a logout does: its clients hear of it by back-channel logout. */
  async endSession(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const ended = await this.sessions.end(req, reply);
    if (ended) await this.backchannel.sessionEnded(ended.id, ended.userId);
  }

  /** True when the browser's session belongs to an account whose phone is not the hinted one. */
  async sessionIsForAnotherPhone(userId: string, request: AuthorizationRequest): Promise<boolean> {
    if (!request.phone) return false;
    const claims = await this.bus.value(AccountsSubjects.claimsGet, { sub: userId, scopes: ['phone'] });
    return claims.phone_number !== request.phone;
  }

  /**
   * A login interaction that starts where the hinted phone's code is typed: the code is sent at
   * once when the client allows phone codes, else the login page opens with the phone pre-filled.
   */
  async startAtCodeStep(req: FastifyRequest, reply: FastifyReply, request: AuthorizationRequest, reason?: string): Promise<void> {
    const interaction = await this.interactions.start(reply, request, 'login');
    if (reason) {
      await this.interactions.recordError(interaction, reason);
      interaction.lastError = reason;
    }
    const client = await this.clients.find(request.client_id);
    if (request.phone && client && loginMethods(client).phone) {
      const locale = pickLocale(request.ui_locales, req.headers['accept-language']);
      const sent = await this.bus.request(AccountsSubjects.otpSend, { channel: 'sms', destination: request.phone, purpose: 'login', ip: req.ip, locale });
      if (sent.ok && (await this.interactions.transition(interaction, 'otp', { otp: step(sent.value) }))) return this.flow.redirect(reply, interaction, '/otp');
    }
    return this.flow.redirect(reply, interaction);
  }
}
