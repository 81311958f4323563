import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { SESSION_CLOSE } from '../../application/contracts/session.protocol';
import type { SessionRow } from '../../application/contracts/session-history.contracts';
import type { Clock } from '../../application/ports/clock.port';
import { streamName } from '../../domain/shared/stream-name';
import { startXvfb, stopProcess, X11_TEST_INSTALL_HINT, type Xvfb } from '../../agent/src/testing/xvfb';
import { AgentProcess } from '../kit/agent-process';
import { buildPrivately } from '../kit/private-build';
import { eventually } from './agent-kit';
import { bearer, eventsOfType, signedUp, type Pair } from './auth-kit';
import { startApp, type E2eApp } from './e2e-app';
import { ViewerClient } from './session-viewer';

/** The agent's exit code when the server refuses to let it into a support session (agent/src/exit-codes.ts). */
const EXIT_SESSION_REFUSED = 7;
const CODE_TTL_MS = 600_000;

/** The system clock, which a test can move forward at once (an expired connection ID without waiting ten minutes). */
class JumpingClock implements Clock {
  private offset = 0;
  now(): string {
    return new Date(Date.now() + this.offset).toISOString();
  }
  jump(ms: number): void {
    this.offset += ms;
  }
}

const onPath = (program: string) => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
const missingX11 = ['Xvfb', 'xdotool', 'xterm', 'xwd'].filter((program) => !onPath(program));
if (missingX11.length > 0) process.stdout.write(`sessions-agent-process: no X11 typing check, ${missingX11.join(', ')} not installed (${X11_TEST_INSTALL_HINT})\n`);

/**
 * The end-to-end test of a remote session: the real agent program (compiled from agent/src)
 * joins a technician's support link or connection ID on the real server, and a WebSocket client acts
 * as the console on `/session`: waiting → connect → screen frames → input typed on the end-user's
 * screen → a shell prompt echoing → end → the history row and its CSV line. Under Xvfb the agent
 * captures a real X screen and types with xdotool into an xterm that runs `cat > file`.
 */
