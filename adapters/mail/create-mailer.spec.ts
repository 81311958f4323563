import { join } from 'node:path';
import { createMailer } from './create-mailer';
import { OutboxMailer } from './outbox-mailer.adapter';
import { SmtpMailer } from './smtp-mailer.adapter';

describe('createMailer', () => {
  const base = { mailFrom: 'no-reply@switchboard.test', dataDir: '/var/lib/switchboard', clock: { now: () => '' }, log: () => undefined };

  it('writes to DATA_DIR/outbox without SMTP_URL', () => {
    const mailer = createMailer(base);
    expect(mailer).toBeInstanceOf(OutboxMailer);
    expect((mailer as OutboxMailer).dir).toBe(join('/var/lib/switchboard', 'outbox'));
  });

  it('uses SMTP when SMTP_URL is set', () => {
    const mailer = createMailer({ ...base, smtpUrl: 'smtp://user:pass@127.0.0.1:2525' });
    expect(mailer).toBeInstanceOf(SmtpMailer);
    (mailer as SmtpMailer).close();
  });
});
