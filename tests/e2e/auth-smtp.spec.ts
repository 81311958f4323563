import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { startApp, type E2eApp } from './e2e-app';
import { OTHER_STRONG_PASSWORD, generatedPassword, linkIn, login } from './auth-kit';

const PUBLIC_URL = 'https://console.example.test';
const MAIL_FROM = 'Switchboard <no-reply@example.test>';

interface Delivered {
  readonly mail: ParsedMail;
  readonly rcptTo: readonly string[];
}

/** A real SMTP server on 127.0.0.1 that keeps every message it accepts. */
async function startSmtpServer(): Promise<{ server: SMTPServer; port: number; delivered: Delivered[] }> {
  const delivered: Delivered[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        simpleParser(Buffer.concat(chunks))
          .then((mail) => {
            delivered.push({ mail, rcptTo: session.envelope.rcptTo.map((a) => a.address) });
            callback();
          })
          .catch(callback);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.server.address() as AddressInfo).port, delivered };
}

async function nextMail(delivered: Delivered[], index: number, timeoutMs = 5000): Promise<Delivered> {
  const deadline = Date.now() + timeoutMs;
  while (delivered.length <= index) {
    if (Date.now() > deadline) throw new Error(`no mail #${index + 1} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return delivered[index];
}

describe('sign-in mails through a local SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let app: E2eApp;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    app = await startApp({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM, PUBLIC_URL });
  });
  afterAll(async () => {
    await app?.stop();
    await new Promise<void>((resolve) => smtp.server.close(() => resolve()));
  });

  it('delivers the registration message with the generated password and the sign-in link, which work', async () => {
    const email = 'smtp.reader@example.com';
    expect(app.infra.outbox).toBeUndefined();
    await request(app.url).post('/api/auth/register').send({ email, language: 'it' }).expect(202);
    const { mail, rcptTo } = await nextMail(smtp.delivered, 0);
    expect(rcptTo).toEqual([email]);
    expect(mail.from?.value[0]).toMatchObject({ address: 'no-reply@example.test', name: 'Switchboard' });
    expect(mail.subject).toMatch(/Switchboard/);
    expect(mail.headers.get('x-switchboard-template')).toBe('registration-password');
    expect(linkIn(mail.text ?? '', '/sign-in').href).toBe(`${PUBLIC_URL}/sign-in`);
    expect(mail.html).toContain(`href="${PUBLIC_URL}/sign-in"`);

    const first = await login(app, email, generatedPassword(mail.text ?? ''));
    expect(first.mustChangePassword).toBe(true);
  });

  it('delivers a recovery link whose token sets a new password', async () => {
    const email = 'smtp.recover@example.com';
    await request(app.url).post('/api/auth/register').send({ email }).expect(202);
    const index = smtp.delivered.length;
    await request(app.url).post('/api/auth/recovery').send({ email }).expect(202);
    const { mail } = await nextMail(smtp.delivered, index);
    expect(mail.headers.get('x-switchboard-template')).toBe('password-recovery');
    const link = linkIn(mail.text ?? '', '/recover/complete');
    await request(app.url).post('/api/auth/recovery/complete').send({ token: link.searchParams.get('token'), newPassword: OTHER_STRONG_PASSWORD }).expect(204);
    const pair = await login(app, email, OTHER_STRONG_PASSWORD);
    // The link proved the email: the user is active and chose their password, nothing is forced.
    expect(pair.mustChangePassword).toBe(false);
  });
});
