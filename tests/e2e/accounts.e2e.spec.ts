import request from 'supertest';
import { startApp, type E2eApp } from './e2e-app';

const PROBLEM = /^application\/problem\+json/;

describe('accounts over HTTP', () => {
  let app: E2eApp;

  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  const register = (name = 'Acme IT') => request(app.url).post('/api/accounts').set(app.auth).send({ name, kind: 'msp' });

  it('registers an account: 201, ETag, Location and the position to read it at', async () => {
    const res = await register().expect(201);
    expect(res.body).toEqual({ id: expect.any(String), revision: 0, position: expect.stringMatching(/^[0-9]+$/) });
    expect(res.headers.etag).toBe('"0"');
    expect(res.headers.location).toBe(`/api/accounts/${res.body.id}`);
  });

  it('reads its own write at once with minPosition', async () => {
    const { body } = await register('Read Me').expect(201);
    const res = await request(app.url).get(`/api/accounts/${body.id}?minPosition=${body.position}`).set(app.auth).expect(200);
    expect(res.body).toMatchObject({ id: body.id, tenantId: body.id, name: 'Read Me', kind: 'msp', status: 'open' });
    expect(res.body._pos).toBeUndefined();
  });

  it('records the correlation id and the source of the request on the event', async () => {
    const res = await register('Traced').set('X-Correlation-Id', 'corr-123').set('User-Agent', 'e2e-agent').expect(201);
    expect(res.headers['x-correlation-id']).toBe('corr-123');
    const [event] = await app.infra.eventStore.readStream(`account-${res.body.id}`);
    expect(event.metadata).toMatchObject({
      correlationId: 'corr-123',
      tenantId: res.body.id,
      actor: { kind: 'system', id: 'operator' },
      source: { channel: 'http', userAgent: 'e2e-agent', ip: expect.any(String) },
    });
  });

  it('renames with a fresh If-Match and refuses a stale one with 412, changing nothing', async () => {
    const { body } = await register('Before').expect(201);
    const renamed = await request(app.url)
      .patch(`/api/accounts/${body.id}`)
      .set(app.auth)
      .set('If-Match', '"0"')
      .send({ name: 'After' })
      .expect(200);
    expect(renamed.headers.etag).toBe('"1"');
    expect(renamed.body).toMatchObject({ id: body.id, revision: 1 });

    const stale = await request(app.url)
      .patch(`/api/accounts/${body.id}`)
      .set(app.auth)
      .set('If-Match', '"0"')
      .send({ name: 'Lost update' })
      .expect(412);
    expect(stale.headers['content-type']).toMatch(PROBLEM);
    expect(stale.body).toMatchObject({ status: 412, code: 'PRECONDITION_FAILED', instance: `/api/accounts/${body.id}` });
    expect(await app.infra.eventStore.readStream(`account-${body.id}`)).toHaveLength(2);
    const view = await request(app.url).get(`/api/accounts/${body.id}?minPosition=${renamed.body.position}`).set(app.auth).expect(200);
    expect(view.body.name).toBe('After');
  });

  it('refuses a malformed If-Match with 400', async () => {
    const { body } = await register().expect(201);
    const res = await request(app.url).patch(`/api/accounts/${body.id}`).set(app.auth).set('If-Match', 'yesterday').send({ name: 'X' }).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('closes an account, then maps the domain errors: closed → 409, unknown → 404', async () => {
    const { body } = await register().expect(201);
    const closed = await request(app.url).delete(`/api/accounts/${body.id}`).set(app.auth).expect(200);
    expect(closed.headers.etag).toBe('"1"');
    const again = await request(app.url).delete(`/api/accounts/${body.id}`).set(app.auth).expect(409);
    expect(again.body).toMatchObject({ code: 'ACCOUNT_CLOSED', title: 'Conflict' });
    const unknown = await request(app.url).patch('/api/accounts/nobody-here').set(app.auth).send({ name: 'X' }).expect(404);
    expect(unknown.body.code).toBe('ACCOUNT_NOT_FOUND');
    const missing = await request(app.url).get('/api/accounts/nobody-here').set(app.auth).expect(404);
    expect(missing.headers['content-type']).toMatch(PROBLEM);
    expect(missing.body.code).toBe('ACCOUNT_NOT_FOUND');
  });

  it('answers 401 problems for a missing or wrong token, and writes nothing', async () => {
    const head = await app.infra.eventStore.headPosition();
    const none = await request(app.url).post('/api/accounts').send({ name: 'Nope', kind: 'msp' }).expect(401);
    expect(none.headers['content-type']).toMatch(PROBLEM);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.body).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    const wrong = await request(app.url)
      .post('/api/accounts')
      .set('Authorization', 'Bearer not-the-operator-token-at-all')
      .send({ name: 'Nope', kind: 'msp' })
      .expect(401);
    expect(wrong.body.code).toBe('UNAUTHORIZED');
    await request(app.url).get('/api/accounts/any').set('Authorization', 'Basic abc').expect(401);
    expect(await app.infra.eventStore.headPosition()).toBe(head);
  });

  describe('bad bodies get a 4xx problem and change nothing', () => {
    const cases: [string, () => request.Test, number, string][] = [
      ['an extra field', () => register().send({ name: 'A', kind: 'msp', owner: 'me' }), 400, 'VALIDATION_FAILED'],
      ['a missing name', () => request(app.url).post('/api/accounts').set(app.auth).send({ kind: 'msp' }), 400, 'VALIDATION_FAILED'],
      ['an unknown kind', () => request(app.url).post('/api/accounts').set(app.auth).send({ name: 'A', kind: 'bank' }), 400, 'VALIDATION_FAILED'],
      [
        'a 200 kB body',
        () => request(app.url).post('/api/accounts').set(app.auth).send({ name: 'x'.repeat(200 * 1024), kind: 'msp' }),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        'a body that is not JSON',
        () => request(app.url).post('/api/accounts').set(app.auth).set('Content-Type', 'application/json').send('{"name": '),
        400,
        'VALIDATION_FAILED',
      ],
      ['a JSON array', () => request(app.url).post('/api/accounts').set(app.auth).send([{ name: 'A', kind: 'msp' }]), 400, 'VALIDATION_FAILED'],
      ['a blank name (domain rule)', () => request(app.url).post('/api/accounts').set(app.auth).send({ name: '   ', kind: 'msp' }), 422, 'ACCOUNT_NAME_INVALID'],
    ];

    it.each(cases)('%s', async (_what, send, status, code) => {
      const head = await app.infra.eventStore.headPosition();
      const res = await send().expect(status);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ type: expect.stringContaining('urn:switchboard:problem:'), status, code, instance: '/api/accounts' });
      expect(typeof res.body.title).toBe('string');
      expect(typeof res.body.detail).toBe('string');
      expect(await app.infra.eventStore.headPosition()).toBe(head);
    });

    it('names the offending fields', async () => {
      const res = await register().send({ name: 'A', kind: 'msp', owner: 'me' }).expect(400);
      expect(res.body.errors).toEqual([expect.stringContaining('owner')]);
    });
  });

  it('refuses a minPosition that is not a position', async () => {
    const res = await request(app.url).get('/api/accounts/any?minPosition=yesterday').set(app.auth).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('answers unknown API routes with a 404 problem', async () => {
    const res = await request(app.url).get('/api/no-such-thing').expect(404);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.code).toBe('NOT_FOUND');
  });
});
