import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusClient } from '@idp/bus';
import { AccountsSubjects, IinSetError } from '@idp/contracts';
import { InteractionEntity, isValidIin } from '@idp/domain';
import { MessageKey, t } from './i18n';
import { IinStep } from './iin-step.service';
import { Form, InteractionFlow, str } from './interaction-flow.service';
import { InteractionsService } from './interactions.service';
import { renderIin } from './views/iin.view';

/** What a refused IIN records as the interaction's cancel_reason candidate, and says on the page. */
const SET_ERRORS = {
  invalid_input: { reason: 'iin_invalid', text: 'iin.invalid' },
  iin_taken: { reason: 'iin_taken', text: 'iin.taken' },
  iin_already_set: { reason: 'iin_mismatch', text: 'iin.already' },
  not_found: { reason: 'iin_invalid', text: 'iin.invalid' },
} satisfies Record<IinSetError, { reason: string; text: MessageKey }>;

/** The IIN step: after sign-in, before consent (cancel_stage `iin`). */
@Controller('interaction')
export class IinStepController {
  constructor(
    private readonly flow: InteractionFlow,
    private readonly interactions: InteractionsService,
    private readonly iin: IinStep,
    private readonly bus: BusClient,
  ) {}

  @Get(':id/iin')
  async show(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const interaction = await this.flow.load(id, req, reply);
    if (!interaction) return;
    if (interaction.state !== 'iin') return this.flow.redirect(reply, interaction);
    const status = await this.iin.status(interaction.request, interaction.userId!);
    if (status === 'none') return this.flow.proceed(interaction, req, reply);
    return this.page(interaction, req, reply, { mismatch: status === 'mismatch' });
  }

  @Post(':id/iin')
  async save(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.flow.load(id, req, reply, form);
    if (!interaction || interaction.state !== 'iin') return interaction && this.flow.redirect(reply, interaction);
    if ((await this.iin.status(interaction.request, interaction.userId!)) === 'mismatch') return this.page(interaction, req, reply, { mismatch: true }, 409);
    // A signed IIN is the partner's word: what the form says cannot change it.
    const iin = interaction.request.iin_locked ? interaction.request.iin! : str(form.iin).replace(/\s/g, '');
    const base = await this.flow.pageBase(interaction, req);
    if (!isValidIin(iin)) {
      await this.interactions.recordError(interaction, 'iin_invalid');
      return this.page(interaction, req, reply, { iin, error: t(base.locale, 'iin.invalid') }, 400);
    }
    const saved = await this.bus.request(AccountsSubjects.iinSet, { sub: interaction.userId!, iin });
    if (!saved.ok) {
      const problem = SET_ERRORS[saved.code];
      await this.interactions.recordError(interaction, problem.reason);
      return this.page(interaction, req, reply, { iin, error: t(base.locale, problem.text) }, 409);
    }
    return this.flow.proceed(interaction, req, reply);
  }

  private async page(interaction: InteractionEntity, req: FastifyRequest, reply: FastifyReply, extra: { iin?: string; error?: string; mismatch?: boolean }, status = 200) {
    const base = await this.flow.pageBase(interaction, req);
    const request = interaction.request;
    const view = { ...base, locked: !!request.iin_locked, iin: request.iin_locked ? request.iin : (extra.iin ?? request.iin), error: extra.error, mismatch: extra.mismatch };
    return this.flow.html(reply, renderIin(view), status);
  }
}
