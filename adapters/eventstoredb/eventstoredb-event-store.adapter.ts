import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START as ESDB_START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamSubscription,
  type Position as EsdbPosition,
  type ReadPosition,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { ApplicationError, EventTooLargeError, StreamRevisionConflictError } from '../../application/errors';
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
import { START, comparePositions, type Position } from '../../application/ports/position';
import { parseStreamName } from '../../domain/shared/stream-name';
import {
  DEFAULT_MAX_EVENT_BYTES,
  assertExpectedRevision,
  assertPosition,
  assertReadAllOptions,
  assertReadStreamOptions,
  assertStreamName,
  chainEvents,
  encodeNewEvents,
} from '../eventstore-shared/event-codec';
import { GENESIS_HASH } from '../eventstore-shared/hash-chain';
import { StoredEventUnreadableError } from '../eventstore-shared/stored-event-unreadable.error';
import { UpcasterRegistry, type Upcaster } from '../eventstore-shared/upcasting';

export interface EventStoreDbEventStoreOptions {
  /** An EventStoreDB connection string, e.g. `esdb://admin:changeit@localhost:2113?tls=false`. */
  readonly url: string;
  /** Limit on one serialized event; 1 MiB by default. */
  readonly maxEventBytes?: number;
  readonly upcasters?: readonly Upcaster[] | UpcasterRegistry;
}

/** "commit" when both parts are equal, "commit.prepare" otherwise (see application/ports/position.ts). */
export function encodeEsdbPosition(position: EsdbPosition): Position {
  return position.commit === position.prepare ? String(position.commit) : `${position.commit}.${position.prepare}`;
}

