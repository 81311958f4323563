import request from 'supertest';
import type { RecordedEvent } from '../../application/ports/event-store.port';
import type { OutboxMail } from '../../adapters/mail/outbox-mailer.adapter';
import type { E2eApp } from './e2e-app';

export const PROBLEM = /^application\/problem\+json/;
export const STRONG_PASSWORD = 'Kettle-Harbour-42x';
export const OTHER_STRONG_PASSWORD = 'Granite.Violet-17q';

export interface Pair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
  readonly mustChangePassword: boolean;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

const delivered = new WeakMap<E2eApp, Set<string>>();

/**
 * Waits (bounded) for a mail to `to` that satisfies `accept` and that no earlier call returned: the next
 * such mail. (Outbox names sort by time; under a frozen test clock several share one instant.)
 */
export async function mailTo(app: E2eApp, to: string, accept: (mail: OutboxMail) => boolean = () => true, timeoutMs = 5000): Promise<OutboxMail> {
  const outbox = app.infra.outbox;
  if (!outbox) throw new Error('the app does not write to the outbox');
  const seen = delivered.get(app) ?? new Set<string>();
  delivered.set(app, seen);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const entry of await outbox.list()) {
      if (seen.has(entry.messageId)) continue;
      const mail = await outbox.read(entry.file);
      if (mail.to.some((address) => address.toLowerCase() === to.toLowerCase()) && accept(mail)) {
        seen.add(entry.messageId);
        return mail;
      }
    }
    if (Date.now() > deadline) throw new Error(`no new matching mail to ${to} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const template = (name: string) => (mail: OutboxMail) => mail.headers['x-switchboard-template'] === name;

export async function mailCount(app: E2eApp, to: string): Promise<number> {
  const outbox = app.infra.outbox;
  if (!outbox) return 0;
  let count = 0;
  for (const entry of await outbox.list()) {
    if ((await outbox.read(entry.file)).to.includes(to)) count++;
  }
  return count;
}

/** The generated password: the line of the registration mail that is the password alone. */
export function generatedPassword(text: string): string {
  const match = /^([A-Za-z0-9\-_.!@#%+=]{16})$/m.exec(text);
  if (!match) throw new Error(`no generated password in:\n${text}`);
  return match[1];
}

/** The first http(s) URL of a text that contains `path`. */
export function linkIn(text: string, path: string): URL {
  const url = text.split(/\s+/).find((word) => /^https?:\/\//.test(word) && word.includes(path));
  if (!url) throw new Error(`no ${path} link in:\n${text}`);
  return new URL(url);
}

export async function register(app: E2eApp, email: string, extra: Record<string, unknown> = {}): Promise<string> {
  await request(app.url).post('/api/auth/register').send({ email, ...extra }).expect(202);
  return generatedPassword((await mailTo(app, email, template('registration-password'))).text);
}

export async function login(app: E2eApp, email: string, password: string): Promise<Pair> {
  const res = await request(app.url).post('/api/auth/login').send({ email, password });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Pair;
}

/** Registered, first sign-in, forced change done: a session with `STRONG_PASSWORD`. */
export async function signedUp(app: E2eApp, email: string): Promise<{ pair: Pair; me: { id: string; accountId: string } }> {
  const generated = await register(app, email);
  const first = await login(app, email, generated);
  const changed = await request(app.url)
    .post('/api/me/password')
    .set(bearer(first.accessToken))
    .send({ currentPassword: generated, newPassword: STRONG_PASSWORD })
    .expect(200);
  const pair = changed.body as Pair;
  const me = await request(app.url).get('/api/me').set(bearer(pair.accessToken)).expect(200);
  return { pair, me: me.body };
}

/** Every event of the log (tests are small). */
export async function allEvents(app: E2eApp): Promise<RecordedEvent[]> {
  return app.infra.eventStore.readAll({ limit: 100_000 });
}

export async function eventsOfType(app: E2eApp, type: string): Promise<RecordedEvent[]> {
  return (await allEvents(app)).filter((e) => e.type === type);
}
