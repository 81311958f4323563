import { ApplicationError, StreamRevisionConflictError } from '../../application/errors';
import type {
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Subscription,
} from '../../application/ports/event-store.port';
import { START, type Position } from '../../application/ports/position';
import { CatchUpSubscription, CommitNotifier } from '../eventstore-shared/catch-up-subscription';
import {
  DEFAULT_MAX_EVENT_BYTES,
  assertExpectedRevision,
  assertReadAllOptions,
  assertReadStreamOptions,
  assertStreamName,
  chainEvents,
  encodeNewEvents,
  sequenceOf,
} from '../eventstore-shared/event-codec';
import { GENESIS_HASH } from '../eventstore-shared/hash-chain';
import { UpcasterRegistry, type Upcaster } from '../eventstore-shared/upcasting';

export interface MemoryEventStoreOptions {
  /** Limit on one serialized event; 1 MiB by default. */
  readonly maxEventBytes?: number;
  readonly upcasters?: readonly Upcaster[] | UpcasterRegistry;
}

/** One stored event, kept as JSON text so every read is a fresh copy, as with a real store. */
interface StoredEvent {
  readonly stream: string;
  readonly revision: number;
  readonly sequence: number;
  readonly type: string;
  readonly dataJson: string;
  readonly metadataJson: string;
  readonly hash: string;
}

/**
 * The event store in memory, for tests and tools. It keeps the real adapters' behaviour: 0-based
 * revisions, JSON round trip of payloads, the same errors, the hash chain and upcasting on read.
 */
export class MemoryEventStore implements EventStore {
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly notifier = new CommitNotifier();
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private readonly maxEventBytes: number;
  private readonly upcasters: UpcasterRegistry;
  private closed = false;

  constructor(options: MemoryEventStoreOptions = {}) {
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.upcasters = UpcasterRegistry.from(options.upcasters);
  }

  async appendToStream(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    assertStreamName(stream);
    assertExpectedRevision(expectedRevision);
    const encoded = encodeNewEvents(events, this.maxEventBytes);
    const existing = this.streams.get(stream);
    const actual = existing ? existing.length - 1 : 'no_stream';
    if (actual !== expectedRevision) throw new StreamRevisionConflictError(stream, expectedRevision, actual);

    const rows = existing ?? [];
    const chained = chainEvents(existing ? existing[existing.length - 1].hash : GENESIS_HASH, encoded);
    encoded.forEach((event, i) => {
      const row: StoredEvent = {
        stream,
        revision: rows.length,
        sequence: this.log.length + 1,
        type: event.type,
        dataJson: event.dataJson,
        metadataJson: chained[i].metadataJson,
        hash: chained[i].metadata.hash,
      };
      rows.push(row);
      this.log.push(row);
    });
    this.streams.set(stream, rows);
    this.notifier.notify();
    return { revision: rows.length - 1, position: String(this.log.length) };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertStreamName(stream);
    assertReadStreamOptions(options);
    const rows = this.streams.get(stream) ?? [];
    const from = options.fromRevision ?? 0;
    const to = options.maxCount === undefined ? rows.length : from + options.maxCount;
    return rows.slice(from, to).map((row) => this.decode(row, options.raw === true));
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertReadAllOptions(options);
    const after = sequenceOf(options.after ?? START);
    return this.log.slice(after, after + options.limit).map((row) => this.decode(row, false));
  }

  subscribeToAll(options: { after?: Position } = {}): Subscription {
    this.assertOpen();
    const after = options.after ?? START;
    sequenceOf(after);
    const subscription = new CatchUpSubscription(
      { notifier: this.notifier, readPage: (from, limit) => this.readAll({ after: from, limit }) },
      after,
      500,
      (s) => this.subscriptions.delete(s),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<Position> {
    this.assertOpen();
    return String(this.log.length);
  }

  async *listStreams(): AsyncIterable<string> {
    this.assertOpen();
    yield* [...this.streams.keys()];
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.unsubscribe()));
  }

  private decode(row: StoredEvent, raw: boolean): RecordedEvent {
    const event: RecordedEvent = {
      stream: row.stream,
      revision: row.revision,
      position: String(row.sequence),
      type: row.type,
      data: JSON.parse(row.dataJson) as Record<string, unknown>,
      metadata: JSON.parse(row.metadataJson) as EventMetadata,
    };
    return raw ? event : this.upcasters.upcast(event);
  }

  private assertOpen(): void {
    if (this.closed) throw new ApplicationError('EVENT_STORE_CLOSED', 'The event store is closed');
  }
}
