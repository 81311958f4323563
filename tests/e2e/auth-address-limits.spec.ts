import request from 'supertest';
import { DEFAULT_ADDRESS_LIMITS } from '../../adapters/http/auth/login-throttle';
import { ManualClock } from '../kit/counter-projection';
import { startApp, type E2eApp } from './e2e-app';
import { PROBLEM, eventsOfType, mailCount } from './auth-kit';

const HOUR_S = 3600;

describe('registration and recovery limited per client address: 429 with Retry-After, recorded', () => {
  let app: E2eApp;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = new ManualClock();
    // Behind a trusted proxy on loopback, so that each request's address is the one the test names.
    app = await startApp({ TRUST_PROXY: 'loopback' }, { clock });
  });
  afterAll(async () => {
    await app.stop();
  });

  const register = (email: string, ip: string) => request(app.url).post('/api/auth/register').set('X-Forwarded-For', ip).send({ email });
  const recover = (email: string, ip: string) => request(app.url).post('/api/auth/recovery').set('X-Forwarded-For', ip).send({ email });

  /** The limiter's records of `action` in today's anonymous security stream (unknown emails are recorded there too). */
  async function refusals(action: string): Promise<{ reason: string; ip: unknown }[]> {
    const stream = `security-anonymous-${clock.now().slice(0, 10)}`;
    const events = await app.infra.eventStore.readStream(stream).catch(() => []);
    return events
      .filter((e) => e.data.action === action && String(e.data.reason).startsWith('rate_limit'))
      .map((e) => ({ reason: String(e.data.reason), ip: e.metadata.source?.ip }));
  }

  it(`lets ${DEFAULT_ADDRESS_LIMITS.registrationsPerHour} registrations an hour through from one address, then refuses and registers nothing`, async () => {
    const ip = '203.0.113.50';
    const limit = DEFAULT_ADDRESS_LIMITS.registrationsPerHour;
    for (let i = 0; i < limit; i++) await register(`crowd${i}@example.com`, ip).expect(202);
    const registeredBefore = (await eventsOfType(app, 'UserRegistered')).length;

    const refused = await register('one.too.many@example.com', ip).expect(429);
    expect(refused.headers['content-type']).toMatch(PROBLEM);
    expect(refused.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(refused.headers['retry-after']).toBe(String(HOUR_S));
    clock.advance(60_000);
    const again = await register('one.more@example.com', ip).expect(429);
    expect(again.headers['retry-after']).toBe(String(HOUR_S - 60));

    // Nothing registered, claimed or mailed for the refused ones.
    expect((await eventsOfType(app, 'UserRegistered')).length).toBe(registeredBefore);
    expect(await mailCount(app, 'one.too.many@example.com')).toBe(0);
    // Another address is not concerned.
    await register('neighbour@example.com', '203.0.113.51').expect(202);

    // One record per block, with the address, also in the operator's audit log.
    expect(await refusals('register')).toEqual([{ reason: 'rate_limited_ip', ip }]);
    const head = await app.infra.eventStore.headPosition();
    const audit = await request(app.url)
      .get('/api/audit')
      .query({ tenant: 'anonymous', type: 'SecurityAttemptRecorded', minPosition: head })
      .set(app.auth)
      .expect(200);
    expect(audit.body.entries).toEqual(expect.arrayContaining([expect.objectContaining({ ip, summary: 'Refused registration: rate limited ip' })]));

    // The block ends after the hour, and the count starts again.
    clock.advance((HOUR_S - 60) * 1000);
    await register('after.the.hour@example.com', ip).expect(202);
  });

  it(`answers ${DEFAULT_ADDRESS_LIMITS.recoveriesPerHour} recovery requests an hour from one address, whatever the emails, then 429`, async () => {
    const ip = '203.0.113.60';
    const limit = DEFAULT_ADDRESS_LIMITS.recoveriesPerHour;
    for (let i = 0; i < limit; i++) await recover(`someone${i}@example.com`, ip).expect(202);
    const refused = await recover('crowd0@example.com', ip).expect(429);
    expect(refused.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(refused.headers['retry-after']).toBe(String(HOUR_S));
    await recover('crowd0@example.com', '203.0.113.61').expect(202);
    expect(await refusals('recovery')).toEqual([{ reason: 'rate_limited_ip', ip }]);
  });
});
