import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusClient } from '@idp/bus';
import { AccountSubjects } from '@idp/contracts';
import { t } from './i18n';
import { Form, InteractionFlow, str } from './interaction-flow.service';
import { renderPasswordChange } from './views/password-change.view';

/**
 * The `password_change` step: after signing in, an account an administrator marked with
 * password_change_required sets a new password before consent (cancel_stage=password_change).
 */
@Controller('interaction')
export class PasswordChangeController {
  constructor(
    private readonly flow: InteractionFlow,
    private readonly bus: BusClient,
  ) {}

  @Get(':id/password')
  async show(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const interaction = await this.flow.load(id, req, reply);
    if (!interaction) return;
    if (interaction.state !== 'password_change') return this.flow.redirect(reply, interaction);
    return this.flow.html(reply, renderPasswordChange(await this.flow.pageBase(interaction, req)));
  }

  @Post(':id/password')
  async save(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.flow.load(id, req, reply, form);
    if (!interaction || interaction.state !== 'password_change') return interaction && this.flow.redirect(reply, interaction);
    const context = { ip: req.ip, user_agent: String(req.headers['user-agent'] ?? '').slice(0, 400) || undefined, client_id: interaction.clientId };
    const changed = await this.bus.request(AccountSubjects.passwordChange, { sub: interaction.userId!, password: str(form.password), forced: true, context });
    // invalid_credentials here means the requirement was lifted meanwhile: nothing left to do.
    if (!changed.ok && changed.code !== 'invalid_credentials') {
      const base = await this.flow.pageBase(interaction, req);
      return this.flow.html(reply, renderPasswordChange({ ...base, error: t(base.locale, 'account.err.weakPassword') }), 400);
    }
    return this.flow.proceed(interaction, req, reply);
  }
}
