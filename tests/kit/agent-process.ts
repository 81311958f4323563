import { spawn, type ChildProcess } from 'node:child_process';
import { privateBuildEnv } from './private-build';

/**
 * The real agent program run as a child process (a privately built main.js, see `buildPrivately`),
 * its output kept for assertions and diagnostics. Without a DISPLAY in `env` it runs headless
 * (synthetic screen, input ignored), whatever the test runner's environment has.
 */
export class AgentProcess {
  private out = '';
  private err = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (c: Buffer) => (this.out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (this.err += c.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static start(main: string, args: string[], env: NodeJS.ProcessEnv = {}): AgentProcess {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, DISPLAY: '', ...privateBuildEnv, ...env };
    return new AgentProcess(spawn(process.execPath, [main, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get output(): string {
    return `--- stdout\n${this.out}\n--- stderr\n${this.err}`;
  }
  get stdout(): string {
    return this.out;
  }
  get stderr(): string {
    return this.err;
  }

  /** Whether the process is still running. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    await this.exited;
  }
}
