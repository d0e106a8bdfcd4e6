import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusClient } from '@idp/bus';
import { AccountSubjects, AuditContext, RecoveryFinishError, RecoveryStartError } from '@idp/contracts';
import { InteractionEntity } from '@idp/domain';
import { AccountActionsService } from '../account/account-actions.service';
import { Locale, t } from './i18n';
import { Form, InteractionFlow, str } from './interaction-flow.service';
import { loginMethods } from './login-methods';
import { renderLogin } from './views/login.view';
import { renderRecoveryFinish, renderRecoveryStart } from './views/recovery.view';

const START_ERRORS = {
  invalid_destination: { status: 400, text: (l) => t(l, 'account.err.invalidDestination') },
  resend_too_soon: { status: 429, text: (l, s) => t(l, 'otp.tooSoon', { seconds: String(s) }) },
  too_many_requests: { status: 429, text: (l, s) => t(l, 'otp.tooMany', { minutes: String(Math.ceil(s / 60)) }) },
} satisfies Record<RecoveryStartError, { status: number; text: (l: Locale, seconds: number) => string }>;

const FINISH_ERRORS = {
  invalid_password: (l) => t(l, 'account.err.weakPassword'),
  wrong_code: (l, left) => t(l, 'otp.wrong', { left: String(left) }),
  attempts_exhausted: (l) => t(l, 'otp.exhausted'),
  expired: (l) => t(l, 'otp.expired'),
  locked: (l) => t(l, 'login.locked'),
  method_disabled: (l) => t(l, 'otp.expired'),
} satisfies Record<RecoveryFinishError, (l: Locale, left: number) => string>;

/**
 * "Forgot your password?" inside the sign-in interaction: a phone or address, then the code and a
 * new password, then back to the sign-in page. Every answer is the same whether or not an account
 * has the identifier (accounts sends the code only when one does).
 */
@Controller('interaction')
export class RecoveryController {
  constructor(
    private readonly flow: InteractionFlow,
    private readonly bus: BusClient,
    private readonly actions: AccountActionsService,
  ) {}

  @Get(':id/recovery')
  async show(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const interaction = await this.usable(id, req, reply);
    if (!interaction) return;
    return this.flow.html(reply, renderRecoveryStart(await this.flow.pageBase(interaction, req)));
  }

  @Post(':id/recovery')
  async start(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.usable(id, req, reply, form);
    if (!interaction) return;
    const base = await this.flow.pageBase(interaction, req);
    const destination = str(form.destination).trim().slice(0, 254);
    const sent = await this.bus.request(AccountSubjects.recoveryStart, { destination, ip: req.ip, locale: base.locale, context: this.context(req, interaction) });
    if (!sent.ok) {
      const error = START_ERRORS[sent.code];
      if (sent.details?.retryAfter) void reply.header('Retry-After', String(sent.details.retryAfter));
      return this.flow.html(reply, renderRecoveryStart({ ...base, destination, error: error.text(base.locale, sent.details?.retryAfter ?? 0) }), error.status);
    }
    return this.flow.html(reply, renderRecoveryFinish({ ...base, challengeId: sent.value.challengeId, destination: sent.value.destination }));
  }

  @Post(':id/recovery/finish')
  async finish(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.usable(id, req, reply, form);
    if (!interaction) return;
    const base = await this.flow.pageBase(interaction, req);
    const challengeId = str(form.challenge_id);
    const destination = str(form.destination).slice(0, 254);
    const done = await this.bus.request(AccountSubjects.recoveryFinish, { challengeId, code: str(form.code), password: str(form.password), context: this.context(req, interaction) });
    if (!done.ok) {
      const error = FINISH_ERRORS[done.code](base.locale, done.details?.attemptsLeft ?? 0);
      return this.flow.html(reply, renderRecoveryFinish({ ...base, challengeId, destination, error }), 400);
    }
    if (form.end_sessions === 'on') await this.actions.endEverything(done.value.sub, 'password reset');
    const methods = loginMethods(base.client);
    return this.flow.html(reply, renderLogin({ ...base, methods, notice: t(base.locale, 'recovery.done') }));
  }

  /** The interaction is at its sign-in step and its client takes passwords. */
  private async usable(id: string, req: FastifyRequest, reply: FastifyReply, form?: Form): Promise<InteractionEntity | null> {
    const interaction = await this.flow.load(id, req, reply, form);
    if (!interaction) return null;
    if (interaction.state !== 'login' || !loginMethods(await this.flow.pageBase(interaction, req).then((b) => b.client)).password) {
      this.flow.redirect(reply, interaction);
      return null;
    }
    return interaction;
  }

  private context(req: FastifyRequest, interaction: InteractionEntity): AuditContext {
    return { ip: req.ip, user_agent: String(req.headers['user-agent'] ?? '').slice(0, 400) || undefined, client_id: interaction.clientId };
  }
}
