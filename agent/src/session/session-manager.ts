import type { AgentSessionMessage, SessionToAgentMessage } from '../../../application/contracts/session.protocol';
import type { RgbImage } from '../screen/png';
import type { InputSink } from './input';
import { PromptHost, type ShellCommand } from './prompts';
import { SessionRunner, type SessionClock } from './session-runner';

export interface SessionManagerOptions {
  readonly capture: () => Promise<RgbImage>;
  readonly input: InputSink;
  readonly sendFrame: (frame: Uint8Array) => boolean;
  readonly sendMessage: (message: AgentSessionMessage) => boolean;
  /** Bytes the link has not sent yet (the prompts pause above a threshold). */
  readonly backlog: () => number;
  readonly log: (level: 'info' | 'warn', message: string) => void;
  /** The server ended a session (`session-end`): a support run exits then. */
  readonly onEnded?: (sessionId: string, reason: string) => void;
  readonly clock?: SessionClock;
  readonly shell?: ShellCommand;
}

interface Session {
  /** Streaming the screen; null between a `session-stop` and the next `session-start`. */
  runner: SessionRunner | null;
  readonly prompts: PromptHost;
}

/**
 * The sessions this agent takes part in, driven by the server's session control messages. A session
 * exists from its first `session-start` to its `session-end`; control for any other session id is
 * ignored (the server routes only what is ours, and the agent trusts nothing unchecked).
 */
export class SessionManager {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly options: SessionManagerOptions) {}

  /** Session ids this agent is in now. */
  get ids(): readonly string[] {
    return [...this.sessions.keys()];
  }

  handle(message: SessionToAgentMessage): void {
    if (message.type === 'session-start') return this.start(message);
    const session = this.sessions.get(message.sessionId);
    if (!session) {
      this.options.log('warn', `ignored ${message.type} for session ${message.sessionId}, which this agent is not in`);
      return;
    }
    switch (message.type) {
      case 'session-stop':
        this.stopStream(message.sessionId, session);
        return;
      case 'session-end':
        this.end(message.sessionId, session, message.reason);
        return;
      case 'input':
        this.options.input.apply(message.events);
        return;
      case 'ack':
        session.runner?.ack(message.seq);
        return;
      case 'keyframe':
        session.runner?.requestKeyframe();
        return;
      case 'prompt-open':
        session.prompts.open(message.promptId, message.cols, message.rows);
        return;
      case 'prompt-data':
        session.prompts.write(message.promptId, message.data);
        return;
      case 'prompt-resize':
        session.prompts.resize(message.promptId, message.cols, message.rows);
        return;
      case 'prompt-close':
        session.prompts.close(message.promptId);
        return;
      default: {
        const never: never = message;
        throw new Error(`unhandled session message ${JSON.stringify(never)}`);
      }
    }
  }

  /** The link went down: screens stop (acks cannot come back); prompts live on for a reconnect. */
  pauseStreams(): void {
    for (const [sessionId, session] of this.sessions) this.stopStream(sessionId, session);
  }

  /** The agent is exiting: everything of every session stops. */
  async closeAll(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const session of sessions) session.prompts.closeAll();
    await Promise.all(sessions.map((session) => session.runner?.stop()));
  }

  private start(message: Extract<SessionToAgentMessage, { type: 'session-start' }>): void {
    const { sessionId, maxFps, quality } = message;
    let session = this.sessions.get(sessionId);
    if (!session) {
      session = {
        runner: null,
        prompts: new PromptHost({ sessionId, sendFrame: this.options.sendFrame, sendMessage: this.options.sendMessage, backlog: this.options.backlog, log: this.options.log, shell: this.options.shell }),
      };
      this.sessions.set(sessionId, session);
    }
    // A new start (resume, or new ceilings) begins a new sequence with a keyframe.
    void session.runner?.stop();
    session.runner = new SessionRunner({ sessionId, maxFps, quality, capture: this.options.capture, send: this.options.sendFrame, log: this.options.log, clock: this.options.clock });
    session.runner.start();
    this.options.log('info', `session ${sessionId}: sharing the screen (up to ${maxFps} fps, quality ${quality})`);
  }

  private stopStream(sessionId: string, session: Session): void {
    if (session.runner === null) return;
    void session.runner.stop();
    session.runner = null;
    this.options.log('info', `session ${sessionId}: screen sharing paused`);
  }

  private end(sessionId: string, session: Session, reason: string): void {
    this.sessions.delete(sessionId);
    void session.runner?.stop();
    session.prompts.closeAll();
    this.options.log('info', `session ${sessionId} ended (${reason})`);
    this.options.onEnded?.(sessionId, reason);
  }
}
