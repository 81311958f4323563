import type { HealthView } from './health.view';

/**
 * Console WebSocket (`/console`) protocol, version 1. Every message is JSON `{ event, data }`.
 * Shared by the server gateway and the Angular console.
 */
export const CONSOLE_PROTOCOL_VERSION = 1;
export const CONSOLE_WS_PATH = '/console';
export const CONSOLE_MAX_MESSAGE_BYTES = 16 * 1024;

export type ConsoleTopic = 'health' | 'read-models';

/** Browser → server. */
export type ConsoleClientMessage =
  | { readonly event: 'hello'; readonly data: { readonly protocol: number; readonly token?: string } }
  | { readonly event: 'subscribe'; readonly data: { readonly topics: readonly ConsoleTopic[] } }
  | { readonly event: 'unsubscribe'; readonly data: { readonly topics: readonly ConsoleTopic[] } };

/** A read-model document changed; the browser re-queries what it shows. */
export interface ReadModelUpdatedNotice {
  readonly collection: string;
  readonly id: string;
  readonly position: string;
  readonly deleted: boolean;
}

/** Server → browser. */
export type ConsoleServerMessage =
  | { readonly event: 'welcome'; readonly data: { readonly protocol: number; readonly principal: string | null } }
  | { readonly event: 'health'; readonly data: HealthView }
  | { readonly event: 'readModelUpdated'; readonly data: ReadModelUpdatedNotice }
  | { readonly event: 'error'; readonly data: { readonly code: string; readonly message: string } };

const TOPICS: readonly ConsoleTopic[] = ['health', 'read-models'];

/** Runtime check of a browser message; returns an error text or the typed message. */
export function parseConsoleClientMessage(raw: string): ConsoleClientMessage | { error: string } {
  if (raw.length > CONSOLE_MAX_MESSAGE_BYTES) return { error: 'message too large' };
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    return { error: 'not JSON' };
  }
  if (typeof msg !== 'object' || msg === null) return { error: 'not an object' };
  const { event, data } = msg as { event?: unknown; data?: unknown };
  if (typeof data !== 'object' || data === null) return { error: 'data must be an object' };
  const d = data as Record<string, unknown>;
  switch (event) {
    case 'hello':
      if (typeof d.protocol !== 'number') return { error: 'hello.protocol must be a number' };
      if (d.token !== undefined && typeof d.token !== 'string') return { error: 'hello.token must be a string' };
      return { event, data: { protocol: d.protocol, token: d.token as string | undefined } };
    case 'subscribe':
    case 'unsubscribe':
      if (!Array.isArray(d.topics) || !d.topics.every((t) => TOPICS.includes(t as ConsoleTopic))) {
        return { error: `topics must be a list of ${TOPICS.join(', ')}` };
      }
      return { event, data: { topics: d.topics as ConsoleTopic[] } };
    default:
      return { error: `unknown event ${JSON.stringify(event)}` };
  }
}
