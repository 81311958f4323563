import { simpleParser } from 'mailparser';
import type { Clock } from '../../application/ports/clock.port';
import type { Mailer, MailMessage } from '../../application/ports/mailer.port';

/** A message as the receiving side got it, decoded by a real MIME parser. */
export interface DeliveredMail {
  readonly raw: string;
  readonly fromAddress: string;
  readonly fromName: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  /** False when the message has no HTML part. */
  readonly html: string | false;
  readonly messageId: string;
  readonly date: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
}

/** Decodes one RFC 822 message the way a mail client would. */
export async function parseDelivered(raw: Buffer): Promise<DeliveredMail> {
  const parsed = await simpleParser(raw);
  const to = Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : [];
  const headers: Record<string, string> = {};
  for (const line of parsed.headerLines) headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).trim();
  return {
    raw: raw.toString('utf8'),
    fromAddress: parsed.from?.value[0]?.address ?? '',
    fromName: parsed.from?.value[0]?.name ?? '',
    to: to.flatMap((group) => group.value.map((address) => address.address ?? '')),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: parsed.html,
    messageId: parsed.messageId ?? '',
    date: parsed.date?.toISOString(),
    headers,
  };
}

export interface MailerFixture {
  readonly mailer: Mailer;
  /** Every message that reached the other side so far, oldest first. */
  delivered(): Promise<DeliveredMail[]>;
  close(): Promise<void>;
}

export const CONTRACT_FROM = 'Switchboard <no-reply@switchboard.test>';
export const CONTRACT_NOW = '2026-03-04T05:06:07.089Z';

/**
 * The Mailer contract: every adapter runs it, so that the outbox written on a development machine
 * is the very message SMTP would deliver in production. `make` gets the sender and a fixed clock.
 */
