import { OtpChannel, OtpPurpose } from '@idp/contracts';

/** A code on its way to a person. `code` is there for the development outbox only; senders never log it. */
export interface OutgoingMessage {
  channel: OtpChannel;
  to: string;
  subject: string;
  text: string;
  code: string;
  purpose: OtpPurpose;
}

/** One way of getting a message to a person: an SMS gateway, a mail server, or the development outbox. */
export interface MessageSender {
  /** A name for logs and the start-up banner. */
  readonly name: string;
  send(message: OutgoingMessage): Promise<void>;
}
