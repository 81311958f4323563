import type { Clock } from '../../application/ports/clock.port';
import { OutboxMailer, type OutboxLog } from './outbox-mailer.adapter';
import { SmtpMailer } from './smtp-mailer.adapter';

export interface MailConfig {
  /** `SMTP_URL`; without it mail goes to the outbox. */
  readonly smtpUrl?: string;
  /** `MAIL_FROM`. */
  readonly mailFrom: string;
  /** `DATA_DIR`, for the outbox. */
  readonly dataDir: string;
  readonly clock: Clock;
  readonly log: OutboxLog;
}

/** The mailer the configuration asks for: SMTP in production, the outbox as the embedded default. */
export function createMailer(config: MailConfig): SmtpMailer | OutboxMailer {
  return config.smtpUrl
    ? new SmtpMailer({ url: config.smtpUrl, from: config.mailFrom, clock: config.clock })
    : new OutboxMailer({ dataDir: config.dataDir, from: config.mailFrom, clock: config.clock, log: config.log });
}
