import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusClient } from '@idp/bus';
import { AccountsSubjects, OrganisationsSubjects as S, OtpSendError } from '@idp/contracts';
import { InteractionEntity } from '@idp/domain';
import { Locale, t } from '../interaction/i18n';
import { Form, InteractionFlow, str } from '../interaction/interaction-flow.service';
import { renderErrorPage } from '../interaction/views/error.view';
import { OtpCheckThrottleService } from '../rate-limit/otp-check-throttle.service';
import { FederatedSessions } from './federated-sessions';
import { renderLinkPage } from './federated.view';
import { LinkProof, PendingLink } from './link-proof';
import { UpstreamProvidersService } from './upstream-providers.service';

const SEND_ERRORS = {
  invalid_destination: { status: 400, key: 'fed.linkCodeWrong' },
  resend_too_soon: { status: 429, key: 'otp.tooSoon' },
  too_many_requests: { status: 429, key: 'otp.tooMany' },
} satisfies Record<OtpSendError, { status: number; key: 'fed.linkCodeWrong' | 'otp.tooSoon' | 'otp.tooMany' }>;

/**
 * The second way to prove an existing account before a company identity is linked to it: a
 * one-time code to the account's verified e-mail or phone (the OTP service's usual rules and
 * limits), for accounts that have no password.
 */
@Controller('interaction')
export class FederatedLinkCodeController {
  constructor(
    private readonly flow: InteractionFlow,
    private readonly bus: BusClient,
    private readonly proof: LinkProof,
    private readonly throttle: OtpCheckThrottleService,
    private readonly providers: UpstreamProvidersService,
    private readonly federatedSessions: FederatedSessions,
  ) {}

  @Post(':id/federated/link/code')
  async send(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.flow.load(id, req, reply, form);
    if (!interaction) return;
    const pending = await this.proof.pending(interaction.id);
    if (!pending || interaction.state !== 'login') return this.flow.redirect(reply, interaction);
    const base = await this.flow.pageBase(interaction, req);
    const target = (await this.proof.destinations(pending.holder)).find((d) => d.channel === str(form.channel));
    if (!target) return this.page(reply, base.locale, interaction, pending, { codeError: t(base.locale, 'fed.linkCodeWrong') }, 400);
    const sent = await this.bus.request(AccountsSubjects.otpSend, { channel: target.channel, destination: target.destination, purpose: '2fa', ip: req.ip, locale: base.locale });
    if (!sent.ok) {
      const error = SEND_ERRORS[sent.code];
      const seconds = sent.details?.retryAfter ?? 0;
      if (seconds) void reply.header('Retry-After', String(seconds));
      return this.page(reply, base.locale, interaction, pending, { codeError: t(base.locale, error.key, { seconds: String(seconds), minutes: String(Math.ceil(seconds / 60)) }) }, error.status);
    }
    await this.proof.rememberChallenge(interaction.id, { id: sent.value.challengeId, channel: target.channel, destination: target.label });
    return this.page(reply, base.locale, interaction, pending, { codeSentTo: target.label });
  }

  @Post(':id/federated/link/verify')
  async verify(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.flow.load(id, req, reply, form);
    if (!interaction) return;
    const pending = await this.proof.pending(interaction.id);
    if (!pending || interaction.state !== 'login') return this.flow.redirect(reply, interaction);
    const base = await this.flow.pageBase(interaction, req);
    const challenge = pending.challenge;
    if (!challenge || !pending.holder) return this.page(reply, base.locale, interaction, pending, { codeError: t(base.locale, 'fed.linkCodeWrong') }, 400);
    // Counted per account that would be linked (the phone is kept only masked here).
    const key = `link:${pending.holder}`;
    const wait = await this.throttle.blocked(key, req.ip);
    if (wait !== null) {
      void reply.header('Retry-After', String(wait));
      return this.page(reply, base.locale, interaction, pending, { codeSentTo: challenge.destination, codeError: t(base.locale, 'login.tooMany', { seconds: String(wait) }) }, 429);
    }
    const verified = await this.bus.request(AccountsSubjects.otpVerify, { challengeId: challenge.id, code: str(form.code) });
    // The code proves the identifier; it must be the identifier of the very account that has the address.
    if (!verified.ok || verified.value.sub !== pending.holder) {
      await this.throttle.failed(key, req.ip);
      return this.page(reply, base.locale, interaction, pending, { codeSentTo: challenge.destination, codeError: t(base.locale, 'fed.linkCodeWrong') }, 401);
    }
    const linked = await this.bus.request(S.federatedLink, { ...pending.profile, sub: pending.holder });
    if (!linked.ok) return this.flow.html(reply, renderErrorPage(base.locale, t(base.locale, 'fed.badResponse')), 409);
    await this.proof.done(interaction.id);
    const provider = await this.providers.find(pending.providerId);
    await this.federatedSessions.record(interaction.id, pending.providerId, provider?.issuer ?? provider?.authorizationEndpoint ?? pending.providerId);
    return this.flow.signedIn(interaction, req, reply, pending.holder, ['otp', 'fed']);
  }

  private async page(reply: FastifyReply, locale: Locale, interaction: InteractionEntity, pending: PendingLink, extra: { codeSentTo?: string; codeError?: string }, status = 200) {
    const codes = await this.proof.options(pending.holder);
    const html = renderLinkPage({ locale, interactionId: interaction.id, csrf: interaction.csrfToken, email: String(pending.profile.email ?? ''), codes, ...extra });
    return this.flow.html(reply, html, status);
  }
}
