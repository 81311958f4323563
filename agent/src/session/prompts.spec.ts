import { decodeFrame, FRAME_KIND, type AgentSessionMessage, type PromptOutputHeader } from '../../../application/contracts/session.protocol';
import { defaultShell, PromptHost } from './prompts';

const SESSION = 'sess-0123456789abcdef';

async function until<T>(check: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function setUp(backlog = () => 0) {
  const output = new Map<string, string>();
  const messages: AgentSessionMessage[] = [];
  const host = new PromptHost({
    sessionId: SESSION,
    sendFrame: (bytes) => {
      const frame = decodeFrame(bytes);
      if ('error' in frame) throw new Error(frame.error);
      expect(frame.kind).toBe(FRAME_KIND.PROMPT_OUTPUT);
      const { s, p } = frame.header as PromptOutputHeader;
      expect(s).toBe(SESSION);
      output.set(p, (output.get(p) ?? '') + Buffer.from(frame.payload).toString('utf8'));
      return true;
    },
    sendMessage: (m) => messages.push(m) > 0,
    log: () => undefined,
    backlog,
    shell: { file: '/bin/sh', args: [] },
  });
  return { host, output, messages };
}

describe('PromptHost', () => {
  let cleanup: PromptHost | null = null;
  afterEach(() => cleanup?.closeAll());

  it('runs a shell in a PTY: typed bytes in, output frames out, the exit code reported', async () => {
    const { host, output, messages } = setUp();
    cleanup = host;
    host.open('p1', 80, 24);
    host.write('p1', 'echo hi$((40+2))\r');
    await until(() => output.get('p1')?.includes('hi42'), 'the echo');
    host.write('p1', 'exit 3\r');
    await until(() => messages.length === 1, 'the exit');
    expect(messages).toEqual([{ type: 'prompt-exit', sessionId: SESSION, promptId: 'p1', code: 3 }]);
    expect(host.ids).toEqual([]);
  });

  it('keeps several prompts apart, and resizes one', async () => {
    const { host, output } = setUp();
    cleanup = host;
    host.open('a', 80, 24);
    host.open('b', 100, 30);
    host.write('a', 'echo from-$((1+1))-a\r');
    host.write('b', 'stty size\r');
    await until(() => output.get('a')?.includes('from-2-a') && output.get('b')?.includes('30 100'), 'both outputs');
    expect(output.get('b')).not.toContain('from-2-a');
    host.resize('a', 120, 40);
    host.write('a', 'stty size\r');
    await until(() => output.get('a')?.includes('40 120'), 'the new size');
    expect(host.ids).toEqual(['a', 'b']);
  });

  it('reports a prompt it closed, and ends every prompt silently when the session ends', async () => {
    const { host, messages } = setUp();
    host.open('x', 80, 24);
    host.open('y', 80, 24);
    host.close('x');
    await until(() => messages.length === 1, 'the exit of the closed prompt');
    expect(messages[0]).toMatchObject({ type: 'prompt-exit', promptId: 'x' });
    host.closeAll();
    expect(host.ids).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(messages).toHaveLength(1);
  });

  it('pauses the programs while the link is behind, and resumes them', async () => {
    let backlog = 0;
    const { host, output } = setUp(() => backlog);
    cleanup = host;
    host.open('p', 80, 24);
    backlog = 10 * 1024 * 1024;
    host.write('p', 'echo one\r');
    await until(() => output.get('p')?.includes('one'), 'the first output');
    host.write('p', 'echo two\r');
    await new Promise((r) => setTimeout(r, 300));
    expect(output.get('p')).not.toContain('two');
    backlog = 0;
    await until(() => output.get('p')?.includes('two'), 'the output after resuming');
  });

  it('chooses the user’s shell', () => {
    expect(defaultShell({ SHELL: '/bin/zsh' }, 'linux')).toEqual({ file: '/bin/zsh', args: [] });
    expect(defaultShell({}, 'darwin')).toEqual({ file: '/bin/sh', args: [] });
    expect(defaultShell({ ComSpec: 'C:\\Windows\\system32\\cmd.exe' }, 'win32').file).toBe('C:\\Windows\\system32\\cmd.exe');
  });
});
