import * as os from 'node:os';
import * as pty from 'node-pty';
import { encodeFrame, FRAME_KIND, type AgentSessionMessage } from '../../../application/contracts/session.protocol';

/** The program a prompt runs. */
export interface ShellCommand {
  readonly file: string;
  readonly args: readonly string[];
}

/** The user's shell: $SHELL (else /bin/sh) on Linux and macOS; %ComSpec% (cmd.exe) on Windows. */
export function defaultShell(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): ShellCommand {
  if (platform === 'win32') return { file: env.ComSpec || env.COMSPEC || 'cmd.exe', args: [] };
  return { file: env.SHELL || '/bin/sh', args: [] };
}

/** PTY output is cut into frames of at most this many bytes, so one burst never makes one huge message. */
export const PROMPT_CHUNK_BYTES = 32 * 1024;
/** Bytes waiting on the link above which the prompts' programs are paused (their output blocks), and below which they resume. */
export const PAUSE_ABOVE_BYTES = 1024 * 1024;
const RESUME_BELOW_BYTES = 256 * 1024;
const BACKLOG_POLL_MS = 50;
/** Prompts open at once in one session, whatever the viewers ask: each is a process on this computer. */
export const MAX_PROMPTS_PER_SESSION = 16;

export interface PromptHostOptions {
  readonly sessionId: string;
  readonly sendFrame: (frame: Uint8Array) => boolean;
  readonly sendMessage: (message: AgentSessionMessage) => boolean;
  readonly log: (level: 'info' | 'warn', message: string) => void;
  /** Bytes the link has not sent yet. */
  readonly backlog: () => number;
  readonly shell?: ShellCommand;
}

/**
 * A session's web command prompts: each is the user's shell in a PTY (node-pty); its output goes to
 * the viewers as prompt-output frames, their typing comes back as `prompt-data`. When it exits, the
 * viewers get `prompt-exit` with the code.
 */
export class PromptHost {
  private readonly prompts = new Map<string, pty.IPty>();
  private readonly shell: ShellCommand;
  private paused = false;
  private backlogTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: PromptHostOptions) {
    this.shell = options.shell ?? defaultShell(process.env, process.platform);
  }

  /** Prompts open now. */
  get ids(): readonly string[] {
    return [...this.prompts.keys()];
  }

  open(promptId: string, cols: number, rows: number): void {
    if (this.prompts.has(promptId)) return this.options.log('warn', `session ${this.options.sessionId}: prompt ${promptId} is already open`);
    if (this.prompts.size >= MAX_PROMPTS_PER_SESSION) {
      this.options.log('warn', `session ${this.options.sessionId}: refused prompt ${promptId}, ${MAX_PROMPTS_PER_SESSION} are open`);
      this.exited(promptId, null);
      return;
    }
    let term: pty.IPty;
    try {
      term = pty.spawn(this.shell.file, [...this.shell.args], {
        name: 'xterm-256color',
        cols,
        rows,
        cwd: os.homedir(),
        env: { ...process.env, TERM: 'xterm-256color' } as Record<string, string>,
      });
    } catch (error) {
      this.options.log('warn', `session ${this.options.sessionId}: could not start ${this.shell.file}: ${(error as Error).message}`);
      this.exited(promptId, null);
      return;
    }
    this.prompts.set(promptId, term);
    if (this.paused) term.pause();
    term.onData((data) => this.output(promptId, Buffer.from(data, 'utf8')));
    term.onExit(({ exitCode, signal }) => {
      if (this.prompts.get(promptId) !== term) return;
      this.prompts.delete(promptId);
      this.exited(promptId, signal ? null : exitCode);
    });
    this.options.log('info', `session ${this.options.sessionId}: prompt ${promptId} opened (${this.shell.file}, pid ${term.pid})`);
  }

  write(promptId: string, data: string): void {
    this.prompts.get(promptId)?.write(data);
  }

  resize(promptId: string, cols: number, rows: number): void {
    this.prompts.get(promptId)?.resize(cols, rows);
  }

  /** Ends the prompt's program; its exit is reported as usual. */
  close(promptId: string): void {
    this.prompts.get(promptId)?.kill();
  }

  /** The session ended: every prompt's program is ended, nothing more is reported. */
  closeAll(): void {
    const terms = [...this.prompts.values()];
    this.prompts.clear();
    for (const term of terms) term.kill();
    if (this.backlogTimer !== null) clearInterval(this.backlogTimer);
    this.backlogTimer = null;
  }

  private output(promptId: string, bytes: Buffer): void {
    for (let at = 0; at < bytes.length; at += PROMPT_CHUNK_BYTES) {
      this.options.sendFrame(encodeFrame(FRAME_KIND.PROMPT_OUTPUT, { s: this.options.sessionId, p: promptId }, bytes.subarray(at, at + PROMPT_CHUNK_BYTES)));
    }
    if (!this.paused && this.options.backlog() > PAUSE_ABOVE_BYTES) this.pause();
  }

  /** The link is behind: the programs wait (their writes block) instead of the agent buffering without bound. */
  private pause(): void {
    this.paused = true;
    for (const term of this.prompts.values()) term.pause();
    this.backlogTimer = setInterval(() => {
      if (this.options.backlog() > RESUME_BELOW_BYTES) return;
      if (this.backlogTimer !== null) clearInterval(this.backlogTimer);
      this.backlogTimer = null;
      this.paused = false;
      for (const term of this.prompts.values()) term.resume();
    }, BACKLOG_POLL_MS);
    this.backlogTimer.unref();
  }

  private exited(promptId: string, code: number | null): void {
    this.options.sendMessage({ type: 'prompt-exit', sessionId: this.options.sessionId, promptId, code });
  }
}
