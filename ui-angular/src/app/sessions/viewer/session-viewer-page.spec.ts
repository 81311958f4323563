import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { FRAME_KIND, SESSION_CLOSE, SESSION_PROTOCOL_VERSION, encodeFrame } from '@contracts/session.protocol';

import { consoleTestProviders, settle, signedIn } from '../../../testing/auth-fixtures';
import { allByTestId, byTestId, maybeByTestId, text } from '../../../testing/dom';
import { FakeSessionSockets } from '../../../testing/fake-session-socket';
import { CanvasDouble, SESSION_ID, labelDecoder, screenFrameBytes } from '../../../testing/screen-frames';
import { sessionRow } from '../../../testing/session-rows';
import { routes } from '../../app.routes';
import { AuthService } from '../../auth/auth.service';
import { LanguageService } from '../../i18n/language.service';
import { sessionUrl } from '../sessions-api';
import { TERMINAL_FACTORY, type TerminalLike } from './prompt-terminal';
import { TILE_DECODER } from './screen-painter';
import { SESSION_SOCKET_FACTORY } from './session-connection';

/** A terminal double: what the page wrote to it, and hooks to type into it. */
class FakeTerminal implements TerminalLike {
  cols = 80;
  rows = 24;
  readonly written: string[] = [];
  private dataListener: (data: string) => void = () => undefined;
  write(data: Uint8Array | string): void {
    this.written.push(typeof data === 'string' ? data : new TextDecoder().decode(data));
  }
  onData(listener: (data: string) => void): void {
    this.dataListener = listener;
  }
  onResize(): void {}
  fit(): void {}
  focus(): void {}
  dispose(): void {}
  type(data: string): void {
    this.dataListener(data);
  }
}