export function decodeEsdbPosition(position: Position): EsdbPosition {
  assertPosition(position);
  const dot = position.indexOf('.');
  if (dot < 0) return { commit: BigInt(position), prepare: BigInt(position) };
  return { commit: BigInt(position.slice(0, dot)), prepare: BigInt(position.slice(dot + 1)) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE = 500;

/** `$`-prefixed streams and types are the server's own (stats, projections, metadata, links). */
function isSystem(event: EsdbRecordedEvent): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

/**
 * The production event store on EventStoreDB. Revisions map one to one (0-based); positions are
 * commit/prepare pairs encoded as decimal strings. System events are hidden from every read, and
 * events that are not JSON are not ours and are skipped on `$all`.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly upcasters: UpcasterRegistry;
  private readonly maxEventBytes: number;
  private readonly subscriptions = new Set<EventStoreDbSubscription>();

  constructor(
    private readonly client: EventStoreDBClient,
    options: Omit<EventStoreDbEventStoreOptions, 'url'> = {},
  ) {
    this.upcasters = UpcasterRegistry.from(options.upcasters);
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  }

  static connect(options: EventStoreDbEventStoreOptions): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(options.url), options);
  }

  async appendToStream(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    assertStreamName(stream);
    assertExpectedRevision(expectedRevision);
    const encoded = encodeNewEvents(events, this.maxEventBytes);
    // The hash of the event at the expected revision is the chain's previous link. If another
    // writer appends meanwhile, the server refuses ours on the same expected revision.
    const prevHash = expectedRevision === 'no_stream' ? GENESIS_HASH : await this.hashAt(stream, expectedRevision);
    const chained = chainEvents(prevHash, encoded);
    const payload = encoded.map((event, i) => {
      const eventId = event.metadata.eventId;
      return jsonEvent({
        id: typeof eventId === 'string' && UUID.test(eventId) ? eventId : undefined,
        type: event.type,
        data: event.data,
        metadata: chained[i].metadata as unknown as Record<string, unknown>,
      });
    });
    let nextExpectedRevision: bigint;
    let appendedAt: EsdbPosition | undefined;
    try {
      const result = await this.client.appendToStream(stream, payload, {
        expectedRevision: expectedRevision === 'no_stream' ? NO_STREAM : BigInt(expectedRevision),
      });
      nextExpectedRevision = result.nextExpectedRevision;
      appendedAt = result.position;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = typeof error.actualVersion === 'bigint' ? Number(error.actualVersion) : 'no_stream';
        throw new StreamRevisionConflictError(stream, expectedRevision, actual);
      }
      if (error instanceof MaxAppendSizeExceededError) {
        const size = encoded.reduce((sum, e) => sum + Buffer.byteLength(e.dataJson) + 512, 0);
        throw new EventTooLargeError(size, error.maxAppendSize, `batch of ${encoded.length} events`);
      }
      throw error;
    }
    // The position callers wait for is the last event's own; read it back rather than rely on
    // what the append answer's position means for a multi-event transaction.
    const [last] = await this.readRaw(stream, Number(nextExpectedRevision), 1);
    const position = last?.position ?? (appendedAt ? encodeEsdbPosition(appendedAt) : START);
    return { revision: Number(nextExpectedRevision), position };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertStreamName(stream);
    assertReadStreamOptions(options);
    const events = await this.readRaw(stream, options.fromRevision ?? 0, options.maxCount);
    return options.raw ? events : events.map((e) => this.upcasters.upcast(e));
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    assertReadAllOptions(options);
    const events = await this.readAllRaw(options.after ?? START, options.limit);
    return events.map((e) => this.upcasters.upcast(e));
  }

  subscribeToAll(options: { after?: Position } = {}): Subscription {
    const after = options.after ?? START;
    assertPosition(after);
    const subscription = new EventStoreDbSubscription(
      () =>
        this.client.subscribeToAll({
          fromPosition: after === START ? ESDB_START : decodeEsdbPosition(after),
          filter: excludeSystemEvents(),
          resolveLinkTos: false,
        }),
      after,
      (event) => this.convert(event, false),
      (s) => this.subscriptions.delete(s),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<Position> {
    let from: ReadPosition = END;
    for (;;) {
      let count = 0;
      let last: EsdbPosition | undefined;
      for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: PAGE, resolveLinkTos: false })) {
        count += 1;
        const event = resolved.event;
        if (!event) continue;
        last = event.position;
        if (!isSystem(event) && event.isJson) return encodeEsdbPosition(event.position);
      }
      if (count < PAGE || !last) return START;
      from = last;
    }
  }

  /** Scans `$all` once: EventStoreDB has no stream catalogue unless system projections run. */
  async *listStreams(): AsyncIterable<string> {
    const seen = new Set<string>();
    let after: Position = START;
    for (;;) {
      const page = await this.readAllRaw(after, PAGE);
      for (const event of page) {
        if (seen.has(event.stream) || !isOurStreamName(event.stream)) continue;
        seen.add(event.stream);
        yield event.stream;
      }
      if (page.length < PAGE) return;
      after = page[page.length - 1].position;
    }
  }

  async ping(): Promise<void> {
    for await (const _ of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
      // Reading one record proves the connection and the credentials.
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.unsubscribe()));
    await this.client.dispose();
  }

  private async hashAt(stream: string, revision: number): Promise<string> {
    const [event] = await this.readRaw(stream, revision, 1);
    if (!event) {
      const [last] = await this.readLast(stream);
      throw new StreamRevisionConflictError(stream, revision, last ? last.revision : 'no_stream');
    }
    const hash = (event.metadata as Partial<EventMetadata> | undefined)?.hash;
    if (typeof hash !== 'string') {
      throw new ApplicationError('EVENT_CHAIN_MISSING', `Event ${stream}@${revision} has no hash; the stream was not written by Switchboard`);
    }
    return hash;
  }

  private async readLast(stream: string): Promise<RecordedEvent[]> {
    return this.collectStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
  }

  private async readRaw(stream: string, fromRevision: number, maxCount?: number): Promise<RecordedEvent[]> {
    if (maxCount === 0) return [];
    return this.collectStream(stream, { direction: FORWARDS, fromRevision: BigInt(fromRevision), maxCount });
  }

  private async collectStream(
    stream: string,
    options: { direction: typeof FORWARDS | typeof BACKWARDS; fromRevision: bigint | typeof END; maxCount?: number },
  ): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, { ...options, resolveLinkTos: false })) {
        if (resolved.event) out.push(this.convert(resolved.event, true, resolved.commitPosition));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return out;
  }

  /** `$all` strictly after `after`, without system or non-JSON events, in stored shape. */
  private async readAllRaw(after: Position, limit: number): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    if (limit === 0) return out;
    let from: ReadPosition = after === START ? ESDB_START : decodeEsdbPosition(after);
    let exclusiveOf: Position | undefined = after === START ? undefined : after;
    while (out.length < limit) {
      // The server reads from a position inclusively; one more than needed covers `after` itself.
      const batch = Math.max(limit - out.length + 1, 64);
      let count = 0;
      let last: EsdbPosition | undefined;
      for await (const resolved of this.client.readAll({ direction: FORWARDS, fromPosition: from, maxCount: batch, resolveLinkTos: false })) {
        count += 1;
        const event = resolved.event;
        if (!event) continue;
        last = event.position;
        if (exclusiveOf !== undefined && comparePositions(encodeEsdbPosition(event.position), exclusiveOf) <= 0) continue;
        if (isSystem(event) || !event.isJson) continue;
        out.push(this.convert(event, true));
        if (out.length === limit) break;
      }
      if (out.length === limit || count < batch || !last) break;
      from = last;
      exclusiveOf = encodeEsdbPosition(last);
    }
    return out;
  }

  private convert(event: EsdbRecordedEvent, raw: boolean, commitPosition?: bigint): RecordedEvent {
    const position = event.position
      ? encodeEsdbPosition(event.position)
      : commitPosition !== undefined
        ? String(commitPosition)
        : START;
    const revision = Number(event.revision);
    const { data, metadata } = event as { data: unknown; metadata: unknown };
    if (!event.isJson || !isObject(data) || !isObject(metadata)) {
      throw new StoredEventUnreadableError(event.streamId, revision, position, 'data or metadata is not a JSON object');
    }
    const recorded: RecordedEvent = {
      stream: event.streamId,
      revision,
      position,
      type: event.type,
      data,
      metadata: metadata as unknown as EventMetadata,
    };
    return raw ? recorded : this.upcasters.upcast(recorded);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function isOurStreamName(stream: string): boolean {
  try {
    parseStreamName(stream);
    return true;
  } catch {
    return false;
  }
}

/** A server catch-up subscription to `$all` (catch-up then live in one ordered feed), as an async iterable. */
class EventStoreDbSubscription implements Subscription {
  private stopped = false;
  private readonly active = new Set<AllStreamSubscription>();

  constructor(
    private readonly open: () => AllStreamSubscription,
    private readonly after: Position,
    private readonly convert: (event: EsdbRecordedEvent) => RecordedEvent,
    private readonly onStop: (subscription: EventStoreDbSubscription) => void,
  ) {}

  async unsubscribe(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.onStop(this);
    await Promise.all([...this.active].map((s) => s.unsubscribe().catch(() => undefined)));
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return this.run();
  }

  private async *run(): AsyncGenerator<RecordedEvent> {
    if (this.stopped) return;
    const feed = this.open();
    this.active.add(feed);
    let last = this.after;
    try {
      for await (const resolved of feed) {
        if (this.stopped) return;
        const event = resolved.event;
        if (!event || isSystem(event) || !event.isJson) continue;
        const recorded = this.convert(event);
        // Guards the boundary: nothing at or before the checkpoint, nothing twice.
        if (comparePositions(recorded.position, last) <= 0) continue;
        last = recorded.position;
        yield recorded;
      }
    } catch (error) {
      if (!this.stopped) throw error;
    } finally {
      this.active.delete(feed);
      await feed.unsubscribe().catch(() => undefined);
      await this.unsubscribe();
    }
  }
}
