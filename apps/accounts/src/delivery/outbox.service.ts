import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OutboxMessage } from '@idp/contracts';
import { Clock } from '../clock/clock';
import { MessageSender, OutgoingMessage } from './message-sender';

/** How many messages a look at the outbox returns, newest first. */
const LIST_LIMIT = 20;

/**
 * The development outbox: messages that went to no real gateway, kept in the accounts schema so
 * an auth instance in another process can show them (GET /dev/outbox).
 */
@Injectable()
export class OutboxService implements MessageSender {
  readonly name = 'development outbox';

  constructor(
    @InjectDataSource('accounts') private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async send(message: OutgoingMessage): Promise<void> {
    await this.db.query(`INSERT INTO accounts.outbox (channel, recipient, text, code, created_at) VALUES ($1, $2, $3, $4, $5)`, [
      message.channel,
      message.to,
      message.text,
      message.code,
      this.clock.now(),
    ]);
  }

  async list(to: string): Promise<OutboxMessage[]> {
    const rows: Array<{ channel: OutboxMessage['channel']; recipient: string; text: string; code: string; created_at: Date | string }> = await this.db.query(
      `SELECT channel, recipient, text, code, created_at FROM accounts.outbox WHERE recipient = $1 ORDER BY id DESC LIMIT $2`,
      [to, LIST_LIMIT],
    );
    return rows.map((r) => ({ channel: r.channel, to: r.recipient, text: r.text, code: r.code, at: new Date(r.created_at).toISOString() }));
  }
}
