import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import type { ComputerListResponse, ComputerRow } from '../../application/contracts/computers-live.contracts';
import { AgentProcess } from '../kit/agent-process';
import { buildPrivately } from '../kit/private-build';
import { bearer, signedUp, STRONG_PASSWORD, type Pair } from './auth-kit';
import { eventually } from './agent-kit';
import { startApp, type E2eApp } from './e2e-app';

/**
 * The real agent, compiled from agent/src as `npm run build` compiles it, run as a child process
 * against the real server: every enrollment path, the link, rename, screenshots, offline.
 */

const EXIT_ENROLLMENT_REFUSED = 3;

describe('The agent process against the real server', () => {
  let app: E2eApp;
  // A client space includes three computers: the later tests enroll into a second account so that none is Limited.
  let owner: Pair;
  let email: string;
  let second: Pair;
  let secondEmail: string;
  let buildRoot: string;
  let main: string;
  let work: string;
  const agents: AgentProcess[] = [];

  const list = async (who: Pair): Promise<ComputerRow[]> => {
    const res = await request(app.url).get('/api/computers').set(bearer(who.accessToken)).expect(200);
    const body = res.body as ComputerListResponse;
    return [...body.favourites, ...body.items];
  };
  const row = (computerId: string, status: string, who: Pair = owner) =>
    eventually(async () => (await list(who)).find((c) => c.id === computerId && c.status === status), `computer ${computerId} ${status}`, 15_000);
  const keyOf = async (dataDir: string) => JSON.parse(await fs.readFile(path.join(dataDir, 'agent.json'), 'utf8')) as { serverUrl: string; computerId: string; agentKey: string; name: string };
  const enrolledKey = (dataDir: string, agent: AgentProcess) =>
    eventually(
      async () => {
        if (agent.child.exitCode !== null) throw new Error(`the agent exited ${agent.child.exitCode}:\n${agent.output}`);
        return keyOf(dataDir).catch(() => undefined);
      },
      'agent.json',
      15_000,
    );
  const start = (args: string[]) => {
    const agent = AgentProcess.start(main, args);
    agents.push(agent);
    return agent;
  };
  const dataDir = async (name: string) => fs.mkdtemp(path.join(work, `${name}-`));

  beforeAll(async () => {
    ({ root: buildRoot, main } = await buildPrivately('agent/src/main.ts', 'agent-build'));
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'agent-e2e-'));
    app = await startApp({
      AGENT_HEARTBEAT_INTERVAL_MS: '200',
      AGENT_SWEEP_INTERVAL_MS: '100',
      AGENT_SCREENSHOT_INTERVAL_MS: '1000',
      AGENT_OFFLINE_GRACE_MS: '300',
    });
    email = `agent-owner-${Date.now().toString(36)}@example.com`;
    ({ pair: owner } = await signedUp(app, email));
    secondEmail = `agent-second-${Date.now().toString(36)}@example.com`;
    ({ pair: second } = await signedUp(app, secondEmail));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.kill()));
    await app?.stop();
    if (buildRoot) await fs.rm(buildRoot, { recursive: true, force: true });
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  it('enrolls with the account’s username and password, keeps its key 0600, and shows Online', async () => {
    const dir = await dataDir('password');
    const agent = start(['--server', app.url, '--username', email, '--password', STRONG_PASSWORD, '--data-dir', dir, '--name', 'Password PC']);
    const key = await enrolledKey(dir, agent);
    expect(key).toMatchObject({ serverUrl: app.url, name: 'Password PC', agentKey: expect.stringContaining(`${key.computerId}.`) });
    expect((await fs.stat(path.join(dir, 'agent.json'))).mode & 0o777).toBe(0o600);
    expect(await row(key.computerId, 'online')).toMatchObject({ name: 'Password PC' });
    const details = await request(app.url).get(`/api/computers/${key.computerId}`).set(bearer(owner.accessToken)).expect(200);
    expect(details.body).toMatchObject({ method: 'password', hostname: os.hostname() });
  });

  it('enrolls with the seed’s --create-computer command line and shows Online', async () => {
    const dir = await dataDir('cli');
    const port = new URL(app.url).port;
    const agent = start(['--create-computer', '--username', email, '--password', STRONG_PASSWORD, '--relay-url', '127.0.0.1', '--relay-port', port, '--data-dir', dir, '--name', 'CLI PC']);
    const key = await enrolledKey(dir, agent);
    expect(await row(key.computerId, 'online')).toMatchObject({ name: 'CLI PC' });
    const details = await request(app.url).get(`/api/computers/${key.computerId}`).set(bearer(owner.accessToken)).expect(200);
    expect(details.body).toMatchObject({ method: 'cli' });
  });

  it('enrolls once with an add-computer link; a second agent with the used link is refused clearly', async () => {
    const link = await request(app.url).post('/api/computers/add-computer-link').set(bearer(owner.accessToken)).expect(201);
    const dir = await dataDir('link');
    const agent = start(['--link', link.body.url, '--data-dir', dir, '--name', 'Link PC']);
    const key = await enrolledKey(dir, agent);
    expect(await row(key.computerId, 'online')).toMatchObject({ name: 'Link PC' });

    const again = start(['--link', link.body.url, '--data-dir', await dataDir('link-again')]);
    const exit = await again.exited;
    expect(exit.code).toBe(EXIT_ENROLLMENT_REFUSED);
    expect(again.stderr).toMatch(/Enrollment refused by the server \(410 ENROLLMENT_TOKEN_USED\): .*already been used/);
  });

  it('enrolls by itself with the enrollment.json of an auto-connect download, then removes it', async () => {
    const issued = await request(app.url).post('/api/computers/enrollment-tokens').set(bearer(second.accessToken)).expect(201);
    // Beside the entry, where the download puts it: switchboard-agent/enrollment.json.
    const baked = path.join(buildRoot, 'enrollment.json');
    await fs.writeFile(baked, JSON.stringify({ serverUrl: app.url, method: 'enrollment-token', token: issued.body.token }), { mode: 0o600 });
    const dir = await dataDir('auto');
    const agent = start(['--data-dir', dir]);
    const key = await enrolledKey(dir, agent);
    await row(key.computerId, 'online', second);
    await expect(fs.access(baked)).rejects.toThrow(/ENOENT/);
  });

  it('run once without installing, it shows as Not installed', async () => {
    const dir = await dataDir('once');
    const agent = start(['--server', app.url, '--username', secondEmail, '--password', STRONG_PASSWORD, '--data-dir', dir, '--once', '--name', 'Visitor laptop']);
    const key = await enrolledKey(dir, agent);
    expect(await row(key.computerId, 'not-installed', second)).toMatchObject({ name: 'Visitor laptop', installed: false });
  });

  it('hears a rename from the console (agent.json updated), sends screenshots, and goes offline when it stops answering or dies', async () => {
    const dir = await dataDir('life');
    const agent = start(['--server', app.url, '--username', secondEmail, '--password', STRONG_PASSWORD, '--data-dir', dir, '--name', 'Reception']);
    const key = await enrolledKey(dir, agent);
    await row(key.computerId, 'online', second);

    await request(app.url).patch(`/api/computers/${key.computerId}`).set(bearer(second.accessToken)).send({ name: 'Front desk' }).expect(200);
    await eventually(async () => (await keyOf(dir)).name === 'Front desk', 'the new name in agent.json', 10_000);

    const shot = await eventually(
      async () => {
        const res = await request(app.url)
          .get(`/api/computers/${key.computerId}/screenshot`)
          .set(bearer(second.accessToken))
          .buffer(true)
          .parse((r, done) => {
            const chunks: Buffer[] = [];
            r.on('data', (c: Buffer) => chunks.push(c));
            r.on('end', () => done(null, Buffer.concat(chunks)));
          });
        return res.status === 200 ? res : undefined;
      },
      'a screenshot',
      10_000,
    );
    expect(shot.headers['content-type']).toBe('image/png');
    expect((shot.body as Buffer).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');

    // Frozen: the socket stays open but the heartbeats stop, so the sweeper marks it offline.
    agent.child.kill('SIGSTOP');
    await row(key.computerId, 'offline', second);
    agent.child.kill('SIGCONT');
    await row(key.computerId, 'online', second);

    await agent.kill('SIGKILL');
    await row(key.computerId, 'offline', second);
  }, 60_000);
});
