import { ApplicationError, EventTooLargeError } from '../../application/errors';
import type {
  EventMetadata,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
} from '../../application/ports/event-store.port';
import { isPosition, type Position } from '../../application/ports/position';
import { parseStreamName } from '../../domain/shared/stream-name';
import { chainMetadata, hasNoChainFields } from './hash-chain';

/** 1 MiB: the default limit on one serialized event (type, data and metadata). */
export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

/** A new event after its JSON round trip: exactly what a reader will get back. */
export interface EncodedEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
  /** Caller metadata after the JSON round trip, without any caller-supplied hashes. */
  readonly metadata: Record<string, unknown>;
  readonly dataJson: string;
  /** JSON of `metadata` (no hashes), when `metadata` is exactly its parse: the stored form is then built from it. */
  readonly metadataJson?: string;
}

/** Throws the domain's INVALID_STREAM_NAME error for anything that is not `<category>-<id>`. */
export function assertStreamName(stream: string): void {
  parseStreamName(typeof stream === 'string' ? stream : String(stream));
}

export function assertExpectedRevision(expected: ExpectedRevision): void {
  if (expected === 'no_stream') return;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new ApplicationError('INVALID_EXPECTED_REVISION', `Invalid expected revision: ${JSON.stringify(expected)}`);
  }
}

export function assertReadStreamOptions(options: ReadStreamOptions | undefined): void {
  const from = options?.fromRevision;
  if (from !== undefined && (!Number.isSafeInteger(from) || from < 0)) {
    throw new ApplicationError('INVALID_READ_OPTIONS', `Invalid fromRevision: ${JSON.stringify(from)}`);
  }
  const max = options?.maxCount;
  if (max !== undefined && (!Number.isSafeInteger(max) || max < 0)) {
    throw new ApplicationError('INVALID_READ_OPTIONS', `Invalid maxCount: ${JSON.stringify(max)}`);
  }
}

export function assertReadAllOptions(options: ReadAllOptions): void {
  if (!Number.isSafeInteger(options.limit) || options.limit < 0) {
    throw new ApplicationError('INVALID_READ_OPTIONS', `Invalid limit: ${JSON.stringify(options.limit)}`);
  }
  if (options.after !== undefined) assertPosition(options.after);
}

export function assertPosition(position: Position): void {
  if (!isPosition(position)) {
    throw new ApplicationError('INVALID_POSITION', `Invalid position: ${JSON.stringify(position)}`);
  }
}

function toJson(value: unknown, what: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new ApplicationError('INVALID_EVENT', `${what} is not JSON-serializable: ${(error as Error).message}`);
  }
  if (json === undefined) throw new ApplicationError('INVALID_EVENT', `${what} is not JSON-serializable`);
  return json;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a batch before anything is written: a non-empty list, a type, object data and metadata,
 * JSON-serializable, each event within the size limit. Returns the events as a reader will see them.
 */
export function encodeNewEvents(events: readonly NewEvent[], maxEventBytes: number): EncodedEvent[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new ApplicationError('INVALID_EVENT', 'An append needs at least one event');
  }
  const encoded: EncodedEvent[] = new Array<EncodedEvent>(events.length);
  for (let i = 0; i < events.length; i++) encoded[i] = encodeNewEvent(events[i], maxEventBytes);
  return encoded;
}

function encodeNewEvent(event: NewEvent, maxEventBytes: number): EncodedEvent {
  if (typeof event?.type !== 'string' || event.type.length === 0 || event.type.startsWith('$')) {
    throw new ApplicationError('INVALID_EVENT', `Invalid event type: ${JSON.stringify(event?.type)}`);
  }
  if (!isPlainObject(event.data) || !isPlainObject(event.metadata)) {
    throw new ApplicationError('INVALID_EVENT', `Event ${event.type} needs object data and metadata`);
  }
  const version = (event.metadata as { schemaVersion?: unknown }).schemaVersion;
  if (!Number.isSafeInteger(version) || (version as number) < 1) {
    throw new ApplicationError('INVALID_EVENT', `Event ${event.type} needs metadata.schemaVersion >= 1`);
  }
  const dataJson = toJson(event.data, `Data of ${event.type}`);
  const data = JSON.parse(dataJson) as Record<string, unknown>;
  // Caller-supplied hashes are dropped; metadata that has none is serialized as it is, without a copy.
  const bare = hasNoChainFields(event.metadata) ? event.metadata : withoutChainFields(event.metadata);
  const metadataJson = toJson(bare, `Metadata of ${event.type}`);
  const metadata = JSON.parse(metadataJson) as Record<string, unknown>;
  // Measured without the two hashes (a fixed 2 x 64 characters) so the limit means the same everywhere.
  const size = Buffer.byteLength(event.type, 'utf8') + Buffer.byteLength(dataJson, 'utf8') + Buffer.byteLength(metadataJson, 'utf8');
  if (size > maxEventBytes) throw new EventTooLargeError(size, maxEventBytes, event.type);
  // The stored metadata can be built from this JSON only when the parse is an object without chain fields.
  const reusable = isPlainObject(metadata) && hasNoChainFields(metadata);
  return reusable ? { type: event.type, data, metadata, dataJson, metadataJson } : { type: event.type, data, metadata, dataJson };
}

function withoutChainFields(metadata: object): Record<string, unknown> {
  const { prevHash: _p, hash: _h, ...bare } = metadata as Record<string, unknown>;
  return bare;
}

/** Chains a batch onto a stream whose last hash is prevHash. */
export function chainEvents(prevHash: string, events: readonly EncodedEvent[]): { metadata: EventMetadata; metadataJson: string }[] {
  let previous = prevHash;
  const chained = new Array<{ metadata: EventMetadata; metadataJson: string }>(events.length);
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    const metadata = chainMetadata(previous, event.type, event.data, event.metadata);
    chained[i] = { metadata, metadataJson: storedMetadataJson(event, previous, metadata.hash, metadata) };
    previous = metadata.hash;
  }
  return chained;
}

/**
 * JSON.stringify({ ...metadata, prevHash, hash }) without serializing the metadata again: the chain
 * fields come last in a spread, and the metadata's own JSON is what JSON.stringify gives for its parse.
 */
function storedMetadataJson(event: EncodedEvent, prevHash: string, hash: string, chained: EventMetadata): string {
  const json = event.metadataJson;
  if (json === undefined) return JSON.stringify(chained);
  const tail = `"prevHash":${JSON.stringify(prevHash)},"hash":${JSON.stringify(hash)}}`;
  return json === '{}' ? `{${tail}` : `${json.slice(0, -1)},${tail}`;
}

/** Memory and SQLite positions are plain sequence numbers; an EventStoreDB "commit.prepare" is not one. */
export function sequenceOf(position: Position): number {
  assertPosition(position);
  if (position.includes('.')) {
    throw new ApplicationError('INVALID_POSITION', `Position ${position} does not belong to this event store`);
  }
  const sequence = Number(position);
  if (!Number.isSafeInteger(sequence)) throw new ApplicationError('INVALID_POSITION', `Position ${position} is out of range`);
  return sequence;
}
