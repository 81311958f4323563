import WebSocket from 'ws';
import {
  decodeFrame,
  FRAME_KIND,
  SESSION_PROTOCOL_VERSION,
  type DecodedFrame,
  type PromptOutputHeader,
  type ScreenFrameHeader,
  type ViewerMessage,
  type ViewerServerMessage,
} from '../../application/contracts/session.protocol';
import { eventually, type Closed } from './agent-kit';

/**
 * A technician's console on the viewer link (`/session`), as the browser uses it: JSON messages,
 * and the agent's binary frames exactly as they arrived (for byte-equality checks).
 */
export class ViewerClient {
  readonly messages: ViewerServerMessage[] = [];
  readonly frames: Buffer[] = [];
  readonly closed: Promise<Closed>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (isBinary) this.frames.push(data as Buffer);
      else this.messages.push(JSON.parse(data.toString()) as ViewerServerMessage);
    });
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Connects to `/session`, says hello with `token` (an access token) and waits for the welcome. */
  static async join(baseUrl: string, sessionId: string, token: string): Promise<ViewerClient> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/session`);
    const viewer = new ViewerClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    viewer.send({ type: 'hello', protocol: SESSION_PROTOCOL_VERSION, sessionId, token });
    await viewer.next('welcome');
    return viewer;
  }

  send(message: ViewerMessage): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The first message of this type after index `from`, waited for (bounded). */
  next<T extends ViewerServerMessage['type']>(type: T, from = 0, timeoutMs = 10_000): Promise<Extract<ViewerServerMessage, { type: T }>> {
    return eventually(
      () => this.messages.slice(from).find((m): m is Extract<ViewerServerMessage, { type: T }> => m.type === type),
      `a ${type} message (got ${JSON.stringify(this.messages)})`,
      timeoutMs,
    );
  }

  /** Screen frames received so far, decoded (a malformed one fails the test). */
  screenFrames(): DecodedFrame<ScreenFrameHeader>[] {
    return this.decoded(FRAME_KIND.SCREEN) as DecodedFrame<ScreenFrameHeader>[];
  }

  /** What a prompt printed so far: the payloads of its PROMPT_OUTPUT frames, in order. */
  promptText(promptId: string): string {
    return (this.decoded(FRAME_KIND.PROMPT_OUTPUT) as DecodedFrame<PromptOutputHeader>[])
      .filter((f) => f.header.p === promptId)
      .map((f) => Buffer.from(f.payload).toString('utf8'))
      .join('');
  }

  private decoded(kind: number): DecodedFrame[] {
    return this.frames
      .filter((bytes) => bytes[0] === kind)
      .map((bytes) => {
        const frame = decodeFrame(bytes);
        if ('error' in frame) throw new Error(`a malformed frame reached the viewer: ${frame.error}`);
        return frame;
      });
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    await this.closed;
  }
}
