import type { AppendResult, EventStore, ExpectedRevision, NewEvent } from '../../application/ports/event-store.port';
import { ForwardingEventStore } from '../eventstore-shared/forwarding-event-store';
import type { AppMetrics } from './metrics';

/** An EventStore that times every append into `switchboard_append_duration_seconds` and delegates the rest. */
export class InstrumentedEventStore extends ForwardingEventStore {
  constructor(inner: EventStore, private readonly metrics: AppMetrics) {
    super(inner);
  }

  override async appendToStream(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
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
}
