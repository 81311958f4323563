import type { RelayPayload, SessionRelay } from '../../application/ports/session-relay.port';

type ViewerListener = (payload: RelayPayload) => void;
type AgentListener = (text: string) => void;

/** Subscriptions that several in-process "nodes" share (one node in production, several in tests). */
class RelayHub {
  readonly viewers = new Map<string, Set<ViewerListener>>();
  readonly agents = new Map<string, Set<AgentListener>>();
}

/**
 * The session relay of one server process. Delivery is asynchronous (a microtask) and in order, as
 * Redis delivers, so that a publisher is never re-entered by its own message. A binary payload is
 * handed on as it is, not copied: frames are relayed unchanged and listeners only read them.
 */
export class MemorySessionRelay implements SessionRelay {
  private readonly own = new Set<() => void>();
  private closed = false;

  constructor(private readonly hub: RelayHub = new RelayHub()) {}

  /** Another relay on the same subscriptions: a second "node" in the same process. */
  sibling(): MemorySessionRelay {
    return new MemorySessionRelay(this.hub);
  }

  publishToViewers(sessionId: string, payload: RelayPayload): void {
    this.assertOpen();
    deliver(this.hub.viewers, sessionId, payload);
  }

  publishToAgent(endpoint: string, text: string): void {
    this.assertOpen();
    deliver(this.hub.agents, endpoint, text);
  }

  subscribeViewers(sessionId: string, listener: (payload: RelayPayload) => void): () => void {
    return this.subscribe(this.hub.viewers, sessionId, listener);
  }

  subscribeAgent(endpoint: string, listener: (text: string) => void): () => void {
    return this.subscribe(this.hub.agents, endpoint, listener);
  }

  async ready(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const unsubscribe of [...this.own]) unsubscribe();
  }

  private subscribe<L>(index: Map<string, Set<L>>, key: string, listener: L): () => void {
    this.assertOpen();
    // Wrapped so that one listener subscribed twice is two subscriptions, as with Redis channels.
    const wrapped = ((payload: unknown) => (listener as (p: unknown) => void)(payload)) as L;
    const listeners = index.get(key) ?? new Set<L>();
    listeners.add(wrapped);
    index.set(key, listeners);
    const unsubscribe = () => {
      const current = index.get(key);
      if (!current?.delete(wrapped)) return;
      if (current.size === 0) index.delete(key);
      this.own.delete(unsubscribe);
    };
    this.own.add(unsubscribe);
    return unsubscribe;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The session relay is closed');
  }
}

/** Hands the payload to the listeners subscribed now that are still subscribed when the microtask runs. */
function deliver<P>(index: Map<string, Set<(payload: P) => void>>, key: string, payload: P): void {
  const listeners = index.get(key);
  if (!listeners || listeners.size === 0) return;
  const targets = [...listeners];
  queueMicrotask(() => {
    for (const listener of targets) if (listeners.has(listener)) listener(payload);
  });
}
