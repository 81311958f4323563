import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Subscription,
} from '../../application/ports/event-store.port';
import type { Position } from '../../application/ports/position';

/**
 * An EventStore that hands every call to `inner`: the base of decorators, which override only the
 * members they change, so that a member added to the port is forwarded by all of them at once.
 */
export abstract class ForwardingEventStore implements EventStore {
  protected constructor(protected readonly inner: EventStore) {}

  appendToStream(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return this.inner.appendToStream(stream, events, expectedRevision);
  }

  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(stream, options);
  }

  readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  subscribeToAll(options?: { after?: Position }): Subscription {
    return this.inner.subscribeToAll(options);
  }

  headPosition(): Promise<Position> {
    return this.inner.headPosition();
  }

  listStreams(): AsyncIterable<string> {
    return this.inner.listStreams();
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
