import Redis from 'ioredis';
import request from 'supertest';
import { OutboxMailer } from '../../adapters/mail/outbox-mailer.adapter';
import { SystemClock } from '../../adapters/system/system-clock.adapter';
import type { ServerProcess } from '../kit/server-process';
import { eventually } from './agent-kit';
import { bearer, generatedPassword, STRONG_PASSWORD } from './auth-kit';

/**
 * Registers on node `a` (its outbox, in `dirA`, receives the generated password), then signs in and
 * sets STRONG_PASSWORD on node `b`: one account and one log seen from two processes.
 */
export async function signUpAcrossNodes(a: ServerProcess, dirA: string, b: ServerProcess, email: string): Promise<{ token: string; userId: string }> {
  await request(a.url).post('/api/auth/register').send({ email }).expect(202);
  const outbox = new OutboxMailer({ dataDir: dirA, from: 'no-reply@example.com', clock: new SystemClock(), log: () => undefined });
  const mail = await eventually(async () => {
    for (const entry of await outbox.list()) {
      const read = await outbox.read(entry.file);
      if (read.to.includes(email)) return read;
    }
    return undefined;
  }, 'the registration mail on node A');
  const generated = generatedPassword(mail.text);
  const first = await request(b.url).post('/api/auth/login').send({ email, password: generated }).expect(200);
  const changed = await request(b.url)
    .post('/api/me/password')
    .set(bearer(first.body.accessToken))
    .send({ currentPassword: generated, newPassword: STRONG_PASSWORD })
    .expect(200);
  const token = changed.body.accessToken as string;
  const userId = (await request(b.url).get('/api/me').set(bearer(token)).expect(200)).body.id as string;
  return { token, userId };
}

/** Deletes every key of a test run's prefix from the machine's shared Redis. */
export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${prefix}*`, count: 500 })) keys.push(...(batch as string[]));
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    await redis.quit();
  }
}
