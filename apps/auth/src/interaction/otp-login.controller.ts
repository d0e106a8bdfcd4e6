import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusClient } from '@idp/bus';
import { AccountsSubjects, OtpChallenge, OtpChannel, OtpSendError, OtpVerifyError, UpdateProfileError } from '@idp/contracts';
import { InteractionEntity, OtpStep } from '@idp/domain';
import { Locale, t } from './i18n';
import { Form, InteractionFlow, PageBase, str } from './interaction-flow.service';
import { InteractionsService } from './interactions.service';
import { loginMethods } from './login-methods';
import { renderLogin } from './views/login.view';
import { renderOtp } from './views/otp.view';
import { renderProfile } from './views/profile.view';
import { OtpCheckThrottleService } from '../rate-limit/otp-check-throttle.service';
import { HomeRealm } from '../organizations/home-realm';

type Vars = { seconds: number; left: number; channel: OtpChannel };

const SEND_ERRORS = {
  invalid_destination: { status: 400, text: (l, v) => t(l, v.channel === 'sms' ? 'otp.invalidPhone' : 'otp.invalidEmail') },
  resend_too_soon: { status: 429, text: (l, v) => t(l, 'otp.tooSoon', { seconds: String(v.seconds) }) },
  too_many_requests: { status: 429, text: (l, v) => t(l, 'otp.tooMany', { minutes: String(Math.ceil(v.seconds / 60)) }) },
} satisfies Record<OtpSendError, { status: number; text: (l: Locale, v: Vars) => string }>;

const VERIFY_ERRORS = {
  wrong_code: (l, v) => t(l, 'otp.wrong', { left: String(v.left) }),
  attempts_exhausted: (l) => t(l, 'otp.exhausted'),
  expired: (l) => t(l, 'otp.expired'),
  locked: (l) => t(l, 'login.locked'),
  method_disabled: (l) => t(l, 'login.methodDisabled'),
} satisfies Record<OtpVerifyError, (l: Locale, v: Vars) => string>;

const PROFILE_ERRORS = {
  invalid_input: (l) => t(l, 'profile.required'),
  not_found: (l) => t(l, 'error.expired'),
} satisfies Record<UpdateProfileError, (l: Locale) => string>;

/**
 * Sign-in with a one-time code to a phone or an e-mail address, inside the login interaction:
 * login -> otp -> (profile, for a new account) -> consent. The answers do not depend on whether
 * the phone or address has an account: the code is sent either way, and only a confirmed code
 * tells the two apart (a new account then gives its name).
 */
@Controller('interaction')
export class OtpLoginController {
  constructor(
    private readonly flow: InteractionFlow,
    private readonly interactions: InteractionsService,
    private readonly bus: BusClient,
    private readonly throttle: OtpCheckThrottleService,
    private readonly homeRealm: HomeRealm,
  ) {}

  @Post(':id/otp/phone')
  sendToPhone(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.start(id, 'sms', req, reply);
  }

  @Post(':id/otp/email')
  sendToEmail(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.start(id, 'email', req, reply);
  }

  @Get(':id/otp')
  async show(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const interaction = await this.flow.load(id, req, reply);
    if (!interaction) return;
    if (interaction.state !== 'otp' || !interaction.otp) return this.flow.redirect(reply, interaction);
    return this.codePage(interaction, req, reply);
  }

  @Post(':id/otp/verify')
  async verify(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.flow.load(id, req, reply, form);
    if (!interaction || interaction.state !== 'otp' || !interaction.otp) return interaction && this.flow.redirect(reply, interaction);
    const { destination } = interaction.otp;
    const wait = await this.throttle.blocked(destination, req.ip);
    if (wait !== null) {
      const base = await this.flow.pageBase(interaction, req);
      void reply.header('Retry-After', String(wait));
      return this.codePage(interaction, req, reply, { error: t(base.locale, 'login.tooMany', { seconds: String(wait) }) }, 429);
    }
    const result = await this.bus.request(AccountsSubjects.otpVerify, { challengeId: interaction.otp.challengeId, code: str(form.code) });
    if (!result.ok) {
      if (result.code === 'wrong_code' || result.code === 'attempts_exhausted') await this.throttle.failed(destination, req.ip);
      await this.interactions.recordError(interaction, `otp_${result.code}`);
      const base = await this.flow.pageBase(interaction, req);
      const error = VERIFY_ERRORS[result.code](base.locale, { left: result.details?.attemptsLeft ?? 0, seconds: 0, channel: interaction.otp.channel });
      return this.codePage(interaction, req, reply, { error }, 400);
    }
    return this.flow.signedIn(interaction, req, reply, result.value.sub, ['otp'], result.value.created);
  }

