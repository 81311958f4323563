import { ApplicationError } from '../../application/errors';
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
import type { KeyStore } from '../../application/ports/key-store.port';
import type { Position } from '../../application/ports/position';
import type { PersonalDataMap } from '../../domain/user/user.personal-data';
import { ForwardingEventStore } from '../eventstore-shared/forwarding-event-store';
import { isSealed, open, seal, type SealedValue } from './personal-data-cipher';

/**
 * An EventStore decorator for crypto-shredding. On append, the fields the personal-data map lists
 * for an event type are encrypted with their subject's key; the inner store hashes and stores the
 * ciphertext. On read, sealed values are decrypted; when the subject's key was deleted they read as
 * null and the event's metadata says `erased: true`. Raw reads (the audit verifier) get the stored
 * ciphertext untouched, so the hash chain verifies before and after an erasure.
 */
export class CryptoShreddingEventStore extends ForwardingEventStore {
  /** `close` closes only `inner`: the key store has its own owner. */
  constructor(
    inner: EventStore,
    private readonly keys: KeyStore,
    private readonly personalData: PersonalDataMap,
  ) {
    super(inner);
  }

  override async appendToStream(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const sealed = Array.isArray(events) ? await Promise.all(events.map((event) => this.seal(event))) : events;
    return this.inner.appendToStream(stream, sealed, expectedRevision);
  }

  override async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const events = await this.inner.readStream(stream, options);
    return options?.raw ? events : this.openAll(events);
  }

  override async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.openAll(await this.inner.readAll(options));
  }

  override subscribeToAll(options?: { after?: Position }): Subscription {
    const inner = this.inner.subscribeToAll(options);
    const openOne = (event: RecordedEvent) => this.openAll([event]).then(([opened]) => opened);
    return {
      unsubscribe: () => inner.unsubscribe(),
      async *[Symbol.asyncIterator]() {
        for await (const event of inner) yield await openOne(event);
      },
    };
  }

  private async seal(event: NewEvent): Promise<NewEvent> {
    const rule = this.personalData[event?.type];
    if (!rule || typeof event.data !== 'object' || event.data === null) return event;
    const id = event.data[rule.subjectField];
    if (typeof id !== 'string' || id.length === 0) {
      throw new ApplicationError('PERSONAL_DATA_SUBJECT_MISSING', `${event.type} has no ${rule.subjectField} to key its personal data`);
    }
    const subject = `${rule.subjectPrefix}${id}`;
    const present = rule.fields.filter((field) => readPath(event.data, field) !== undefined && readPath(event.data, field) !== null);
    if (present.length === 0) return event;
    const key = await this.keys.getOrCreate(subject);
    let data: Record<string, unknown> = { ...event.data };
    for (const field of present) data = writePath(data, field, seal(readPath(data, field), subject, key));
    return { ...event, data };
  }

  /** Decrypts a page, fetching each subject's key once. */
  private async openAll(events: readonly RecordedEvent[]): Promise<RecordedEvent[]> {
    const keys = new Map<string, Promise<Uint8Array | null>>();
    const keyOf = (subject: string) => {
      let key = keys.get(subject);
      if (!key) {
        key = this.keys.get(subject);
        keys.set(subject, key);
      }
      return key;
    };
    const opened: RecordedEvent[] = [];
    for (const event of events) {
      if (!containsSealed(event.data)) {
        opened.push(event);
        continue;
      }
      let erased = false;
      const data = (await mapSealed(event.data, async (sealed) => {
        const key = await keyOf(sealed.sub);
        if (key === null) {
          erased = true;
          return null;
        }
        return open(sealed, key);
      })) as Record<string, unknown>;
      opened.push({ ...event, data, metadata: erased ? { ...event.metadata, erased: true } : event.metadata });
    }
    return opened;
  }
}

function readPath(data: Readonly<Record<string, unknown>>, field: string): unknown {
  let value: unknown = data;
  for (const part of field.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A copy of `data` with the value at the dotted path replaced. */
function writePath(data: Readonly<Record<string, unknown>>, field: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = field.split('.');
  if (rest.length === 0) return { ...data, [head]: value };
  const child = data[head];
  return { ...data, [head]: writePath(typeof child === 'object' && child !== null ? (child as Record<string, unknown>) : {}, rest.join('.'), value) };
}

function containsSealed(value: unknown): boolean {
  if (isSealed(value)) return true;
  if (Array.isArray(value)) return value.some(containsSealed);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsSealed);
  return false;
}

async function mapSealed(value: unknown, replace: (sealed: SealedValue) => Promise<unknown>): Promise<unknown> {
  if (isSealed(value)) return replace(value);
  if (Array.isArray(value)) return Promise.all(value.map((item) => mapSealed(item, replace)));
  if (typeof value === 'object' && value !== null) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await mapSealed(v, replace)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}