describe('A remote session with the real agent process', () => {
  let app: E2eApp;
  const clock = new JumpingClock();
  let technician: { pair: Pair; me: { id: string; accountId: string } };
  let buildRoot: string;
  let main: string;
  let work: string;
  let xvfb: Xvfb | undefined;
  let xterm: ChildProcess | undefined;
  const agents: AgentProcess[] = [];
  const viewers: ViewerClient[] = [];

  const api = () => request(app.url);
  const auth = () => bearer(technician.pair.accessToken);
  const startAgent = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    // A plain shell: the prompt test reads its output, not a decorated bash prompt.
    const agent = AgentProcess.start(main, args, { SHELL: '/bin/sh', ...env });
    agents.push(agent);
    return agent;
  };
  const join = async (sessionId: string) => {
    const viewer = await ViewerClient.join(app.url, sessionId, technician.pair.accessToken);
    viewers.push(viewer);
    return viewer;
  };
  const waitingRow = (sessionId: string, agent: AgentProcess) =>
    eventually(
      async () => {
        if (!agent.running) throw new Error(`the agent exited before the session showed as waiting:\n${agent.output}`);
        const res = await api().get('/api/sessions').query({ scope: 'mine', status: 'waiting' }).set(auth()).expect(200);
        const row = (res.body.items as SessionRow[]).find((r) => r.id === sessionId);
        return row && row.endUsers.some((u) => u.present) && row;
      },
      'the session waiting with its end-user in the available connections',
      15_000,
    );
  const historyRow = (sessionId: string, source: string) =>
    eventually(
      async () => {
        const res = await api().get('/api/sessions/history').query({ source }).set(auth()).expect(200);
        const row = (res.body.items as SessionRow[]).find((r) => r.id === sessionId);
        return row?.status === 'ended' && row;
      },
      `the ended session in the history (source ${source})`,
      10_000,
    );
  /** Screen frames arrive and are acknowledged, as the console does: the agent sends at most 2 unacknowledged. */
  const ackScreenFrames = (viewer: ViewerClient) => {
    let acked = 0;
    const timer = setInterval(() => {
      const frames = viewer.screenFrames();
      for (; acked < frames.length; acked++) viewer.send({ type: 'ack', seq: frames[acked].header.q });
    }, 20);
    viewer.socket.once('close', () => clearInterval(timer));
  };

  beforeAll(async () => {
    ({ root: buildRoot, main } = await buildPrivately('agent/src/main.ts', 'agent-build'));
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'sessions-agent-'));
    app = await startApp({ CONNECTION_CODE_TTL_MS: String(CODE_TTL_MS) }, { clock });
    technician = await signedUp(app, `tech-${Date.now().toString(36)}@example.com`);
    if (missingX11.length === 0) xvfb = await startXvfb('640x480x24');
  }, 120_000);

  afterEach(async () => {
    await Promise.all(viewers.splice(0).map((v) => v.close()));
    await Promise.all(agents.splice(0).map((a) => a.kill()));
  });

  afterAll(async () => {
    await stopProcess(xterm);
    await stopProcess(xvfb?.process);
    await app?.stop();
    if (buildRoot) await fs.rm(buildRoot, { recursive: true, force: true });
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  it('support link: waiting with Ann → connect → frames → typed input → prompt echo → end → history row and CSV line', async () => {
    const typed = path.join(work, 'typed.txt');
    if (xvfb) {
      // The end-user's desktop: an xterm whose input goes to a file.
      xterm = spawn('xterm', ['-geometry', '80x24+0+0', '-e', 'sh', '-c', 'exec cat > "$0"', typed], { env: { ...process.env, DISPLAY: xvfb.display }, stdio: 'ignore' });
      await eventually(() => existsSync(typed), 'the xterm running cat', 10_000);
    }
    const link = await api().post('/api/sessions/links').set(auth()).send({ ticket: 'T-77', endUserName: 'Ann' }).expect(201);
    const { sessionId, url } = link.body as { sessionId: string; url: string };

    const agent = startAgent(['--support-link', url, '--name', 'Ann'], xvfb ? { DISPLAY: xvfb.display } : {});
    const waiting = await waitingRow(sessionId, agent);
    expect(waiting).toMatchObject({ source: 'link', status: 'waiting', ticket: 'T-77', endUsers: [{ name: 'Ann', present: true }] });
    expect(waiting.sharer).toBe(waiting.endUsers[0].participantId);

    const connectedAt = Date.now();
    const viewer = await join(sessionId);
    ackScreenFrames(viewer);
    expect(viewer.messages[0]).toMatchObject({ type: 'welcome', sessionId, source: 'link' });
    await eventually(() => viewer.messages.some((m) => m.type === 'state' && m.agent === 'connected'), 'the agent connected', 10_000);

    const keyframe = await eventually(() => viewer.screenFrames()[0], 'the first screen frame', 15_000);
    expect(keyframe.header).toMatchObject({ s: sessionId, q: 0, k: true });
    expect(keyframe.header.tiles.length).toBeGreaterThan(0);
    // Every pixel of the screen is in a keyframe.
    expect(keyframe.header.tiles.reduce((area, t) => area + t.w * t.h, 0)).toBe(keyframe.header.w * keyframe.header.h);
    if (xvfb) expect({ w: keyframe.header.w, h: keyframe.header.h }).toEqual({ w: 640, h: 480 });

    if (xvfb) {
      // No window manager: the keyboard follows the pointer, so the pointer goes over the xterm first.
      viewer.send({ type: 'input', events: [{ t: 'move', x: 100, y: 100 }, { t: 'text', s: 'typed by the console' }] });
      viewer.send({ type: 'input', events: [{ t: 'key', key: 'Enter', down: true }, { t: 'key', key: 'Enter', down: false }] });
      expect(await eventually(async () => (await fs.readFile(typed, 'utf8')).includes('\n') && fs.readFile(typed, 'utf8'), 'the typed line in the xterm', 10_000)).toBe(
        'typed by the console\n',
      );
      // What was typed changed the screen: frames after the keyframe carry changed tiles.
      await eventually(() => viewer.screenFrames().some((f) => !f.header.k && f.header.tiles.length > 0), 'a frame with the changed tiles', 10_000);
    } else {
      viewer.send({ type: 'input', events: [{ t: 'text', s: 'typed by the console' }] });
      await eventually(() => agent.stderr.includes('input from the console is ignored: no X11 display'), 'the agent receiving the input');
    }

    viewer.send({ type: 'prompt-open', promptId: 'p1', cols: 80, rows: 24 });
    await viewer.next('prompt-opened');
    // The first command keeps the session open for a few seconds, so that its duration means something.
    viewer.send({ type: 'prompt-data', promptId: 'p1', data: 'sleep 3\r' });
    viewer.send({ type: 'prompt-data', promptId: 'p1', data: 'echo hello-prompt\r' });
    // The typed line comes back as "echo hello-prompt"; the shell's answer is the same words without the echo.
    const answered = /(?<!echo )hello-prompt\r\n/;
    await eventually(() => answered.test(viewer.promptText('p1')), 'the shell’s answer', 15_000);
    expect(viewer.promptText('p1')).toMatch(/sleep 3\r\n/);

    viewer.send({ type: 'end' });
    expect(await viewer.next('ended')).toEqual({ type: 'ended', reason: 'technician' });
    const endedAt = Date.now();
    expect((await viewer.closed).code).toBe(SESSION_CLOSE.ENDED);
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    expect(agent.stdout).toContain('The support session ended (technician)');

    const row = await historyRow(sessionId, 'link');
    expect(row).toMatchObject({ source: 'link', endReason: 'technician', ticket: 'T-77', endUsers: [{ name: 'Ann' }], technicians: [{ userId: technician.me.id }] });
    expect(row.commandLineCount).toBe(2);
    expect(endedAt - connectedAt).toBeGreaterThan(3000);
    expect(Math.abs(row.durationSeconds! - (endedAt - connectedAt) / 1000)).toBeLessThanOrEqual(2);

    const csv = await api().get('/api/sessions/history.csv').query({ source: 'link' }).set(auth()).expect(200);
    const lines = parse(csv.text, { bom: true }) as string[][];
    const line = lines.find((cells) => cells[0] === sessionId);
    expect(line).toBeDefined();
    expect(line).toEqual(
      expect.arrayContaining([row.openedAt, row.startedAt, row.endedAt, String(row.durationSeconds), 'ended', 'link', 'Ann', 'T-77', 'technician', '2']),
    );
    const details = await api().get(`/api/sessions/${sessionId}`).set(auth()).expect(200);
    expect(details.body.commandLines).toEqual([
      expect.objectContaining({ promptId: 'p1', line: 'sleep 3', byUserId: technician.me.id }),
      expect.objectContaining({ promptId: 'p1', line: 'echo hello-prompt', byUserId: technician.me.id }),
    ]);
  }, 90_000);

  it('connection ID: the agent joins with --code, streams its screen and prompt, and the end-user stopping ends the session', async () => {
    const issued = await api().post('/api/sessions/codes').set(auth()).send({}).expect(201);
    const { sessionId, code } = issued.body as { sessionId: string; code: string };

    const agent = startAgent(['--code', code, '--server', app.url, '--name', 'Bob']);
    expect(await waitingRow(sessionId, agent)).toMatchObject({ source: 'connection-id', endUsers: [{ name: 'Bob', present: true }] });

    const connectedAt = Date.now();
    const viewer = await join(sessionId);
    ackScreenFrames(viewer);
    const keyframe = await eventually(() => viewer.screenFrames()[0], 'the first screen frame', 15_000);
    expect(keyframe.header).toMatchObject({ s: sessionId, k: true });
    expect(keyframe.header.tiles.length).toBeGreaterThan(0);
    viewer.send({ type: 'prompt-open', promptId: 'c1', cols: 80, rows: 24 });
    await viewer.next('prompt-opened');
    viewer.send({ type: 'prompt-data', promptId: 'c1', data: 'echo code-$((6*7))\r' });
    await eventually(() => viewer.promptText('c1').includes('code-42'), 'the shell’s arithmetic', 10_000);

    // Ctrl-C at the end-user's: the agent leaves the session and exits 0.
    agent.child.kill('SIGINT');
    expect(await viewer.next('ended')).toEqual({ type: 'ended', reason: 'end-user' });
    const endedAt = Date.now();
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    const row = await historyRow(sessionId, 'connection-id');
    expect(row).toMatchObject({ source: 'connection-id', endReason: 'end-user', endUsers: [{ name: 'Bob' }] });
    expect(Math.abs(row.durationSeconds! - (endedAt - connectedAt) / 1000)).toBeLessThanOrEqual(2);
  }, 60_000);

  it('refuses a used and an expired connection ID: the agent exits with its refusal code and says what to do; both refusals audited', async () => {
    const used = (await api().post('/api/sessions/codes').set(auth()).send({}).expect(201)).body as { code: string };
    await api().post('/api/support/join').send({ code: used.code, name: 'First', facts: null }).expect(201);
    const auditedBefore = (await eventsOfType(app, 'SecurityAttemptRecorded')).length;

    const again = startAgent(['--code', used.code, '--server', app.url, '--name', 'Eve']);
    expect(await again.exited).toEqual({ code: EXIT_SESSION_REFUSED, signal: null });
    expect(again.stderr).toContain(`the connection ID ${used.code} has expired or was already used: ask the technician for a new one (410 CONNECTION_CODE_USED`);

    const late = (await api().post('/api/sessions/codes').set(auth()).send({}).expect(201)).body as { code: string; sessionId: string };
    clock.jump(CODE_TTL_MS + 1000);
    const expired = startAgent(['--code', late.code, '--server', app.url, '--name', 'Bob']);
    expect(await expired.exited).toEqual({ code: EXIT_SESSION_REFUSED, signal: null });
    expect(expired.stderr).toContain(`the connection ID ${late.code} has expired or was already used: ask the technician for a new one (410 CONNECTION_CODE_EXPIRED`);

    const audited = (await eventsOfType(app, 'SecurityAttemptRecorded')).slice(auditedBefore).map((e) => e.data as { action: string; reason: string });
    expect(audited).toEqual([
      expect.objectContaining({ action: 'connection-code', reason: 'connection_code_used' }),
      expect.objectContaining({ action: 'connection-code', reason: 'connection_code_expired' }),
    ]);
    // Nobody arrived in the expired code's session.
    const session = (await app.infra.eventStore.readStream(streamName('session', late.sessionId))).map((e) => e.type);
    expect(session).not.toContain('EndUserArrived');
  }, 60_000);
});
