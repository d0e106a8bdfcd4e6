import { createTransport, Transporter } from 'nodemailer';
import { MessageSender, OutgoingMessage } from './message-sender';

/** E-mail through the mail server at SMTP_URL (nodemailer reads host, port, TLS and credentials from the URL). */
export class SmtpSender implements MessageSender {
  readonly name = 'smtp';
  private readonly transport: Transporter;

  constructor(url: string, private readonly from: string) {
    this.transport = createTransport(url);
  }

  async send(message: OutgoingMessage): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text });
  }

  close(): void {
    this.transport.close();
  }
}
