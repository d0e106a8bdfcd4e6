import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { BusClient } from '@idp/bus';
import { AccountsSubjects, OutboxListError } from '@idp/contracts';

const STATUS = { disabled: 404, invalid_input: 400 } satisfies Record<OutboxListError, number>;

/**
 * Development only (DEV_OUTBOX=on): the codes that went to no real gateway, newest first, for a
 * person trying the platform out and for test scripts. Accounts keeps them, so this works
 * whichever auth instance answers.
 */
@Controller('dev/outbox')
export class DevOutboxController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  async list(@Query('to') to: unknown, @Res() reply: FastifyReply) {
    if (typeof to !== 'string' || !to) {
      return reply.status(400).headers({ 'Cache-Control': 'no-store' }).send({ error: 'invalid_request', error_description: 'to: a phone number or an e-mail address' });
    }
    const result = await this.bus.request(AccountsSubjects.outboxList, { to });
    if (!result.ok) return reply.status(STATUS[result.code]).headers({ 'Cache-Control': 'no-store' }).send({ error: result.code, error_description: result.message });
    return reply.headers({ 'Cache-Control': 'no-store' }).send(result.value);
  }
}
