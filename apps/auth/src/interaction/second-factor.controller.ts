import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusClient, EventPublisher } from '@idp/bus';
import { SecondFactorMethod, SecondFactorSmsSendError, SecondFactorStatus, SecondFactorSubjects, SecondFactorVerifyDetails, SecondFactorVerifyError, SmsEnrolSendError } from '@idp/contracts';
import { InteractionEntity } from '@idp/domain';
import { SecondFactorGate, withSecondFactor } from '../second-factor/second-factor.gate';
import { Locale, t } from './i18n';
import { Form, InteractionFlow, str } from './interaction-flow.service';
import { InteractionsService } from './interactions.service';
import { SmsEnrolOption, renderSecondFactor, renderSecondFactorEnrol, renderSecondFactorEnrolled } from './views/second-factor.view';

export const VERIFY_ERRORS = {
  wrong_code: { status: 400, text: (l, d) => t(l, 'twofa.wrong', { left: String(d.attemptsLeft ?? 0) }) },
  too_many_attempts: { status: 429, text: (l, d) => t(l, 'twofa.tooMany', { seconds: String(d.retryAfter ?? 0) }) },
  replayed: { status: 400, text: (l) => t(l, 'twofa.replayed') },
  not_enrolled: { status: 400, text: (l) => t(l, 'twofa.notEnrolled') },
  expired: { status: 400, text: (l) => t(l, 'twofa.expired') },
  locked: { status: 403, text: (l) => t(l, 'login.locked') },
} satisfies Record<SecondFactorVerifyError, { status: number; text: (l: Locale, d: SecondFactorVerifyDetails) => string }>;

const SMS_SEND_ERRORS = {
  not_enrolled: (l) => t(l, 'twofa.notEnrolled'),
  resend_too_soon: (l, s) => t(l, 'twofa.sendFailed', { seconds: String(s) }),
  too_many_requests: (l, s) => t(l, 'twofa.sendFailed', { seconds: String(s) }),
} satisfies Record<SecondFactorSmsSendError, (l: Locale, seconds: number) => string>;

const SMS_ENROL_SEND_ERRORS = {
  no_verified_phone: { status: 400, text: (l) => t(l, 'twofa.enrolSmsNoPhone') },
  already_on: { status: 400, text: (l) => t(l, 'twofa.notEnrolled') },
  resend_too_soon: { status: 429, text: (l, s) => t(l, 'twofa.sendFailed', { seconds: String(s) }) },
  too_many_requests: { status: 429, text: (l, s) => t(l, 'twofa.sendFailed', { seconds: String(s) }) },
} satisfies Record<SmsEnrolSendError, { status: number; text: (l: Locale, seconds: number) => string }>;

const METHODS: SecondFactorMethod[] = ['totp', 'sms', 'backup_code'];

/**
 * The second_factor step of a sign-in: the authenticator app's code, an SMS code to the verified
 * phone, or a backup code; or, when the account must have a factor and has none, enrolling one
 * first (an authenticator app, or SMS codes to the verified phone). Only then does the SSO session start.
 */
@Controller('interaction')
export class SecondFactorController {
  constructor(
    private readonly flow: InteractionFlow,
    private readonly interactions: InteractionsService,
    private readonly gate: SecondFactorGate,
    private readonly bus: BusClient,
    private readonly events: EventPublisher,
  ) {}

  @Get(':id/second-factor')
  async show(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const interaction = await this.load(id, req, reply);
    if (!interaction) return;
    return this.page(interaction, req, reply);
  }

  @Post(':id/second-factor/verify')
  async verify(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.load(id, req, reply, form);
    if (!interaction) return;
    const method = METHODS.find((m) => m === form.method) ?? 'totp';
    if (method === 'sms' && interaction.secondFactor?.firstFactorSms) return this.smsNotOffered(interaction, req, reply);
    const result = await this.bus.request(SecondFactorSubjects.verify, { sub: interaction.userId!, method, code: str(form.code), challengeId: interaction.otp?.challengeId });
    if (!result.ok) {
      await this.interactions.recordError(interaction, `second_factor_${result.code}`);
      this.events.publish('user.login_failed', { client_id: interaction.clientId, reason: `second_factor_${result.code}` });
      const l = (await this.flow.pageBase(interaction, req)).locale;
      const error = VERIFY_ERRORS[result.code];
      if (result.details?.retryAfter) void reply.header('Retry-After', String(result.details.retryAfter));
      return this.page(interaction, req, reply, { error: error.text(l, result.details ?? {}) }, error.status);
    }
    if (form.remember === '1') await this.gate.rememberBrowser(req, reply, interaction.userId!);
    return this.flow.establish(interaction, req, reply, interaction.userId!, withSecondFactor(interaction.amr, result.value.amr), !!interaction.secondFactor?.askProfile);
  }