  @Post(':id/otp/resend')
  async resend(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.flow.load(id, req, reply, form);
    if (!interaction || interaction.state !== 'otp' || !interaction.otp) return interaction && this.flow.redirect(reply, interaction);
    const base = await this.flow.pageBase(interaction, req);
    const { channel, destination } = interaction.otp;
    const sent = await this.send(base, req, channel, destination);
    if (!sent.ok) {
      const error = SEND_ERRORS[sent.code];
      void reply.header('Retry-After', String(sent.details?.retryAfter ?? 0));
      return this.codePage(interaction, req, reply, { error: error.text(base.locale, { seconds: sent.details?.retryAfter ?? 0, left: 0, channel }) }, error.status);
    }
    if (!(await this.interactions.transition(interaction, 'otp', { otp: step(sent.value) }))) return this.flow.expired(req, reply);
    return this.codePage(interaction, req, reply, { notice: t(base.locale, 'otp.resent') });
  }

  /** Back to the login page, to type another phone or address. */
  @Post(':id/otp/back')
  async back(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.flow.load(id, req, reply, form);
    if (!interaction) return;
    if (interaction.state === 'otp') await this.interactions.transition(interaction, 'login', { otp: null });
    return this.flow.redirect(reply, interaction);
  }

  @Get(':id/profile')
  async showProfile(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const interaction = await this.flow.load(id, req, reply);
    if (!interaction) return;
    if (interaction.state !== 'profile') return this.flow.redirect(reply, interaction);
    return this.flow.html(reply, renderProfile(await this.flow.pageBase(interaction, req)));
  }

  @Post(':id/profile')
  async saveProfile(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.flow.load(id, req, reply, form);
    if (!interaction || interaction.state !== 'profile') return interaction && this.flow.redirect(reply, interaction);
    const values = { given_name: str(form.given_name), family_name: str(form.family_name) };
    const saved = await this.bus.request(AccountsSubjects.profileUpdate, { sub: interaction.userId!, ...values });
    if (!saved.ok) {
      const base = await this.flow.pageBase(interaction, req);
      return this.flow.html(reply, renderProfile({ ...base, values, error: PROFILE_ERRORS[saved.code](base.locale) }), 400);
    }
    return this.flow.proceed(interaction, req, reply);
  }

  private async start(id: string, channel: OtpChannel, req: FastifyRequest, reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.flow.load(id, req, reply, form);
    if (!interaction || interaction.state !== 'login') return interaction && this.flow.redirect(reply, interaction);
    const base = await this.flow.pageBase(interaction, req);
    const methods = loginMethods(base.client);
    if (!(channel === 'sms' ? methods.phone : methods.email)) return this.flow.redirect(reply, interaction);
    const typed = str(channel === 'sms' ? form.phone : form.email);
    // A work address on a verified company domain goes to the company's sign-in instead of getting a code.
    if (channel === 'email' && (await this.homeRealm.divert(reply, interaction, base.client, typed))) return;
    const sent = await this.send(base, req, channel, typed);
    if (!sent.ok) {
      const error = SEND_ERRORS[sent.code];
      const message = error.text(base.locale, { seconds: sent.details?.retryAfter ?? 0, left: 0, channel });
      if (sent.details?.retryAfter) void reply.header('Retry-After', String(sent.details.retryAfter));
      const values = channel === 'sms' ? { phone: typed } : { email: typed };
      return this.flow.html(reply, renderLogin({ ...base, methods, ...values, otpError: { channel, message } }), error.status);
    }
    if (!(await this.interactions.transition(interaction, 'otp', { otp: step(sent.value) }))) return this.flow.expired(req, reply);
    return this.flow.redirect(reply, interaction, '/otp');
  }

  private send(base: PageBase, req: FastifyRequest, channel: OtpChannel, destination: string) {
    return this.bus.request(AccountsSubjects.otpSend, { channel, destination, purpose: 'login', ip: req.ip, locale: base.locale });
  }

  private async codePage(interaction: InteractionEntity, req: FastifyRequest, reply: FastifyReply, extra: { error?: string; notice?: string } = {}, status = 200) {
    const base = await this.flow.pageBase(interaction, req);
    const otp = interaction.otp!;
    const resendAt = new Date(new Date(otp.sentAt).getTime() + otp.resendIn * 1000);
    const resendIn = Math.max(0, Math.ceil((resendAt.getTime() - Date.now()) / 1000));
    return this.flow.html(reply, renderOtp({ ...base, channel: otp.channel, destination: otp.destination, resendIn, resendAt, ...extra }), status);
  }
}

export function step(challenge: OtpChallenge): OtpStep {
  return { challengeId: challenge.challengeId, channel: challenge.channel, destination: challenge.destination, sentAt: new Date().toISOString(), resendIn: challenge.resendIn };
}
