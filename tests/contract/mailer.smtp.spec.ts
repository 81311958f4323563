import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { SmtpMailer } from '../../adapters/mail/smtp-mailer.adapter';
import type { Clock } from '../../application/ports/clock.port';
import { CONTRACT_FROM, CONTRACT_NOW, type DeliveredMail, mailerContract, parseDelivered } from './mailer.contract';

/** What a local SMTP server received: the raw message, its envelope and who authenticated. */
interface Received {
  readonly raw: Buffer;
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
  readonly user: string | undefined;
}

const USER = 'mailer';
const PASSWORD = 'p@ss:wörd/ok';

/** A real SMTP server on 127.0.0.1 and a free port; AUTH is optional but checked when given. */
async function startSmtpServer(): Promise<{ server: SMTPServer; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          raw: Buffer.concat(chunks),
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((address) => address.address),
          user: session.user,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.server.address() as AddressInfo).port, received };
}

function stop(server: SMTPServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

const smtpUrl = (port: number, password = PASSWORD) =>
  `smtp://${encodeURIComponent(USER)}:${encodeURIComponent(password)}@127.0.0.1:${port}`;

mailerContract('smtp', async ({ from, clock }) => {
  const { server, port, received } = await startSmtpServer();
  const mailer = new SmtpMailer({ url: smtpUrl(port), from, clock, timeoutMs: 5000 });
  return {
    mailer,
    delivered: (): Promise<DeliveredMail[]> => Promise.all(received.map((message) => parseDelivered(message.raw))),
    async close() {
      mailer.close();
      await stop(server);
    },
  };
});

describe('SmtpMailer against a local SMTP server', () => {
  const clock: Clock = { now: () => CONTRACT_NOW };
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  const mailers: SmtpMailer[] = [];
  const mailerFor = (url: string) => {
    const mailer = new SmtpMailer({ url, from: CONTRACT_FROM, clock, timeoutMs: 5000 });
    mailers.push(mailer);
    return mailer;
  };

  beforeEach(async () => {
    smtp = await startSmtpServer();
  });

  afterEach(async () => {
    mailers.splice(0).forEach((mailer) => mailer.close());
    await stop(smtp.server);
  });

  it('authenticates with the URL credentials and uses the bare addresses as envelope', async () => {
    await mailerFor(smtpUrl(smtp.port)).send({ to: 'ann@example.com', subject: 'x', text: 'x' });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]).toMatchObject({ user: USER, mailFrom: 'no-reply@switchboard.test', rcptTo: ['ann@example.com'] });
  });

  it('sends without credentials when the URL has none', async () => {
    await mailerFor(`smtp://127.0.0.1:${smtp.port}`).send({ to: 'ann@example.com', subject: 'x', text: 'x' });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0].user).toBeUndefined();
  });

  it('reports refused credentials as MAIL_DELIVERY_FAILED and delivers nothing', async () => {
    const mailer = mailerFor(smtpUrl(smtp.port, 'wrong'));
    await expect(mailer.send({ to: 'ann@example.com', subject: 'x', text: 'x' })).rejects.toMatchObject({
      code: 'MAIL_DELIVERY_FAILED',
    });
    await expect(mailer.verify()).rejects.toMatchObject({ code: 'MAIL_DELIVERY_FAILED' });
    expect(smtp.received).toEqual([]);
  });

  it('verify() succeeds against a live server and fails once it is gone', async () => {
    const mailer = mailerFor(smtpUrl(smtp.port));
    await expect(mailer.verify()).resolves.toBeUndefined();
    const gone = await startSmtpServer();
    await stop(gone.server);
    await expect(mailerFor(smtpUrl(gone.port)).verify()).rejects.toMatchObject({ code: 'MAIL_DELIVERY_FAILED' });
  });

  it.each(['not a url', 'http://mail.example.com', 'smtp://'])('refuses SMTP_URL %j without echoing it', (url) => {
    expect(() => mailerFor(url)).toThrow(expect.objectContaining({ code: 'MAIL_CONFIG_INVALID' }));
  });

  it('refuses a MAIL_FROM that is not an address', () => {
    expect(() => new SmtpMailer({ url: smtpUrl(smtp.port), from: 'Switchboard', clock })).toThrow(
      expect.objectContaining({ code: 'MAIL_ADDRESS_INVALID' }),
    );
  });
});
