import { constants as fsConstants } from 'node:fs';
import { access, mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Clock } from '../../application/ports/clock.port';
import type { Mailer, MailMessage, SentMail } from '../../application/ports/mailer.port';
import { composeMail, parseMailSender, type MailSender } from './compose-mail';

/** One log line per message: who, what and where, never the body (it may hold a password). */
export type OutboxLog = (message: string, fields: { to: string; subject: string; file: string; messageId: string }) => void;

export interface OutboxMailerOptions {
  /** The data directory; messages go to `<dataDir>/outbox/`. */
  readonly dataDir: string;
  /** `MAIL_FROM`: `no-reply@example.com` or `Switchboard <no-reply@example.com>`. */
  readonly from: string;
  readonly clock: Clock;
  readonly log: OutboxLog;
}

/** A message in the outbox, as `list()` names it. */
export interface OutboxEntry {
  /** The file name inside the outbox directory. */
  readonly file: string;
  /** When it was sent (ISO), from the file name. */
  readonly at: string;
  readonly messageId: string;
}

/** A message read back from the outbox: the decoded fields and the raw RFC 822 text. */
export interface OutboxMail extends OutboxEntry {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  /** Header values by lower-case name, unfolded but not decoded (custom headers read as sent). */
  readonly headers: Readonly<Record<string, string>>;
  readonly raw: string;
}

const FILE_NAME = /^(\d{4}-\d{2}-\d{2}T\d{2})-(\d{2})-(\d{2}(?:\.\d+)?Z)-(.+)\.eml$/;

/**
 * The embedded default mailer: each message is written as a real RFC 822 `.eml` file (open it in
 * any mail client) and logged, so that a machine without SMTP still shows every mail it would send.
 */
export class OutboxMailer implements Mailer {
  /** Where the `.eml` files are. */
  readonly dir: string;
  private readonly sender: MailSender;

  constructor(private readonly options: OutboxMailerOptions) {
    this.dir = join(options.dataDir, 'outbox');
    this.sender = parseMailSender(options.from);
  }

  async send(message: MailMessage): Promise<SentMail> {
    const at = this.options.clock.now();
    const mail = await composeMail(this.sender, message, at);
    // Colons are not allowed in Windows file names; the name keeps ISO order with dashes instead.
    const file = `${at.replace(/:/g, '-')}-${mail.messageId.slice(1, -1)}.eml`;
    await mkdir(this.dir, { recursive: true });
    await writeAtomically(join(this.dir, file), mail.raw);
    this.options.log('mail written to the outbox', { to: message.to, subject: message.subject, file, messageId: mail.messageId });
    return { messageId: mail.messageId };
  }

  /** The directory can be created and written to (for the health view). */
  async verify(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await access(this.dir, fsConstants.W_OK);
  }

  /** Every message in the outbox, newest first. */
  async list(): Promise<OutboxEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names
      .map(toEntry)
      .filter((entry): entry is OutboxEntry => entry !== undefined)
      .sort((a, b) => (a.file < b.file ? 1 : a.file > b.file ? -1 : 0));
  }

  /** Reads and decodes one message; `file` is a name from `list()` (no directories). */
  async read(file: string): Promise<OutboxMail> {
    const entry = toEntry(file);
    if (!entry || basename(file) !== file) throw new Error(`Not an outbox file name: ${JSON.stringify(file)}`);
    const raw = await readFile(join(this.dir, file));
    const parsed = await simpleParser(raw);
    const headers: Record<string, string> = {};
    for (const line of parsed.headerLines) {
      headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    }
    const to = Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : [];
    return {
      ...entry,
      from: parsed.from?.value[0]?.address ?? '',
      to: to.flatMap((group) => group.value.map((address) => address.address ?? '')),
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      ...(typeof parsed.html === 'string' ? { html: parsed.html } : {}),
      headers,
      raw: raw.toString('utf8'),
    };
  }

  /** The newest message, or the newest one to `to` when given; undefined when there is none. */
  async latest(to?: string): Promise<OutboxMail | undefined> {
    for (const entry of await this.list()) {
      const mail = await this.read(entry.file);
      if (to === undefined || mail.to.some((address) => address.toLowerCase() === to.toLowerCase())) return mail;
    }
    return undefined;
  }
}

function toEntry(file: string): OutboxEntry | undefined {
  const match = FILE_NAME.exec(file);
  if (!match) return undefined;
  return { file, at: `${match[1]}:${match[2]}:${match[3]}`, messageId: `<${match[4]}>` };
}

/** Write to a temporary name, flush, then rename: a reader never sees half a message. */
async function writeAtomically(path: string, content: Buffer): Promise<void> {
  const temporary = join(path, '..', `.${basename(path)}.tmp`);
  const handle = await open(temporary, 'wx');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, path);
}
