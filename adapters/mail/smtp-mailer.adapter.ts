import { createTransport, type Transporter } from 'nodemailer';
import { ApplicationError } from '../../application/errors';
import type { Clock } from '../../application/ports/clock.port';
import type { Mailer, MailMessage, SentMail } from '../../application/ports/mailer.port';
import { composeMail, parseMailSender, type MailSender } from './compose-mail';

export interface SmtpMailerOptions {
  /**
   * `SMTP_URL`: `smtp://user:pass@host:587` (STARTTLS when the server offers it) or
   * `smtps://user:pass@host:465` (TLS from the start); user and password URL-encoded.
   */
  readonly url: string;
  /** `MAIL_FROM`: `no-reply@example.com` or `Switchboard <no-reply@example.com>`. */
  readonly from: string;
  readonly clock: Clock;
  /** Connection, greeting and socket timeouts; a stuck server must not hold a request for minutes. */
  readonly timeoutMs?: number;
}

/** The server refused the message or could not be reached. */
export class MailDeliveryError extends ApplicationError {
  constructor(reason: string) {
    super('MAIL_DELIVERY_FAILED', `The mail server did not accept the message: ${reason}`);
  }
}

/** Production mailer: hands each message to an SMTP relay with nodemailer. */
export class SmtpMailer implements Mailer {
  private readonly sender: MailSender;
  private readonly transport: Transporter;

  constructor(private readonly options: SmtpMailerOptions) {
    this.sender = parseMailSender(options.from);
    const url = parseSmtpUrl(options.url);
    const timeout = options.timeoutMs ?? 15_000;
    this.transport = createTransport({
      url: url.href,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  async send(message: MailMessage): Promise<SentMail> {
    const mail = await composeMail(this.sender, message, this.options.clock.now());
    try {
      // The message is composed once, here, and sent raw so that it is the same one the outbox writes.
      await this.transport.sendMail({ envelope: { from: mail.envelope.from, to: [...mail.envelope.to] }, raw: mail.raw });
    } catch (error) {
      throw new MailDeliveryError((error as Error).message);
    }
    return { messageId: mail.messageId };
  }

  /** Connects and authenticates without sending (for the health view); rejects with the reason. */
  async verify(): Promise<void> {
    try {
      await this.transport.verify();
    } catch (error) {
      throw new MailDeliveryError((error as Error).message);
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** Refuses a URL that nodemailer would misread, with a message that does not echo the password. */
function parseSmtpUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ApplicationError('MAIL_CONFIG_INVALID', 'SMTP_URL is not a URL (expected smtp://user:pass@host:port)');
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
    throw new ApplicationError('MAIL_CONFIG_INVALID', 'SMTP_URL must look like smtp://user:pass@host:port or smtps://...');
  }
  return url;
}
