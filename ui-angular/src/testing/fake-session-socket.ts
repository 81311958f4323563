import type { ViewerMessage, ViewerServerMessage } from '@contracts/session.protocol';

import type { SessionSocketLike } from '../app/sessions/viewer/session-connection';

/** An in-memory viewer socket (`/session`) driven by the test: it plays the session gateway. */
export class FakeSessionSocket implements SessionSocketLike {
  binaryType: BinaryType = 'blob';
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  readonly sent: ViewerMessage[] = [];

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data) as ViewerMessage);
  }

  close(code = 1000): void {
    this.serverClose(code);
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  push(message: ViewerServerMessage): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(message) }));
  }

  /** A binary frame, as the browser hands it over with binaryType 'arraybuffer'. */
  pushBinary(bytes: Uint8Array): void {
    const copy = bytes.slice();
    this.onmessage?.(new MessageEvent('message', { data: copy.buffer }));
  }

  serverClose(code: number): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.(new CloseEvent('close', { code }));
  }

  /** Messages of one type the viewer sent. */
  ofType<T extends ViewerMessage['type']>(type: T): Extract<ViewerMessage, { type: T }>[] {
    return this.sent.filter((message): message is Extract<ViewerMessage, { type: T }> => message.type === type);
  }
}

export class FakeSessionSockets {
  readonly sockets: FakeSessionSocket[] = [];
  readonly factory = (url: string): FakeSessionSocket => {
    const socket = new FakeSessionSocket(url);
    this.sockets.push(socket);
    return socket;
  };

  get latest(): FakeSessionSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no session socket was opened');
    return socket;
  }
}