describe('Session viewer page', () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;
  let sockets: FakeSessionSockets;
  let canvas: CanvasDouble;
  let terminals: FakeTerminal[];

  beforeEach(async () => {
    localStorage.clear();
    jest.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US']);
    sockets = new FakeSessionSockets();
    terminals = [];
    canvas = new CanvasDouble();
    labelDecoder.mockClear();
    // jsdom has no 2D context: the page's canvas draws into the double.
    jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(() => canvas.getContext() as unknown as CanvasRenderingContext2D);
    TestBed.configureTestingModule({
      providers: [
        ...consoleTestProviders(),
        provideRouter(routes, withComponentInputBinding()),
        { provide: SESSION_SOCKET_FACTORY, useValue: sockets.factory },
        { provide: TILE_DECODER, useValue: labelDecoder },
        {
          provide: TERMINAL_FACTORY,
          useValue: async () => {
            const terminal = new FakeTerminal();
            terminals.push(terminal);
            return terminal;
          },
        },
      ],
    });
    await TestBed.inject(LanguageService).use('en', false);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    http.verify();
    jest.restoreAllMocks();
  });

  async function openViewer(state?: Record<string, unknown>): Promise<void> {
    harness = await RouterTestingHarness.create();
    await TestBed.inject(Router).navigateByUrl(`/sessions/${SESSION_ID}`, state ? { state } : {});
    harness.fixture.detectChanges();
    await settle(harness.fixture);
  }

  async function welcome(): Promise<void> {
    sockets.latest.open();
    sockets.latest.push({ type: 'welcome', protocol: 1, sessionId: SESSION_ID, computerName: 'Reception PC', source: 'console', recording: false });
    sockets.latest.push({ type: 'state', agent: 'connected', viewers: [{ userId: 'user-1', displayName: 'Ann Smith' }], sharer: null });
    await settle(harness.fixture);
  }

  const answerDetails = (row = sessionRow({ id: SESSION_ID })): void =>
    http.expectOne((request) => request.method === 'GET' && request.url === sessionUrl(SESSION_ID)).flush({ ...row, commandLines: [] });

  it('says hello with the access token, asks for a keyframe, draws frames and acknowledges each', async () => {
    await signedIn();
    await openViewer();
    answerDetails();
    const socket = sockets.latest;
    expect(socket.url).toMatch(/\/session$/);
    expect(socket.binaryType).toBe('arraybuffer');
    socket.open();
    expect(socket.sent).toEqual([{ type: 'hello', protocol: SESSION_PROTOCOL_VERSION, sessionId: SESSION_ID, token: TestBed.inject(AuthService).accessToken() }]);

    await welcome();
    expect(socket.ofType('keyframe')).toHaveLength(1);
    expect(text(harness.fixture, 'session-title')).toBe('Reception PC');
    expect(byTestId(harness.fixture, 'session-agent').dataset['agent']).toBe('connected');
    expect(text(harness.fixture, 'session-viewers')).toContain('Ann Smith');

    socket.pushBinary(screenFrameBytes(7, [{ tile: { x: 0, y: 0, w: 64, h: 64, f: 'jpeg' }, bytes: [1, 2] }, { tile: { x: 64, y: 0, w: 64, h: 64, f: 'png' }, bytes: [3] }], { k: true }));
    socket.pushBinary(screenFrameBytes(8, [{ tile: { x: 64, y: 0, w: 64, h: 64, f: 'png' }, bytes: [4] }]));
    await settle(harness.fixture);

    expect(canvas.draws.map((draw) => [draw.image, draw.x, draw.y])).toEqual([
      ['image/jpeg:1,2', 0, 0],
      ['image/png:3', 64, 0],
      ['image/png:4', 64, 0],
    ]);
    const screen = byTestId<HTMLCanvasElement>(harness.fixture, 'session-screen');
    expect([screen.width, screen.height, screen.dataset['frames']]).toEqual([128, 64, '2']);
    expect(socket.ofType('ack')).toEqual([
      { type: 'ack', seq: 7 },
      { type: 'ack', seq: 8 },
    ]);
    expect(maybeByTestId(harness.fixture, 'session-waiting')).toBeNull();
  });

  it('sends the mouse in screen pixels and keys by name while the canvas has the focus, releasing held keys on blur', async () => {
    await signedIn();
    await openViewer();
    answerDetails();
    await welcome();
    jest.useFakeTimers();
    sockets.latest.pushBinary(screenFrameBytes(0, [{ tile: { x: 0, y: 0, w: 64, h: 64, f: 'jpeg' }, bytes: [1] }], { k: true, w: 1920, h: 1080 }));
    await jest.advanceTimersByTimeAsync(0);
    harness.fixture.detectChanges();

    const screen = byTestId<HTMLCanvasElement>(harness.fixture, 'session-screen');
    // Drawn at 1920×1080, shown in a 960×540 box.
    jest.spyOn(screen, 'getBoundingClientRect').mockReturnValue({ left: 10, top: 20, width: 960, height: 540, right: 970, bottom: 560, x: 10, y: 20, toJSON: () => ({}) });
    screen.dispatchEvent(new MouseEvent('mousemove', { clientX: 10 + 480, clientY: 20 + 270 }));
    await jest.advanceTimersByTimeAsync(20);
    screen.dispatchEvent(new MouseEvent('mousemove', { clientX: 10 + 300, clientY: 20 + 300 }));
    screen.dispatchEvent(new MouseEvent('mousedown', { clientX: 10 + 100, clientY: 20 + 50, button: 2 }));
    screen.dispatchEvent(new MouseEvent('mouseup', { clientX: 10 + 100, clientY: 20 + 50, button: 2 }));
    const keyDown = new KeyboardEvent('keydown', { key: 'Tab', cancelable: true });
    screen.dispatchEvent(keyDown);
    screen.dispatchEvent(new KeyboardEvent('keydown', { key: 'Shift' }));
    screen.dispatchEvent(new WheelEvent('wheel', { deltaY: -200, cancelable: true }));
    await jest.advanceTimersByTimeAsync(20);
    screen.dispatchEvent(new FocusEvent('blur'));
    jest.useRealTimers();

    expect(keyDown.defaultPrevented).toBe(true);
    expect(sockets.latest.ofType('input').map((message) => message.events)).toEqual([
      [{ t: 'move', x: 960, y: 540 }],
      [
        // The move before the press is collapsed into the press's own: only where the pointer ends up matters.
        { t: 'move', x: 200, y: 100 },
        { t: 'down', b: 2 },
        { t: 'move', x: 200, y: 100 },
        { t: 'up', b: 2 },
        { t: 'key', key: 'Tab', down: true },
        { t: 'key', key: 'Shift', down: true },
        { t: 'wheel', dy: -2 },
      ],
      [
        { t: 'key', key: 'Tab', down: false },
        { t: 'key', key: 'Shift', down: false },
      ],
    ]);
  });

  it('opens prompts in tabs: prompt-open at the terminal’s size, typed bytes up, PTY output frames into the right terminal', async () => {
    await signedIn();
    await openViewer();
    answerDetails();
    await welcome();

    byTestId(harness.fixture, 'session-open-prompt').click();
    await settle(harness.fixture);
    byTestId(harness.fixture, 'session-open-prompt').click();
    await settle(harness.fixture);

    const opens = sockets.latest.ofType('prompt-open');
    expect(opens.map(({ cols, rows }) => [cols, rows])).toEqual([
      [80, 24],
      [80, 24],
    ]);
    const [first, second] = opens.map((open) => open.promptId);
    expect(first).not.toBe(second);
    expect(allByTestId(harness.fixture, 'session-tab-prompt').map((tab) => tab.textContent?.trim())).toEqual(['Prompt 1', 'Prompt 2']);

    terminals[0]!.type('ls -l\r');
    expect(sockets.latest.ofType('prompt-data')).toEqual([{ type: 'prompt-data', promptId: first, data: 'ls -l\r' }]);

    sockets.latest.pushBinary(encodeFrame(FRAME_KIND.PROMPT_OUTPUT, { s: SESSION_ID, p: second! }, new TextEncoder().encode('hello from 2')));
    await settle(harness.fixture);
    expect(terminals[1]!.written).toEqual(['hello from 2']);
    expect(terminals[0]!.written).toEqual([]);

    sockets.latest.push({ type: 'prompt-exit', promptId: second!, code: 0 });
    await settle(harness.fixture);
    expect(allByTestId(harness.fixture, 'session-tab-prompt')[1]!.textContent).toContain('ended');

    allByTestId(harness.fixture, 'prompt-close')[0]!.click();
    await settle(harness.fixture);
    expect(sockets.latest.ofType('prompt-close')).toEqual([{ type: 'prompt-close', promptId: first }]);
    expect(allByTestId(harness.fixture, 'session-tab-prompt')).toHaveLength(1);
  });

  it('opens a prompt at once when the computers page asked for one', async () => {
    await signedIn();
    await openViewer({ openPrompt: true });
    answerDetails();
    expect(sockets.latest.ofType('prompt-open')).toEqual([]);
    await welcome();
    expect(sockets.latest.ofType('prompt-open')).toHaveLength(1);
  });

  it('lets the technician choose whose screen to show when several end-users came by one link', async () => {
    await signedIn();
    await openViewer();
    answerDetails(
      sessionRow({
        id: SESSION_ID,
        endUsers: [
          { participantId: 'participant-1', name: 'Bob', present: true },
          { participantId: 'participant-2', name: 'Carol', present: true },
          { participantId: 'participant-3', name: 'Dan', present: false },
        ],
      }),
    );
    await welcome();
    const select = byTestId<HTMLSelectElement>(harness.fixture, 'session-sharer');
    expect(Array.from(select.options, (option) => option.textContent?.trim())).toEqual(['Choose whose screen to show', 'Bob', 'Carol']);
    select.value = 'participant-2';
    select.dispatchEvent(new Event('change'));
    expect(sockets.latest.ofType('choose-sharer')).toEqual([{ type: 'choose-sharer', participantId: 'participant-2' }]);
  });

  it('ends the session with End, and says why when it ended', async () => {
    await signedIn();
    await openViewer();
    answerDetails();
    await welcome();
    byTestId(harness.fixture, 'session-end').click();
    expect(sockets.latest.ofType('end')).toEqual([{ type: 'end' }]);

    sockets.latest.push({ type: 'ended', reason: 'agent-lost' });
    sockets.latest.serverClose(SESSION_CLOSE.ENDED);
    await settle(harness.fixture);
    const ended = byTestId(harness.fixture, 'session-ended');
    expect(ended.dataset['reason']).toBe('agent-lost');
    expect(ended.textContent).toContain('The session is over: the agent was lost.');
    expect(maybeByTestId(harness.fixture, 'session-end')).toBeNull();
    expect(sockets.sockets).toHaveLength(1);
  });

  it('says when the server refuses the viewer, and does not reconnect', async () => {
    await signedIn();
    await openViewer();
    answerDetails();
    sockets.latest.open();
    sockets.latest.serverClose(SESSION_CLOSE.FORBIDDEN);
    await settle(harness.fixture);
    expect(byTestId(harness.fixture, 'session-refused').dataset['code']).toBe('FORBIDDEN');
    expect(text(harness.fixture, 'session-refused')).toBe('You are not allowed to join this session.');
    expect(sockets.sockets).toHaveLength(1);
  });

  it('explains the errors the link sends, and a refusal that closes it', async () => {
    await signedIn();
    await openViewer();
    answerDetails();
    sockets.latest.open();
    sockets.latest.push({ type: 'error', code: 'TOO_MANY_PROMPTS', message: 'At most 4 prompts per viewer' });
    await settle(harness.fixture);
    expect(byTestId(harness.fixture, 'session-error').dataset['code']).toBe('TOO_MANY_PROMPTS');
    expect(text(harness.fixture, 'session-error')).toBe('You have as many prompts open as allowed. Close one first.');

    sockets.latest.push({ type: 'error', code: 'SOMETHING_NEW', message: 'new' });
    await settle(harness.fixture);
    expect(text(harness.fixture, 'session-error')).toBe('The server refused a request (SOMETHING_NEW).');

    sockets.latest.push({ type: 'error', code: 'PROTOCOL_UNSUPPORTED', message: 'This server speaks session protocol 2' });
    sockets.latest.serverClose(SESSION_CLOSE.PROTOCOL_ERROR);
    await settle(harness.fixture);
    expect(byTestId(harness.fixture, 'session-refused').dataset['code']).toBe('PROTOCOL_UNSUPPORTED');
    expect(text(harness.fixture, 'session-refused')).toBe('The server was updated. Reload the page to join the session.');
    // Said once: the refusal, not again as an error.
    expect(maybeByTestId(harness.fixture, 'session-error')).toBeNull();
    expect(sockets.sockets).toHaveLength(1);
  });

  it('lets a guest with a permalink’s viewer token watch without signing in', async () => {
    await TestBed.inject(AuthService).ready();
    await openViewer({ viewerToken: 'guest-token' });
    sockets.latest.open();
    expect(sockets.latest.sent).toEqual([{ type: 'hello', protocol: SESSION_PROTOCOL_VERSION, sessionId: SESSION_ID, token: 'guest-token' }]);
    // A guest does not read the session's row (it is for the account's users).
    http.expectNone(sessionUrl(SESSION_ID));
  });
});
