import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import request from 'supertest';
import type { HealthView } from '../../application/contracts/health.view';
import { accountListProjection } from '../../read-models/account-list/account-list.projection';
import { ALL_PROJECTIONS } from '../../read-models';
import type { Projection } from '../../read-models/projection';
import { makeDataDir, startApp, type E2eApp } from './e2e-app';

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('health, metrics, OpenAPI and the console files', () => {
  let app: E2eApp;

  beforeAll(async () => {
    app = await startApp();
    await request(app.url).post('/api/accounts').set(app.auth).send({ name: 'Metered', kind: 'msp' }).expect(201);
    await request(app.url).post('/api/accounts').set(app.auth).send({ name: '', kind: 'msp' }).expect(400);
    await request(app.url).delete('/api/accounts/nobody').set(app.auth).expect(404);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('/health is 200 with both stores up and every projection', async () => {
    const res = await until(
      () => request(app.url).get('/health'),
      (r) => (r.body as HealthView).projections?.every((p) => p.state === 'running'),
    );
    expect(res.status).toBe(200);
    const view = res.body as HealthView;
    const accountListVersion = () => ALL_PROJECTIONS.find((p) => p.name === 'account-list')!.version;
    expect(view).toMatchObject({
      status: 'ok',
      version: expect.any(String),
      eventStore: { status: 'up', adapter: 'sqlite', head: expect.any(String) },
      readStore: { status: 'up', adapter: 'memory' },
    });
    expect(view.projections.map((p) => p.name)).toEqual(ALL_PROJECTIONS.map((p) => p.name));
    expect(view.projections).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'account-list', version: accountListVersion(), state: 'running', checkpoint: view.eventStore.head, lagEvents: 0, lagMs: 0 }),
      ]),
    );
  });

  it('/metrics exposes the append histogram, command counters and projection lag', async () => {
    const res = await request(app.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    const sample = (name: string) => {
      const line = text.split('\n').find((l) => l.startsWith(name));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    expect(sample('switchboard_append_duration_seconds_count{outcome="ok"}')).toBeGreaterThan(0);
    expect(sample('switchboard_commands_total{command="RegisterAccount",outcome="ok"}')).toBe(1);
    expect(sample('switchboard_commands_total{command="CloseAccount",outcome="rejected"}')).toBe(1);
    expect(sample('switchboard_command_failures_total{command="CloseAccount",code="ACCOUNT_NOT_FOUND"}')).toBe(1);
    expect(sample('switchboard_projection_lag_events{projection="account-list"}')).toBe(0);
    expect(sample('switchboard_projection_lag_seconds{projection="account-list"}')).toBe(0);
  });

  it('/api/docs-json lists the routes, and /api/docs serves the UI', async () => {
    const res = await request(app.url).get('/api/docs-json').expect(200);
    expect(Object.keys(res.body.paths).sort()).toEqual(expect.arrayContaining(['/api/accounts', '/api/accounts/{id}', '/api/audit', '/api/audit.csv', '/health']));
    expect(Object.keys(res.body.paths['/api/accounts/{id}']).sort()).toEqual(['delete', 'get', 'patch']);
    expect(res.body.components.schemas.RegisterAccountDto.required).toEqual(['name', 'kind']);
    await request(app.url).get('/api/docs').expect(200).expect('Content-Type', /html/);
  });

  it('without a console build, / says how to build it', async () => {
    const res = await request(app.url).get('/').expect(200);
    expect(res.text).toContain('npm run build:ui');
  });
});

describe('serving the console build', () => {
  let app: E2eApp;
  let uiRoot: string;

  beforeAll(async () => {
    uiRoot = await makeDataDir();
    const ui = path.join(uiRoot, 'browser');
    await mkdir(ui, { recursive: true });
    await writeFile(path.join(ui, 'index.html'), '<!doctype html><title>console</title><app-root></app-root>');
    await writeFile(path.join(ui, 'main.js'), 'console.log("console")');
    app = await startApp({ UI_DIST: ui });
  });
  afterAll(async () => {
    await app.stop();
    await rm(uiRoot, { recursive: true, force: true });
  });

  it('serves files, and index.html for client-side routes', async () => {
    await request(app.url).get('/').expect(200).expect(/app-root/);
    await request(app.url).get('/main.js').expect(200).expect(/console/);
    await request(app.url).get('/computers/42').expect(200).expect(/app-root/);
  });

  it('keeps API, probes and missing files out of the fallback', async () => {
    const api = await request(app.url).get('/api/unknown').expect(404);
    expect(api.body.code).toBe('NOT_FOUND');
    await request(app.url).get('/health').expect(200).expect('Content-Type', /json/);
    await request(app.url).get('/missing.js').expect(404);
  });
});

describe('a failed projection', () => {
  let app: E2eApp;
  const broken: Projection = {
    ...accountListProjection,
    evolve: () => {
      throw new Error('cannot read this event');
    },
  } as Projection;

  beforeAll(async () => {
    app = await startApp({}, { projections: [broken] });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('makes /health 503 degraded and read-your-writes a 503 with Retry-After', async () => {
    const { body } = await request(app.url).post('/api/accounts').set(app.auth).send({ name: 'Breaks it', kind: 'msp' }).expect(201);
    const health = await until(
      () => request(app.url).get('/health'),
      (r) => r.status === 503,
    );
    expect(health.status).toBe(503);
    expect(health.body.status).toBe('degraded');
    expect(health.body.projections[0]).toMatchObject({ name: 'account-list', state: 'failed', error: { message: 'cannot read this event' } });

    const read = await request(app.url).get(`/api/accounts/${body.id}?minPosition=${body.position}`).set(app.auth).expect(503);
    expect(read.headers['retry-after']).toBe('1');
    expect(read.body).toMatchObject({ code: 'READ_MODEL_BEHIND', status: 503 });
  });
});
