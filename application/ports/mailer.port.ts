import { ApplicationError } from '../errors';

export const MAILER = Symbol('Mailer');

/** One e-mail to one recipient; the sender address is the adapter's configuration (`MAIL_FROM`). */
export interface MailMessage {
  /** A bare address (`ann@example.com`): one recipient, so a message can never leak to a list. */
  readonly to: string;
  /** Plain text, any language; no line breaks (they would end the header). */
  readonly subject: string;
  /** The text part, always sent: some clients and every log reader show only this one. */
  readonly text: string;
  /** An optional HTML alternative of the same content, already escaped by its renderer. */
  readonly html?: string;
  /** Extra headers such as `X-Switchboard-Template`; names may not replace the addressing headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What the mailer accepted. */
export interface SentMail {
  /** The `Message-ID` header value, angle brackets included (`<uuid@domain>`). */
  readonly messageId: string;
}

/** Sends transactional mail (generated passwords, recovery links, notices). */
export interface Mailer {
  /**
   * Sends the message, or refuses it before anything leaves: a bad recipient address throws
   * `InvalidMailAddressError`, a header that could inject another one `InvalidMailMessageError`.
   */
  send(message: MailMessage): Promise<SentMail>;
}

/** The recipient (or the configured sender) is not one well-formed e-mail address. */
export class InvalidMailAddressError extends ApplicationError {
  constructor(
    readonly field: string,
    address: string,
  ) {
    super('MAIL_ADDRESS_INVALID', `Cannot send mail: ${field} ${JSON.stringify(address)} is not a valid e-mail address`, {
      field,
    });
  }
}

/** The message cannot be sent as given (line break in a header, reserved header name...). */
export class InvalidMailMessageError extends ApplicationError {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super('MAIL_MESSAGE_INVALID', `Cannot send mail: ${field} ${reason}`, { field });
  }
}
