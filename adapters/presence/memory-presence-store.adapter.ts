import type { BeatResult, PresenceEntry, PresenceMessage, PresenceStore } from '../../application/ports/presence.port';

/** State and message bus that several in-process "nodes" can share (one node in production, several in tests). */
class PresenceHub {
  readonly entries = new Map<string, PresenceEntry & { readonly lastSeenMs: number }>();
  readonly listeners = new Set<(message: PresenceMessage) => void>();
}

/**
 * Presence of one server process. Messages are delivered asynchronously and in order, as Redis
 * delivers them, so that code written against this store does not rely on a synchronous echo.
 */
export class MemoryPresenceStore implements PresenceStore {
  private readonly own = new Set<(message: PresenceMessage) => void>();
  private closed = false;

  constructor(private readonly hub: PresenceHub = new PresenceHub()) {}

  /** Another store on the same state and bus: a second "node" in the same process. */
  sibling(): MemoryPresenceStore {
    return new MemoryPresenceStore(this.hub);
  }

  async beat(entry: Omit<PresenceEntry, 'lastSeen'>, at: string): Promise<BeatResult> {
    this.assertOpen();
    const lastSeenMs = toMs(at);
    const before = this.hub.entries.get(entry.computerId);
    this.hub.entries.set(entry.computerId, {
      computerId: entry.computerId,
      tenantId: entry.tenantId,
      nodeId: entry.nodeId,
      ip: entry.ip,
      lastSeen: new Date(lastSeenMs).toISOString(),
      lastSeenMs,
    });
    return { first: before === undefined, previousNodeId: before?.nodeId ?? null };
  }

  async get(computerId: string): Promise<PresenceEntry | null> {
    this.assertOpen();
    const found = this.hub.entries.get(computerId);
    return found ? strip(found) : null;
  }

  async getMany(computerIds: readonly string[]): Promise<Map<string, PresenceEntry>> {
    this.assertOpen();
    const result = new Map<string, PresenceEntry>();
    for (const id of computerIds) {
      const found = this.hub.entries.get(id);
      if (found) result.set(id, strip(found));
    }
    return result;
  }

  async lastSeenBefore(cutoff: string, limit = 1000): Promise<PresenceEntry[]> {
    this.assertOpen();
    const cutoffMs = toMs(cutoff);
    const expired = [...this.hub.entries.values()].filter((e) => e.lastSeenMs < cutoffMs);
    expired.sort((a, b) => a.lastSeenMs - b.lastSeenMs || (a.computerId < b.computerId ? -1 : 1));
    return expired.slice(0, Math.max(0, limit)).map(strip);
  }

  async remove(computerId: string, options: { readonly ifLastSeen?: string; readonly ifNodeId?: string } = {}): Promise<boolean> {
    this.assertOpen();
    const found = this.hub.entries.get(computerId);
    if (!found) return false;
    if (options.ifLastSeen !== undefined && found.lastSeenMs !== toMs(options.ifLastSeen)) return false;
    if (options.ifNodeId !== undefined && found.nodeId !== options.ifNodeId) return false;
    this.hub.entries.delete(computerId);
    return true;
  }

  async count(): Promise<number> {
    this.assertOpen();
    return this.hub.entries.size;
  }

  async publish(message: PresenceMessage): Promise<void> {
    this.assertOpen();
    // A copy, as a message that went through Redis would be: a listener cannot change what another sees.
    const text = JSON.stringify(message);
    const listeners = [...this.hub.listeners];
    setImmediate(() => {
      for (const listener of listeners) {
        if (this.hub.listeners.has(listener)) listener(JSON.parse(text) as PresenceMessage);
      }
    });
  }

  subscribe(listener: (message: PresenceMessage) => void): () => void {
    this.assertOpen();
    // Wrapped so that one listener subscribed twice is two subscriptions, as with an event emitter.
    const wrapped = (message: PresenceMessage) => listener(message);
    this.hub.listeners.add(wrapped);
    this.own.add(wrapped);
    return () => {
      this.hub.listeners.delete(wrapped);
      this.own.delete(wrapped);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.own) this.hub.listeners.delete(listener);
    this.own.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The presence store is closed');
  }
}

function toMs(iso: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new RangeError(`Not an ISO time: ${JSON.stringify(iso)}`);
  return ms;
}

function strip({ computerId, tenantId, nodeId, ip, lastSeen }: PresenceEntry): PresenceEntry {
  return { computerId, tenantId, nodeId, ip, lastSeen };
}