export function mailerContract(name: string, make: (config: { from: string; clock: Clock }) => Promise<MailerFixture>): void {
  describe(`Mailer contract: ${name}`, () => {
    let fixture: MailerFixture;
    const clock: Clock = { now: () => CONTRACT_NOW };

    beforeEach(async () => {
      fixture = await make({ from: CONTRACT_FROM, clock });
    });

    afterEach(async () => {
      await fixture.close();
    });

    async function sendOne(message: MailMessage): Promise<{ messageId: string; mail: DeliveredMail }> {
      const { messageId } = await fixture.mailer.send(message);
      const all = await fixture.delivered();
      expect(all).toHaveLength(1);
      return { messageId, mail: all[0] };
    }

    it('delivers sender, recipient, subject, date, text and HTML as given', async () => {
      const { messageId, mail } = await sendOne({
        to: 'ann@example.com',
        subject: 'Your password',
        text: 'Hello Ann,\nhere it is.\n',
        html: '<p>Hello Ann,<br>here it is.</p>',
      });
      expect(mail.fromAddress).toBe('no-reply@switchboard.test');
      expect(mail.fromName).toBe('Switchboard');
      expect(mail.to).toEqual(['ann@example.com']);
      expect(mail.subject).toBe('Your password');
      expect(mail.text).toBe('Hello Ann,\nhere it is.\n');
      expect(mail.html).toBe('<p>Hello Ann,<br>here it is.</p>');
      expect(mail.messageId).toBe(messageId);
      expect(messageId).toMatch(/^<[^<>@\s]+@switchboard\.test>$/);
      expect(mail.date).toBe(CONTRACT_NOW.replace(/\.\d+Z$/, '.000Z'));
      expect(mail.raw).toMatch(/^Date: Wed, 04 Mar 2026 05:06:07 \+0000$/m);
    });

    it('sends a text-only message without an HTML part', async () => {
      const { mail } = await sendOne({ to: 'bob@example.org', subject: 'Plain', text: 'Only text.' });
      expect(mail.text.trim()).toBe('Only text.');
      expect(mail.html).toBe(false);
      expect(mail.raw).not.toMatch(/text\/html/i);
    });

    it('keeps Unicode subjects and bodies intact and the wire form 7-bit', async () => {
      const subject = 'Réinitialisation — Grüße aus Zürich, 日本語のお知らせ';
      const longLine = 'é ü 日本 '.repeat(40);
      const { mail } = await sendOne({
        to: 'zoe@example.fr',
        subject,
        text: `Bonjour Zoë,\nÜbermorgen: 日本\n${longLine}\n`,
        html: `<p>Zoë — 日本</p><p>${longLine}</p>`,
      });
      expect(mail.subject).toBe(subject);
      expect(mail.text).toBe(`Bonjour Zoë,\nÜbermorgen: 日本\n${longLine}\n`);
      expect(mail.html).toBe(`<p>Zoë — 日本</p><p>${longLine}</p>`);
      // Old relays mangle 8-bit bytes: everything non-ASCII must travel encoded.
      expect(/^[\x09\x0a\x0d\x20-\x7e]*$/.test(mail.raw)).toBe(true);
      expect(mail.raw.split('\r\n').every((line) => line.length <= 998)).toBe(true);
    });

    it('delivers to an internationalized address (RFC 6531)', async () => {
      const { mail } = await sendOne({ to: 'chloé@exämple.fr', subject: 'Bienvenue', text: 'x' });
      expect(mail.to).toEqual(['chloé@exämple.fr']);
    });

    it('delivers a long link with query characters unbroken in text and HTML', async () => {
      const url = `https://switchboard.test/auth/recovery?token=${'Ab3-_x9Z'.repeat(6)}&lang=fr&next=%2Fme%2Fprofile%3Fa%3D1&v==end`;
      const { mail } = await sendOne({
        to: 'ann@example.com',
        subject: 'Link',
        text: `Open this link within one hour to choose a new password, it works only once: ${url}\n\n${url}\n`,
        html: `<p><a href="${url.replace(/&/g, '&amp;')}">Choose a new password</a></p>`,
      });
      expect(mail.text).toContain(`it works only once: ${url}\n`);
      expect(mail.text.split('\n')).toContain(url);
      expect(mail.html).toContain(`href="${url.replace(/&/g, '&amp;')}"`);
    });

    it('passes extra headers through', async () => {
      const { mail } = await sendOne({
        to: 'ann@example.com',
        subject: 'Headers',
        text: 'x',
        headers: { 'X-Switchboard-Template': 'password-recovery', 'Auto-Submitted': 'auto-generated' },
      });
      expect(mail.headers['x-switchboard-template']).toBe('password-recovery');
      expect(mail.headers['auto-submitted']).toBe('auto-generated');
    });

    it('gives every message its own Message-ID', async () => {
      const first = await fixture.mailer.send({ to: 'ann@example.com', subject: 'One', text: '1' });
      const second = await fixture.mailer.send({ to: 'ann@example.com', subject: 'Two', text: '2' });
      expect(first.messageId).not.toBe(second.messageId);
      const delivered = await fixture.delivered();
      expect(delivered.map((mail) => [mail.subject, mail.messageId])).toEqual([
        ['One', first.messageId],
        ['Two', second.messageId],
      ]);
    });

    it.each([
      ['an empty address', ''],
      ['no domain', 'ann@'],
      ['no at sign', 'ann.example.com'],
      ['a domain without a dot', 'ann@localhost'],
      ['two recipients', 'ann@example.com, eve@evil.test'],
      ['a display name', 'Ann <ann@example.com>'],
      ['a line break', 'ann@example.com\r\nBcc: eve@evil.test'],
      ['spaces', 'ann smith@example.com'],
      ['two dots', 'ann..smith@example.com'],
    ])('refuses %s as recipient and sends nothing', async (_case, to) => {
      await expect(fixture.mailer.send({ to, subject: 'x', text: 'x' })).rejects.toMatchObject({
        code: 'MAIL_ADDRESS_INVALID',
        details: { field: 'to' },
      });
      expect(await fixture.delivered()).toEqual([]);
    });

    it.each<[string, MailMessage]>([
      ['a line break in the subject', { to: 'ann@example.com', subject: 'Hi\r\nBcc: eve@evil.test', text: 'x' }],
      ['a reserved header', { to: 'ann@example.com', subject: 'x', text: 'x', headers: { Bcc: 'eve@evil.test' } }],
      ['a line break in a header', { to: 'ann@example.com', subject: 'x', text: 'x', headers: { 'X-A': 'a\nBcc: eve@evil.test' } }],
      ['a header name with a colon', { to: 'ann@example.com', subject: 'x', text: 'x', headers: { 'X-A: b': 'c' } }],
    ])('refuses %s and sends nothing', async (_case, message) => {
      await expect(fixture.mailer.send(message)).rejects.toMatchObject({ code: 'MAIL_MESSAGE_INVALID' });
      expect(await fixture.delivered()).toEqual([]);
    });
  });
}
