import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { OtpChannel } from '@idp/contracts';
import { MessageSender, OutgoingMessage } from './message-sender';
import { OutboxService } from './outbox.service';
import { SmsWebhookSender } from './sms-webhook.sender';
import { SmtpSender } from './smtp.sender';

/**
 * Picks the sender per channel from the configuration (the gateway when configured, else the
 * development outbox) and delivers in the background: the person's page does not wait for the
 * gateway's retries, and its timing does not depend on them.
 */
@Injectable()
export class DeliveryService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('delivery');
  private readonly senders: Record<OtpChannel, MessageSender>;
  private readonly pending = new Set<Promise<void>>();

  constructor(@Inject(APP_CONFIG) config: AppConfig, outbox: OutboxService) {
    // Without DEV_OUTBOX a missing gateway drops codes rather than keep them readable in the database.
    const fallback = (variable: string) => (config.devOutbox ? outbox : new UnconfiguredSender(variable));
    this.senders = {
      sms: config.smsWebhookUrl ? new SmsWebhookSender(config.smsWebhookUrl, { timeoutMs: config.otp.smsTimeoutMs, retries: config.otp.smsRetries }) : fallback('SMS_WEBHOOK_URL'),
      email: config.smtpUrl ? new SmtpSender(config.smtpUrl, config.smtpFrom) : fallback('SMTP_URL'),
    };
  }

  onModuleInit(): void {
    for (const [channel, sender] of Object.entries(this.senders)) {
      const variable = channel === 'sms' ? 'SMS_WEBHOOK_URL' : 'SMTP_URL';
      if (sender instanceof OutboxService) this.logger.warn(`${channel} codes go to the DEVELOPMENT OUTBOX, not to people: set ${variable} in production`);
      if (sender instanceof UnconfiguredSender) this.logger.error(`${channel} codes cannot be delivered: ${variable} is not set (and DEV_OUTBOX is off)`);
    }
  }

  /** Starts the delivery and returns at once; failures are logged (without the code). */
  deliver(message: OutgoingMessage): void {
    const sender = this.senders[message.channel];
    const job = sender.send(message).catch((err: Error) => {
      this.logger.error(`${message.channel} to ${mask(message.to)} through the ${sender.name} failed: ${err.message}`);
    });
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
  }

  /** Messages already accepted are still delivered when the process stops. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    for (const sender of Object.values(this.senders)) if (sender instanceof SmtpSender) sender.close();
  }
}

/** A channel with neither a gateway nor the development outbox: every code fails, loudly. */
class UnconfiguredSender implements MessageSender {
  readonly name = 'missing gateway';

  constructor(private readonly variable: string) {}

  async send(): Promise<void> {
    throw new Error(`${this.variable} is not set`);
  }
}

/** Enough of an address to tell messages apart in a log, not enough to collect numbers. */
export function mask(to: string): string {
  const at = to.indexOf('@');
  if (at > 0) return `${to[0]}***${to.slice(at)}`;
  return `${to.slice(0, 4)}***${to.slice(-2)}`;
}