  @Post(':id/second-factor/sms')
  async sendSms(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.load(id, req, reply, form);
    if (!interaction) return;
    if (interaction.secondFactor?.firstFactorSms) return this.smsNotOffered(interaction, req, reply);
    const base = await this.flow.pageBase(interaction, req);
    const sent = await this.bus.request(SecondFactorSubjects.smsSend, { sub: interaction.userId!, ip: req.ip, locale: base.locale });
    if (!sent.ok) {
      const seconds = sent.details?.retryAfter ?? 0;
      if (seconds) void reply.header('Retry-After', String(seconds));
      return this.page(interaction, req, reply, { error: SMS_SEND_ERRORS[sent.code](base.locale, seconds) }, sent.code === 'not_enrolled' ? 400 : 429);
    }
    const otp = { challengeId: sent.value.challengeId, channel: 'sms' as const, destination: sent.value.phoneMasked, sentAt: new Date().toISOString(), resendIn: sent.value.resendIn };
    if (!(await this.interactions.transition(interaction, 'second_factor', { otp }))) return this.flow.expired(req, reply);
    return this.page(interaction, req, reply, { notice: t(base.locale, 'twofa.smsSent', { phone: sent.value.phoneMasked }) });
  }

  /** Enrolment in the flow: the first code confirms the app; the backup codes are shown once. */
  @Post(':id/second-factor/enrol')
  async enrol(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.load(id, req, reply, form);
    if (!interaction) return;
    const base = await this.flow.pageBase(interaction, req);
    if (await this.alreadyEnrolled(interaction)) return this.page(interaction, req, reply, { error: t(base.locale, 'twofa.notEnrolled') }, 400);
    const confirmed = await this.bus.request(SecondFactorSubjects.totpConfirm, { sub: interaction.userId!, code: str(form.code) });
    if (!confirmed.ok) {
      await this.interactions.recordError(interaction, `second_factor_${confirmed.code}`);
      const error = VERIFY_ERRORS[confirmed.code];
      return this.page(interaction, req, reply, { error: error.text(base.locale, confirmed.details ?? {}) }, error.status);
    }
    const secondFactor = { ...interaction.secondFactor, askProfile: !!interaction.secondFactor?.askProfile, enrolledAmr: 'otp' };
    if (!(await this.interactions.transition(interaction, 'second_factor', { secondFactor }))) return this.flow.expired(req, reply);
    return this.flow.html(reply, renderSecondFactorEnrolled({ ...base, codes: confirmed.value.backupCodes, rememberDays: this.gate.trustedDeviceDays }));
  }

  /** SMS enrolment in the flow, step 1: a code to the verified phone (purpose 2fa, the usual code rules). */
  @Post(':id/second-factor/enrol-sms/send')
  async enrolSmsSend(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.load(id, req, reply, form);
    if (!interaction) return;
    const base = await this.flow.pageBase(interaction, req);
    if (interaction.secondFactor?.firstFactorSms) return this.page(interaction, req, reply, { error: t(base.locale, 'twofa.enrolSmsAfterSms') }, 400);
    const sent = await this.bus.request(SecondFactorSubjects.smsEnrolSend, { sub: interaction.userId!, ip: req.ip, locale: base.locale });
    if (!sent.ok) {
      const seconds = sent.details?.retryAfter ?? 0;
      if (seconds) void reply.header('Retry-After', String(seconds));
      const error = SMS_ENROL_SEND_ERRORS[sent.code];
      return this.page(interaction, req, reply, { error: error.text(base.locale, seconds) }, error.status);
    }
    const otp = { challengeId: sent.value.challengeId, channel: 'sms' as const, destination: sent.value.phoneMasked, sentAt: new Date().toISOString(), resendIn: sent.value.resendIn };
    if (!(await this.interactions.transition(interaction, 'second_factor', { otp }))) return this.flow.expired(req, reply);
    return this.page(interaction, req, reply, { notice: t(base.locale, 'twofa.enrolSmsSent', { phone: sent.value.phoneMasked }) });
  }

