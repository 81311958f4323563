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
import type { AppMetrics } from './metrics';

/** An EventStore that times every append into `switchboard_append_duration_seconds` and delegates the rest. */
export class InstrumentedEventStore implements EventStore {
  constructor(private readonly inner: EventStore, private readonly metrics: AppMetrics) {}

  async appendToStream(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const stop = this.metrics.appendDuration.startTimer();
    try {
      const result = await this.inner.appendToStream(stream, events, expectedRevision);
      stop({ outcome: 'ok' });
      return result;
    } catch (error) {
      stop({ outcome: (error as { code?: string }).code === 'STREAM_REVISION_CONFLICT' ? 'conflict' : 'error' });
      throw error;
    }
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
