import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxMailer, type OutboxLog } from './outbox-mailer.adapter';

describe('OutboxMailer', () => {
  let dataDir: string;
  let now: string;
  let logged: Parameters<OutboxLog>[];
  let mailer: OutboxMailer;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-outbox-'));
    now = '2026-05-06T07:08:09.010Z';
    logged = [];
    mailer = new OutboxMailer({
      dataDir,
      from: 'no-reply@switchboard.test',
      clock: { now: () => now },
      log: (message, fields) => logged.push([message, fields]),
    });
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes <iso-time>-<messageId>.eml under DATA_DIR/outbox and nothing else', async () => {
    const { messageId } = await mailer.send({ to: 'ann@example.com', subject: 'Hello', text: 'Body' });
    expect(mailer.dir).toBe(join(dataDir, 'outbox'));
    expect(readdirSync(mailer.dir)).toEqual([`2026-05-06T07-08-09.010Z-${messageId.slice(1, -1)}.eml`]);
  });

  it('logs one line with recipient, subject and file, never the body', async () => {
    const { messageId } = await mailer.send({ to: 'ann@example.com', subject: 'Your password', text: 'S3cret-Passw0rd!' });
    expect(logged).toEqual([
      [
        'mail written to the outbox',
        { to: 'ann@example.com', subject: 'Your password', file: readdirSync(mailer.dir)[0], messageId },
      ],
    ]);
    expect(JSON.stringify(logged)).not.toContain('S3cret');
  });

  it('lists newest first, also within one clock tick, and reads a message back decoded', async () => {
    await mailer.send({ to: 'ann@example.com', subject: 'First', text: 'one' });
    await mailer.send({ to: 'bob@example.com', subject: 'Second', text: 'two' });
    now = '2026-05-06T07:08:10.000Z';
    const third = await mailer.send({ to: 'ann@example.com', subject: 'Grüße 日本', text: 'drei é', html: '<b>drei</b>' });

    const entries = await mailer.list();
    expect(entries.map((entry) => entry.at)).toEqual([
      '2026-05-06T07:08:10.000Z',
      '2026-05-06T07:08:09.010Z',
      '2026-05-06T07:08:09.010Z',
    ]);
    expect(entries[0].messageId).toBe(third.messageId);

    const mail = await mailer.read(entries[0].file);
    expect(mail).toMatchObject({
      file: entries[0].file,
      messageId: third.messageId,
      from: 'no-reply@switchboard.test',
      to: ['ann@example.com'],
      subject: 'Grüße 日本',
      text: 'drei é',
      html: '<b>drei</b>',
    });
    expect(mail.raw).toMatch(/^Message-ID: /m);
    expect((await mailer.read(entries[1].file)).subject).toBe('Second');
  });

  it('latest() finds the newest message, optionally to one recipient', async () => {
    expect(await mailer.latest()).toBeUndefined();
    await mailer.send({ to: 'ann@example.com', subject: 'For Ann', text: 'a' });
    await mailer.send({ to: 'bob@example.com', subject: 'For Bob', text: 'b' });
    expect((await mailer.latest())?.subject).toBe('For Bob');
    expect((await mailer.latest('ANN@example.com'))?.subject).toBe('For Ann');
    expect(await mailer.latest('nobody@example.com')).toBeUndefined();
  });

  it('ignores unrelated and half-written files and leaves no temporary file behind', async () => {
    await mailer.send({ to: 'ann@example.com', subject: 'Real', text: 'x' });
    writeFileSync(join(mailer.dir, '.2026-05-06T07-08-09.010Z-x@y.eml.tmp'), 'partial');
    writeFileSync(join(mailer.dir, 'notes.txt'), 'hello');
    const entries = await mailer.list();
    expect(entries).toHaveLength(1);
    expect(readdirSync(mailer.dir).filter((name) => name.endsWith('.eml'))).toHaveLength(1);
  });

  it('read() refuses names outside the outbox', async () => {
    await expect(mailer.read('../secret.eml')).rejects.toThrow(/Not an outbox file name/);
    await expect(mailer.read('2026-05-06T07-08-09.010Z-../../x.eml')).rejects.toThrow(/Not an outbox file name/);
  });

  it('list() is empty before the first message; verify() creates the directory', async () => {
    expect(await mailer.list()).toEqual([]);
    await expect(mailer.verify()).resolves.toBeUndefined();
    expect(readdirSync(dataDir)).toEqual(['outbox']);
  });

  it('refuses a MAIL_FROM that is not an address', () => {
    expect(
      () => new OutboxMailer({ dataDir, from: 'Switchboard <nobody>', clock: { now: () => now }, log: () => undefined }),
    ).toThrow(expect.objectContaining({ code: 'MAIL_ADDRESS_INVALID' }));
  });
});
