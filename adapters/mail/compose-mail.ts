import { randomBytes } from 'node:crypto';
import { domainToASCII } from 'node:url';
import MailComposer from 'nodemailer/lib/mail-composer';
import { InvalidMailAddressError, InvalidMailMessageError, type MailMessage } from '../../application/ports/mailer.port';

/**
 * A bare address: a dot-atom local part (Unicode letters allowed, RFC 6531) and a domain of at least
 * two labels. Deliberately stricter than RFC 5322: no quoted local parts, no comments, no display
 * names, no lists, so that what a user typed can never become a second recipient or a header.
 */
const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}]([\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TOP_LEVEL = /^(\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/iu;

/** Whether `address` is one bare, well-formed e-mail address (`ann@example.com`). */
export function isMailAddress(address: string): boolean {
  if (typeof address !== 'string' || address.length > 254) return false;
  const at = address.lastIndexOf('@');
  if (at < 1 || at !== address.indexOf('@')) return false;
  const local = address.slice(0, at);
  const labels = address.slice(at + 1).split('.');
  return (
    local.length <= 64 &&
    LOCAL_PART.test(local) &&
    labels.length >= 2 &&
    labels.every((label) => DOMAIN_LABEL.test(label)) &&
    TOP_LEVEL.test(labels[labels.length - 1])
  );
}

/** The sender as configured: a bare address or `Display Name <address>`. */
export interface MailSender {
  readonly name?: string;
  readonly address: string;
}

/** Parses `MAIL_FROM`; throws `InvalidMailAddressError` so that a bad configuration stops the boot. */
export function parseMailSender(from: string): MailSender {
  const trimmed = from.trim();
  const named = /^(.*?)\s*<([^<>]+)>$/.exec(trimmed);
  const name = named ? named[1].replace(/^"(.*)"$/, '$1').trim() : undefined;
  const address = named ? named[2].trim() : trimmed;
  if (!isMailAddress(address) || (name !== undefined && /[\r\n"<>]/.test(name))) {
    throw new InvalidMailAddressError('from', from);
  }
  return name ? { name, address } : { address };
}

/** Headers that the composer writes itself; a caller setting them would readdress or forge the message. */
const RESERVED_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'sender',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);
const HEADER_NAME = /^[!-9;-~]+$/;
const LINE_BREAK = /[\r\n\0]/;

/** Refuses a message that cannot be sent safely, before anything is written or connected. */
export function validateMailMessage(message: MailMessage): void {
  if (!isMailAddress(message.to)) throw new InvalidMailAddressError('to', String(message.to));
  if (typeof message.subject !== 'string' || LINE_BREAK.test(message.subject)) {
    throw new InvalidMailMessageError('subject', 'must be one line of text');
  }
  if (typeof message.text !== 'string') throw new InvalidMailMessageError('text', 'must be text');
  if (message.html !== undefined && typeof message.html !== 'string') {
    throw new InvalidMailMessageError('html', 'must be text');
  }
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!HEADER_NAME.test(name) || RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new InvalidMailMessageError(`header ${JSON.stringify(name)}`, 'is not an extra header name that may be set');
    }
    if (typeof value !== 'string' || LINE_BREAK.test(value)) {
      throw new InvalidMailMessageError(`header ${name}`, 'must be one line of text');
    }
  }
}

let lastMillis = 0;
let sequence = 0;

/**
 * The local part of a new Message-ID: wall-clock milliseconds and a counter (so that ids, and the
 * outbox file names built from them, sort in sending order even within one millisecond or under a
 * fixed test clock), then 64 random bits so that two processes never collide.
 */
export function newMessageIdLocalPart(): string {
  const millis = Date.now();
  sequence = millis === lastMillis ? sequence + 1 : 0;
  lastMillis = millis;
  return `${millis.toString(36).padStart(9, '0')}.${sequence.toString(36).padStart(4, '0')}.${randomBytes(8).toString('hex')}`;
}

/** A message ready to hand to a transport or to write to a file. */
export interface ComposedMail {
  readonly messageId: string;
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  /** The whole RFC 822 message, CRLF line ends. */
  readonly raw: Buffer;
}

/**
 * Builds the RFC 822 message with nodemailer's composer, so that the SMTP and outbox adapters
 * produce byte-for-byte the same shape (MIME parts, encodings, folded headers).
 * `at` is the ISO time written in the `Date` header.
 */
export async function composeMail(sender: MailSender, message: MailMessage, at: string): Promise<ComposedMail> {
  validateMailMessage(message);
  const messageId = `<${newMessageIdLocalPart()}@${domainToASCII(sender.address.slice(sender.address.indexOf('@') + 1))}>`;
  const node = new MailComposer({
    from: sender.name ? { name: sender.name, address: sender.address } : sender.address,
    to: message.to,
    subject: message.subject,
    text: message.text,
    ...(message.html === undefined ? {} : { html: message.html }),
    headers: { ...message.headers },
    messageId,
    date: new Date(at),
  }).compile();
  const envelope = node.getEnvelope();
  return {
    messageId,
    envelope: { from: envelope.from || sender.address, to: envelope.to },
    raw: await node.build(),
  };
}
