import { Writable } from 'node:stream';
import request from 'supertest';
import { TEST_TOKEN, startApp, type E2eApp } from './e2e-app';

describe('structured logs', () => {
  let app: E2eApp;
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });

  beforeAll(async () => {
    app = await startApp({ LOG_LEVEL: 'info' }, { logDestination: destination });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('logs each request as JSON with its correlation id, and never the bearer token', async () => {
    await request(app.url).post('/api/accounts').set(app.auth).set('X-Correlation-Id', 'log-corr-1').send({ name: 'Logged', kind: 'msp' }).expect(201);
    const deadline = Date.now() + 2000;
    let entry: Record<string, unknown> | undefined;
    while (!entry && Date.now() < deadline) {
      entry = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.correlationId === 'log-corr-1');
      if (!entry) await new Promise((r) => setTimeout(r, 10));
    }
    expect(entry).toMatchObject({ msg: 'request completed', res: { statusCode: 201 }, req: { method: 'POST', url: '/api/accounts' } });
    expect((entry?.req as { headers: Record<string, string> }).headers.authorization).toBe('[redacted]');
    expect(lines.join('\n')).not.toContain(TEST_TOKEN);
  });
});
