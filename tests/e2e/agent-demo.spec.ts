import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { ComputerListResponse, ComputerRow } from '../../application/contracts/computers-live.contracts';
import { DemoComputerService } from '../../adapters/demo/demo-computer.service';
import { bearer, signedUp } from './auth-kit';
import { eventually } from './agent-kit';
import { startApp, type E2eApp } from './e2e-app';

describe('The demo computer (DEMO_COMPUTER=on)', () => {
  let app: E2eApp;

  afterEach(async () => {
    await app?.stop();
  });

  async function demoRowOf(token: string): Promise<ComputerRow> {
    return eventually(async () => {
      const res = await request(app.url).get('/api/computers').set(bearer(token)).expect(200);
      const demo = (res.body as ComputerListResponse).demo;
      return demo && demo.status === 'online' && demo.screenshotAt ? demo : undefined;
    }, 'the demo computer online with a screenshot', 15_000);
  }

  it('is online with a synthetic screen for every new account, which may look but not change it, and survives a restart', async () => {
    app = await startApp({ DEMO_COMPUTER: 'on' });
    const { pair } = await signedUp(app, `demo-viewer-${randomUUID().slice(0, 8)}@example.com`);
    const demo = await demoRowOf(pair.accessToken);
    expect(demo).toMatchObject({ name: 'Demo computer', demo: true, owned: false, canManage: false, canAdminister: false, location: '127.0.0.1, local network' });

    const details = await request(app.url).get(`/api/computers/${demo.id}`).set(bearer(pair.accessToken)).expect(200);
    expect(details.body).toMatchObject({ id: demo.id, hostname: 'switchboard-demo', demo: true });
    const shot = await request(app.url).get(demo.screenshotUrl!).set(bearer(pair.accessToken)).expect(200);
    expect(shot.headers['content-type']).toBe('image/png');

    for (const [method, path, body] of [
      ['patch', '', { name: 'Mine' }],
      ['delete', '', undefined],
      ['put', '/visibility', { visibility: 'owner' }],
    ] as const) {
      const call = (request(app.url) as unknown as Record<string, (u: string) => request.Test>)[method](`/api/computers/${demo.id}${path}`).set(bearer(pair.accessToken));
      const res = body ? await call.send(body) : await call;
      expect([method, path, res.status, res.body.code]).toEqual([method, path, 403, 'COMPUTER_FORBIDDEN']);
    }

    // A search that does not match leaves it out; one that does keeps it.
    const none = await request(app.url).get('/api/computers?search=zzz').set(bearer(pair.accessToken)).expect(200);
    expect((none.body as ComputerListResponse).demo).toBeNull();
    const some = await request(app.url).get('/api/computers?search=demo').set(bearer(pair.accessToken)).expect(200);
    expect((some.body as ComputerListResponse).demo?.id).toBe(demo.id);

    const dataDir = app.dataDir;
    await app.stop({ keepDataDir: true });
    app = await startApp({ DEMO_COMPUTER: 'on', DATA_DIR: dataDir });
    expect(app.app.get(DemoComputerService).identity?.computerId).toBe(demo.id);
    const enrolled = (await app.infra.eventStore.readAll({ limit: 100_000 })).filter((e) => e.type === 'ComputerEnrolled');
    expect(enrolled).toHaveLength(1);
    const { pair: later } = await signedUp(app, `demo-later-${randomUUID().slice(0, 8)}@example.com`);
    expect((await demoRowOf(later.accessToken)).id).toBe(demo.id);
  });

  it('is off unless asked in tests', async () => {
    app = await startApp();
    expect(app.app.get(DemoComputerService).identity).toBeNull();
    const { pair } = await signedUp(app, `no-demo-${randomUUID().slice(0, 8)}@example.com`);
    const res = await request(app.url).get('/api/computers').set(bearer(pair.accessToken)).expect(200);
    expect((res.body as ComputerListResponse).demo).toBeNull();
  });
});