  /** SMS enrolment in the flow, step 2: the code turns the SMS factor on; the backup codes are shown once. */
  @Post(':id/second-factor/enrol-sms')
  async enrolSmsConfirm(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.load(id, req, reply, form);
    if (!interaction) return;
    const base = await this.flow.pageBase(interaction, req);
    if (interaction.secondFactor?.firstFactorSms) return this.page(interaction, req, reply, { error: t(base.locale, 'twofa.enrolSmsAfterSms') }, 400);
    if (!interaction.otp) return this.page(interaction, req, reply, { error: t(base.locale, 'twofa.expired') }, 400);
    const confirmed = await this.bus.request(SecondFactorSubjects.smsEnrolConfirm, { sub: interaction.userId!, challengeId: interaction.otp.challengeId, code: str(form.code) });
    if (!confirmed.ok) {
      await this.interactions.recordError(interaction, `second_factor_${confirmed.code}`);
      const error = VERIFY_ERRORS[confirmed.code];
      if (confirmed.details?.retryAfter) void reply.header('Retry-After', String(confirmed.details.retryAfter));
      return this.page(interaction, req, reply, { error: error.text(base.locale, confirmed.details ?? {}) }, error.status);
    }
    const secondFactor = { ...interaction.secondFactor, askProfile: !!interaction.secondFactor?.askProfile, enrolledAmr: 'sms' };
    if (!(await this.interactions.transition(interaction, 'second_factor', { secondFactor, otp: null }))) return this.flow.expired(req, reply);
    return this.flow.html(reply, renderSecondFactorEnrolled({ ...base, codes: confirmed.value.backupCodes, rememberDays: this.gate.trustedDeviceDays }));
  }

  @Post(':id/second-factor/continue')
  async continueAfterEnrolment(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.load(id, req, reply, form);
    if (!interaction) return;
    const amr = interaction.secondFactor?.enrolledAmr;
    if (!amr) return this.flow.redirect(reply, interaction, '/second-factor');
    if (form.remember === '1') await this.gate.rememberBrowser(req, reply, interaction.userId!);
    return this.flow.establish(interaction, req, reply, interaction.userId!, withSecondFactor(interaction.amr, amr), !!interaction.secondFactor?.askProfile);
  }

  private async smsNotOffered(interaction: InteractionEntity, req: FastifyRequest, reply: FastifyReply) {
    const l = (await this.flow.pageBase(interaction, req)).locale;
    return this.page(interaction, req, reply, { error: t(l, 'twofa.notEnrolled') }, 400);
  }

  /** Enrolment is for an account with no factor: one that has a factor passes it (a finished enrolment continues instead). */
  private async alreadyEnrolled(interaction: InteractionEntity): Promise<boolean> {
    return !!(await this.gate.status(interaction.userId!))?.enrolled;
  }

  private smsEnrolOption(interaction: InteractionEntity, factors: SecondFactorStatus): SmsEnrolOption {
    if (interaction.secondFactor?.firstFactorSms) return 'after_sms';
    if (!factors.smsAvailable || !factors.phoneMasked) return 'no_phone';
    return { phone: factors.phoneMasked, sent: !!interaction.otp };
  }

  /** The interaction, when it is at the second factor; anywhere else goes back to where it is. */
  private async load(id: string, req: FastifyRequest, reply: FastifyReply, form?: Form): Promise<InteractionEntity | null> {
    const interaction = await this.flow.load(id, req, reply, form);
    if (!interaction) return null;
    if (interaction.state !== 'second_factor' || !interaction.userId) {
      this.flow.redirect(reply, interaction);
      return null;
    }
    return interaction;
  }

  private async page(interaction: InteractionEntity, req: FastifyRequest, reply: FastifyReply, extra: { error?: string; notice?: string } = {}, status = 200) {
    const base = await this.flow.pageBase(interaction, req);
    const factors = await this.gate.status(interaction.userId!);
    if (!factors) return this.flow.expired(req, reply);
    if (interaction.secondFactor?.enrolledAmr) {
      return this.flow.html(reply, renderSecondFactorEnrolled({ ...base, codes: [], rememberDays: this.gate.trustedDeviceDays }), status);
    }
    if (!factors.enrolled) {
      const enrolment = await this.bus.value(SecondFactorSubjects.totpBegin, { sub: interaction.userId!, label: await this.gate.label(interaction.userId!) });
      const qr = await this.gate.qrDataUrl(enrolment.uri);
      return this.flow.html(reply, renderSecondFactorEnrol({ ...base, qr, secret: enrolment.secret, sms: this.smsEnrolOption(interaction, factors), ...extra }), status);
    }
    const view = {
      ...base,
      totp: factors.totp,
      smsPhone: factors.sms && !interaction.secondFactor?.firstFactorSms ? factors.phoneMasked : null,
      smsSent: !!interaction.otp,
      rememberDays: this.gate.trustedDeviceDays,
      ...extra,
    };
    return this.flow.html(reply, renderSecondFactor(view), status);
  }
}
