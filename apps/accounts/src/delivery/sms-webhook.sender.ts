import { Logger } from '@nestjs/common';
import { MessageSender, OutgoingMessage } from './message-sender';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The gateway refused for good (4xx): trying again would not help. */
export class SmsRejectedError extends Error {}

/**
 * SMS through the gateway's webhook: POST {"to","text","purpose"} as JSON, 2xx means accepted.
 * 5xx answers, timeouts and network errors are retried with exponential backoff.
 */
export class SmsWebhookSender implements MessageSender {
  readonly name = 'sms webhook';
  private readonly logger = new Logger('sms');

  constructor(
    private readonly url: string,
    private readonly options: { timeoutMs: number; retries: number; backoffMs?: number },
    private readonly wait: (ms: number) => Promise<void> = sleep,
  ) {}

  async send(message: OutgoingMessage): Promise<void> {
    const body = JSON.stringify({ to: message.to, text: message.text, purpose: message.purpose });
    const backoff = this.options.backoffMs ?? 250;
    for (let attempt = 0; ; attempt++) {
      let reason: string;
      try {
        const res = await fetch(this.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        await res.body?.cancel();
        if (res.ok) return;
        if (res.status < 500) throw new SmsRejectedError(`the SMS gateway answered ${res.status}`);
        reason = `status ${res.status}`;
      } catch (err) {
        if (err instanceof SmsRejectedError) throw err;
        reason = (err as Error).name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : (err as Error).message;
      }
      if (attempt >= this.options.retries) throw new Error(`the SMS gateway failed ${attempt + 1} times, last: ${reason}`);
      this.logger.warn(`SMS gateway attempt ${attempt + 1} failed (${reason}); retrying`);
      await this.wait(backoff * 2 ** attempt);
    }
  }
}
