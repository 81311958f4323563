import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CommandRunner } from '../os/command-runner';
import { execFileRunner } from '../os/command-runner';
import { startXvfb, stopProcess, X11_TEST_INSTALL_HINT, type Xvfb } from '../testing/xvfb';
import { chooseInput, keysymOf, X11Input, xdotoolRuns } from './input';

async function until<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const onPath = (program: string): boolean => (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && existsSync(path.join(dir, program)));

describe('xdotoolRuns', () => {
  it('maps buttons, wheel notches and keys, collapsing consecutive moves', () => {
    expect(
      xdotoolRuns([
        { t: 'move', x: 1, y: 1 },
        { t: 'move', x: 10, y: 20 },
        { t: 'down', b: 0 },
        { t: 'up', b: 0 },
        { t: 'down', b: 2 },
        { t: 'up', b: 1 },
        { t: 'wheel', dy: -3 },
        { t: 'wheel', dy: 40 },
        { t: 'key', key: 'Enter', down: true },
        { t: 'key', key: 'Enter', down: false },
        { t: 'key', key: 'ArrowLeft', down: true },
      ]),
    ).toEqual([
      ['mousemove', '10', '20', 'mousedown', '1', 'mouseup', '1', 'mousedown', '3', 'mouseup', '2', 'click', '--repeat', '3', '4', 'click', '--repeat', '10', '5', 'keydown', 'Return', 'keyup', 'Return', 'keydown', 'Left'],
    ]);
  });

  it('ends a run at each text, which xdotool types whatever it starts with', () => {
    expect(
      xdotoolRuns([
        { t: 'move', x: 5, y: 5 },
        { t: 'text', s: '-rf /' },
        { t: 'key', key: 'Enter', down: true },
        { t: 'text', s: 'two' },
      ]),
    ).toEqual([
      ['mousemove', '5', '5', 'type', '--delay', '0', '--', '-rf /'],
      ['keydown', 'Return', 'type', '--delay', '0', '--', 'two'],
    ]);
  });
});

describe('keysymOf', () => {
  it('names DOM keys the way X does', () => {
    expect(['a', 'Z', '7', ' ', '@', '-', 'F11', 'PageDown', 'Backspace', 'Control', 'é', '€'].map(keysymOf)).toEqual([
      'a',
      'Z',
      '7',
      'space',
      'at',
      'minus',
      'F11',
      'Next',
      'BackSpace',
      'Control_L',
      'U00E9',
      'U20AC',
    ]);
    expect(keysymOf('Unidentified')).toBeNull();
    expect(keysymOf('Dead')).toBeNull();
    expect(keysymOf('\u0007')).toBeNull();
  });
});

describe('X11Input (recorded runs)', () => {
  it('runs xdotool on the display, in order, without a shell, and says once when it fails', async () => {
    const runs: { command: string; args: readonly string[]; display?: string }[] = [];
    const runner: CommandRunner = {
      run: async (command, args, options) => {
        runs.push({ command, args, display: options?.env?.DISPLAY });
        return { code: 1, stdout: Buffer.alloc(0), stderr: "Can't open display" };
      },
    };
    const logs: string[] = [];
    const input = new X11Input(':42', (_l, m) => logs.push(m), runner);
    input.apply([{ t: 'move', x: 1, y: 2 }]);
    input.apply([{ t: 'text', s: 'a' }]);
    await input.idle();
    expect(runs).toEqual([
      { command: 'xdotool', args: ['mousemove', '1', '2'], display: ':42' },
      { command: 'xdotool', args: ['type', '--delay', '0', '--', 'a'], display: ':42' },
    ]);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatch(/xdotool mousemove exited with 1: Can't open display/);
  });

  it('ignores input, said once, where there is no display', () => {
    const logs: string[] = [];
    const input = chooseInput({}, 'linux', (_l, m) => logs.push(m));
    input.apply([{ t: 'text', s: 'x' }]);
    input.apply([{ t: 'text', s: 'y' }]);
    expect(logs).toEqual(['input from the console is ignored: no X11 display (DISPLAY is not set)']);
    expect(chooseInput({ DISPLAY: ':0' }, 'win32', () => undefined)).not.toBeInstanceOf(X11Input);
    expect(chooseInput({ DISPLAY: ':0' }, 'linux', () => undefined)).toBeInstanceOf(X11Input);
  });
});

const missing = ['Xvfb', 'xdotool', 'xterm'].filter((program) => !onPath(program));
if (missing.length > 0) process.stdout.write(`input.spec: skipping the typing test under Xvfb, ${missing.join(', ')} not installed (${X11_TEST_INSTALL_HINT})\n`);

(missing.length > 0 ? describe.skip : describe)('X11Input under Xvfb: typed text reaches an xterm', () => {
  let xvfb: Xvfb;
  let xterm: ChildProcess | undefined;
  let dir: string;

  beforeAll(async () => {
    xvfb = await startXvfb('640x480x24');
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'agent-input-'));
  });

  afterAll(async () => {
    await stopProcess(xterm);
    await stopProcess(xvfb?.process);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('types text, punctuation and Enter into `cat > file` running in the xterm', async () => {
    const file = path.join(dir, 'typed.txt');
    const env = { ...process.env, DISPLAY: xvfb.display };
    xterm = spawn('xterm', ['-geometry', '80x24+0+0', '-e', 'sh', '-c', 'exec cat > "$0"', file], { env, stdio: 'ignore' });
    await until(async () => (await execFileRunner.run('xdotool', ['search', '--onlyvisible', '--class', 'xterm'], { env })).stdout.length > 0, 'the xterm window');
    await until(async () => existsSync(file), 'cat to start');

    const logs: string[] = [];
    const input = new X11Input(xvfb.display, (_l, m) => logs.push(m));
    // No window manager: the keyboard follows the pointer, so the pointer goes over the xterm first.
    input.apply([{ t: 'move', x: 100, y: 100 }, { t: 'text', s: 'hello from the console' }]);
    input.apply([
      { t: 'key', key: 'Enter', down: true },
      { t: 'key', key: 'Enter', down: false },
      { t: 'text', s: '-n a@b.c' },
      { t: 'key', key: '!', down: true },
      { t: 'key', key: '!', down: false },
      { t: 'key', key: 'Enter', down: true },
      { t: 'key', key: 'Enter', down: false },
    ]);
    await input.idle();
    const text = await until(async () => {
      const content = await fs.readFile(file, 'utf8');
      return content.split('\n').length >= 3 && content;
    }, 'two lines in the file');
    expect(text).toBe('hello from the console\n-n a@b.c!\n');
    expect(logs).toEqual([]);
  });
});
