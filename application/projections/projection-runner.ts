import { Observable } from 'rxjs';
import type { Projection } from '../../read-models/projection';
import { collectionName, eventTypeFilter } from '../../read-models/projection';
import type { ProjectionHealthView } from '../contracts/health.view';
import { ApplicationError, ReadModelBehindError } from '../errors';
import type { Clock } from '../ports/clock.port';
import type { EventStore, RecordedEvent, Subscription } from '../ports/event-store.port';
import { START, comparePositions, distance, type Position } from '../ports/position';
import type { ReadModelAccess } from '../ports/read-model-access.port';
import { docKey, type Doc, type ReadStore, type WriteOp } from '../ports/read-store.port';
import {
  checkpointKey,
  isProjectionCheckpoint,
  rebuildCheckpointKey,
  type ProjectionCheckpoint,
} from './projection-checkpoint';
import { ProjectionRegistry } from './projection-registry';
import { PositionWaiters } from './wait-for-position';

export type ProjectionLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Logger-ish callback; the composition root adapts it to pino. */
export type ProjectionLog = (level: ProjectionLogLevel, message: string, fields?: Readonly<Record<string, unknown>>) => void;

/** One document changed by a committed batch of the collection that serves queries. */
export interface ReadModelChange {
  readonly projection: string;
  readonly collection: string;
  readonly id: string;
  readonly tenantId: string;
  readonly position: Position;
  readonly deleted: boolean;
}

export interface RebuildProgress {
  /** Events read by the rebuild so far. */
  readonly done: number;
  /** Events to read in all, where the store can count positions (SQLite, memory); undefined otherwise. */
  readonly total?: number;
  readonly eventsPerSecond: number;
  readonly etaSeconds?: number;
}

export interface RebuildOptions {
  /** Called after every committed batch of the rebuild and once at the end. */
  readonly onProgress?: (progress: RebuildProgress) => void;
}

export interface RebuildResult {
  readonly projection: string;
  readonly version: number;
  /** The collection that serves the projection now. */
  readonly collection: string;
  /** Checkpoint at the switch. */
  readonly position: Position;
  readonly events: number;
}

export interface ProjectionRunnerOptions {
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  readonly projections: readonly Projection[];
  readonly clock: Clock;
  readonly log?: ProjectionLog;
  /** Events read and written per batch (one `loadMany`, one `bulkWrite`); 1000 by default. */
  readonly batchSize?: number;
  /** First wait before retrying after an infrastructure error (doubles up to 30 s); 1000 ms by default. */
  readonly retryDelayMs?: number;
}

/** A projection stopped on an event it cannot apply (or read). It never skips: it stays stopped there. */
export class ProjectionFailedError extends ApplicationError {
  constructor(
    readonly projection: string,
    reason: string,
    readonly position?: Position,
    readonly eventType?: string,
  ) {
    super('PROJECTION_FAILED', `Projection ${projection} failed${position ? ` at ${position}` : ''}${eventType ? ` (${eventType})` : ''}: ${reason}`, {
      projection,
      position,
      eventType,
    });
  }
}

interface Failure {
  readonly message: string;
  readonly position?: Position;
  readonly eventType?: string;
}

/** Thrown out of a batch when the projection itself cannot go on; the batch prefix before it is committed. */
class EvolveFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/** Errors that would repeat on every retry: the projection stops and reports instead. */
const FATAL_CODES: ReadonlySet<string> = new Set(['UNKNOWN_EVENT_VERSION', 'STORED_EVENT_UNREADABLE', 'READ_STORE_DUPLICATE_KEY']);

type LaneRole = 'active' | 'rebuild';

/** One cursor over `$all` writing one collection under one meta key. */
class Lane {
  stopped = false;
  running = false;
  live = false;
  subscription: Subscription | null = null;
  done: Promise<void> = Promise.resolve();
  cancelDelay: (() => void) | null = null;

  constructor(
    public role: LaneRole,
    public metaKey: string,
    readonly collection: string,
    readonly version: number,
    public position: Position,
    /** Events read since the collection was empty, where countable. */
    public events: number,
  ) {}
}

interface RebuildWatcher {
  readonly onProgress?: (progress: RebuildProgress) => void;
  readonly startedAtMs: number;
  readonly startDone: number;
  total: number | undefined;
  readonly resolve: (result: RebuildResult) => void;
  readonly reject: (error: Error) => void;
}

/** A document touched in the batch being applied. */
class BatchEntry {
  doc: Doc | null = null;
  pos: Position | undefined = undefined;
  existed = false;
  touched = false;

  constructor(
    readonly tenantId: string,
    readonly id: string,
    readonly key: string,
  ) {}
}

class ProjectionRuntime {
  /** Whether the projection reads an event type (`canHandle`, where `'*'` reads every type). */
  readonly handles: (type: string) => boolean;
  readonly key: string;
  readonly rebuildKey: string;
  readonly waiters = new PositionWaiters();
  readonly collectionPattern: RegExp;
  active: Lane | null = null;
  rebuild: Lane | null = null;
  watchers: RebuildWatcher[] = [];
  initialized: Promise<void> | null = null;
  rebuildSetup: Promise<void> = Promise.resolve();
  ready = false;
  failure: Failure | null = null;
  transientError: string | null = null;
  pendingSince: { readonly after: Position; readonly occurredAtMs: number } | null = null;

  constructor(readonly projection: Projection) {
    this.handles = eventTypeFilter(projection.canHandle);
    this.key = checkpointKey(projection.name);
    this.rebuildKey = rebuildCheckpointKey(projection.name);
    const escaped = projection.name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
    this.collectionPattern = new RegExp(`^${escaped}_v[0-9]+(_r)?$`);
  }

  get name(): string {
    return this.projection.name;
  }
}

const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Runs projections: follows `$all` from one checkpoint per projection, applies the pure
 * `evolve` in order, and writes documents and checkpoint together, one batch at a time.
 *
 * - Catch-up reads pages with `readAll` (an array per batch, no per-event await), then the
 *   lane follows `subscribeToAll` from its checkpoint and batches whatever has arrived.
 * - Every document stores `_pos`, the position of the last event applied to it; an event at or
 *   before it is a no-op, so replays change nothing.
 * - A version bump (or `rebuild`) builds a fresh collection from the start while the old one
 *   keeps serving queries, then switches the checkpoint when caught up and drops the old one.
 * - An event `evolve` cannot apply stops that projection (state `failed`), never skipped.
 */
export class ProjectionRunner implements ReadModelAccess {
  private readonly events: EventStore;
  private readonly store: ReadStore;
  private readonly clock: Clock;
  private readonly log: ProjectionLog;
  private readonly batchSize: number;
  private readonly retryDelayMs: number;
  private readonly registry: ProjectionRegistry;
  private readonly runtimes = new Map<string, ProjectionRuntime>();
  private readonly listeners = new Set<(change: ReadModelChange) => void>();
  private started = false;
  private stopping = false;

  constructor(options: ProjectionRunnerOptions) {
    this.events = options.eventStore;
    this.store = options.readStore;
    this.clock = options.clock;
    this.log = options.log ?? (() => undefined);
    this.batchSize = options.batchSize ?? 1000;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    if (!Number.isSafeInteger(this.batchSize) || this.batchSize < 1) throw new Error(`Invalid batchSize ${this.batchSize}`);
    this.registry = new ProjectionRegistry(options.projections);
    for (const projection of this.registry.all()) this.runtimes.set(projection.name, new ProjectionRuntime(projection));
  }

  /** Names of the projections this runner serves. */
  projectionNames(): string[] {
    return this.registry.names();
  }

  /** Loads every checkpoint and starts following `$all`; resolves once all lanes are launched (not caught up). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    for (const rt of this.runtimes.values()) {
      try {
        await this.ensureInitialized(rt);
      } catch (error) {
        this.fail(rt, { message: `cannot load checkpoint: ${messageOf(error)}` });
        continue;
      }
      if (rt.failure) continue;
      const active = rt.active;
      if (active && active.version === rt.projection.version && !active.running) this.launch(rt, active, true);
      if (rt.rebuild && !rt.rebuild.running) this.launch(rt, rt.rebuild, true);
    }
  }

  /** Stops every lane after its current batch; pending `waitFor` and `rebuild` calls are rejected. */
  async stop(): Promise<void> {
    this.stopping = true;
    const lanes: Lane[] = [];
    for (const rt of this.runtimes.values()) {
      if (rt.active) lanes.push(rt.active);
      if (rt.rebuild) lanes.push(rt.rebuild);
    }
    await Promise.all(lanes.map((lane) => this.stopLane(lane)));
    for (const rt of this.runtimes.values()) {
      rt.waiters.rejectAll((wanted) => new ReadModelBehindError(rt.name, wanted, this.checkpoint(rt.name)));
      this.rejectWatchers(rt, new ProjectionFailedError(rt.name, 'the projection runner stopped'));
    }
    this.started = false;
  }

  /** The collection that currently serves a projection's queries. */
  activeCollection(projection: string): string {
    const rt = this.runtime(projection);
    return rt.active?.collection ?? collectionName(rt.name, rt.projection.version);
  }

  /** Position up to which the serving collection reflects `$all`. */
  checkpoint(projection: string): Position {
    return this.runtime(projection).active?.position ?? START;
  }

  /**
   * Resolves as soon as the serving collection has applied everything up to `position`; rejects
   * with ReadModelBehindError after `timeoutMs`, or at once when the projection has failed.
   */
  waitFor(projection: string, position: Position, timeoutMs: number): Promise<void> {
    let rt: ProjectionRuntime;
    try {
      rt = this.runtime(projection);
    } catch (error) {
      return Promise.reject(error);
    }
    const at = rt.active?.position ?? START;
    if (comparePositions(at, position) >= 0) return Promise.resolve();
    if (rt.failure) return Promise.reject(new ReadModelBehindError(rt.name, position, at));
    return rt.waiters.wait(position, timeoutMs, () => new ReadModelBehindError(rt.name, position, this.checkpoint(rt.name)));
  }

  /**
   * Document changes of committed batches of the serving collections (the console gateway turns
   * them into ReadModelUpdated notices). Nothing is built while nobody subscribes.
   */
  readonly changes$: Observable<ReadModelChange> = new Observable<ReadModelChange>((subscriber) =>
    this.onChange((change) => subscriber.next(change)),
  );

  /** Subscribes to document changes of committed batches; returns the unsubscribe function. */
  onChange(listener: (change: ReadModelChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** State, checkpoint and lag of every projection. */
  async health(): Promise<ProjectionHealthView[]> {
    let head: Position | undefined;
    try {
      head = await this.events.headPosition();
    } catch {
      head = undefined;
    }
    const nowMs = Date.parse(this.clock.now());
    const views: ProjectionHealthView[] = [];
    for (const rt of this.runtimes.values()) {
      const lane = rt.rebuild ?? rt.active;
      const checkpoint = lane?.position ?? START;
      const behind = head !== undefined && comparePositions(checkpoint, head) < 0;
      const error = rt.failure ?? (rt.transientError ? { message: rt.transientError } : undefined);
      views.push({
        name: rt.name,
        version: rt.projection.version,
        state: this.stateOf(rt),
        checkpoint,
        lagEvents: head === undefined ? undefined : distance(checkpoint, head),
        lagMs: behind ? await this.pendingAgeMs(rt, checkpoint, nowMs) : 0,
        ...(error ? { error } : {}),
      });
    }
    return views;
  }

  /**
   * Rebuilds one projection from the start into a fresh collection while the current one keeps
   * serving, and switches when caught up. Works with the runner started (the new collection
   * then goes on live) or not (the CLI: it stops at the head). A rebuild already running is joined.
   */
  async rebuild(projection: string, options: RebuildOptions = {}): Promise<RebuildResult> {
    const rt = this.runtime(projection);
    // Set-ups run one after the other, so a second call joins the rebuild the first one launched.
    const setup = rt.rebuildSetup.then(() => this.startRebuild(rt, options));
    rt.rebuildSetup = setup.then(
      () => undefined,
      () => undefined,
    );
    const { result } = await setup;
    return result;
  }

  private async startRebuild(rt: ProjectionRuntime, options: RebuildOptions): Promise<{ result: Promise<RebuildResult> }> {
    await this.ensureInitialized(rt);
    const head = await this.events.headPosition();
    let lane = rt.rebuild;
    if (!lane || !lane.running) {
      if (rt.failure && rt.active?.running) await this.stopLane(rt.active);
      rt.failure = null;
      if (lane) await this.discardRebuild(rt, lane);
      lane = await this.freshRebuildLane(rt);
    }
    const joined = lane;
    const nowMs = Date.parse(this.clock.now());
    const result = new Promise<RebuildResult>((resolve, reject) => {
      rt.watchers.push({
        onProgress: options.onProgress,
        startedAtMs: nowMs,
        startDone: joined.events,
        total: distance(START, head),
        resolve,
        reject,
      });
    });
    if (!lane.running) this.launch(rt, lane, this.started && !this.stopping);
    return { result };
  }

  private runtime(name: string): ProjectionRuntime {
    const rt = this.runtimes.get(name);
    if (!rt) this.registry.get(name);
    return rt as ProjectionRuntime;
  }

  private stateOf(rt: ProjectionRuntime): ProjectionHealthView['state'] {
    if (rt.failure) return 'failed';
    if (!rt.ready) return 'starting';
    if (rt.rebuild) return 'rebuilding';
    if (rt.active?.live) return 'running';
    if (rt.active?.running) return 'catching-up';
    return 'starting';
  }

  /** Age of the oldest event the projection has not applied yet; 0 when it cannot be read. */
  private async pendingAgeMs(rt: ProjectionRuntime, checkpoint: Position, nowMs: number): Promise<number> {
    if (rt.pendingSince?.after !== checkpoint) {
      try {
        const [next] = await this.events.readAll({ after: checkpoint, limit: 1 });
        rt.pendingSince = next ? { after: checkpoint, occurredAtMs: Date.parse(next.metadata.occurredAt) } : null;
      } catch {
        rt.pendingSince = null;
      }
    }
    const age = rt.pendingSince ? nowMs - rt.pendingSince.occurredAtMs : 0;
    return Number.isFinite(age) ? Math.max(0, age) : 0;
  }

  private ensureInitialized(rt: ProjectionRuntime): Promise<void> {
    if (!rt.initialized) {
      rt.initialized = this.initialize(rt).catch((error: unknown) => {
        rt.initialized = null;
        throw error;
      });
    }
    return rt.initialized;
  }

  /** Reads the checkpoints and decides what runs: the serving collection, a rebuild, or both. */
  private async initialize(rt: ProjectionRuntime): Promise<void> {
    const { projection } = rt;
    const stored = await this.store.getMeta<unknown>(rt.key);
    const storedRebuild = await this.store.getMeta<unknown>(rt.rebuildKey);
    const checkpoint = isProjectionCheckpoint(stored) ? stored : null;
    const rebuild = isProjectionCheckpoint(storedRebuild) ? storedRebuild : null;

    if (!checkpoint) {
      // Nothing was ever committed: build straight into the serving collection, from empty.
      const collection = collectionName(projection.name, projection.version);
      await this.store.dropCollection(collection);
      await this.ensureIndexes(projection, collection);
      rt.active = new Lane('active', rt.key, collection, projection.version, START, 0);
    } else {
      rt.active = new Lane('active', rt.key, checkpoint.collection, checkpoint.version, checkpoint.position, countFromStart(checkpoint.position));
      if (checkpoint.version === projection.version) await this.ensureIndexes(projection, checkpoint.collection);
    }
    if (rebuild && rebuild.version === projection.version && rebuild.collection !== rt.active.collection) {
      // A rebuild was interrupted: it goes on from its own checkpoint.
      rt.rebuild = new Lane('rebuild', rt.rebuildKey, rebuild.collection, rebuild.version, rebuild.position, countFromStart(rebuild.position));
      await this.ensureIndexes(projection, rebuild.collection);
    } else if (rebuild) {
      await this.store.setMeta(rt.rebuildKey, null);
    }
    if (rt.active.version !== projection.version && !rt.rebuild) {
      this.log('info', 'projection version changed: rebuilding into a new collection', {
        projection: projection.name,
        from: rt.active.version,
        to: projection.version,
      });
      rt.rebuild = await this.freshRebuildLane(rt);
    }
    await this.dropLeftovers(rt);
    rt.ready = true;
  }

  /** Collections of this projection that neither serve nor are being built (left by a crash mid-switch). */
  private async dropLeftovers(rt: ProjectionRuntime): Promise<void> {
    const keep = new Set([rt.active?.collection, rt.rebuild?.collection]);
    for (const name of await this.store.listCollections()) {
      if (rt.collectionPattern.test(name) && !keep.has(name)) {
        this.log('info', 'dropping a collection left over by an earlier rebuild', { projection: rt.name, collection: name });
        await this.store.dropCollection(name);
      }
    }
  }

  /**
   * A new, empty collection for the current version; never one that serves queries, except the
   * plain name while nothing was ever committed to it (a first replay builds straight into it).
   */
  private async freshRebuildLane(rt: ProjectionRuntime): Promise<Lane> {
    const base = collectionName(rt.name, rt.projection.version);
    const active = rt.active;
    const unused = active !== null && !active.running && active.position === START;
    const collection = active?.collection === base && !unused ? `${base}_r` : base;
    await this.store.dropCollection(collection);
    await this.ensureIndexes(rt.projection, collection);
    const lane = new Lane('rebuild', rt.rebuildKey, collection, rt.projection.version, START, 0);
    rt.rebuild = lane;
    return lane;
  }

  private async discardRebuild(rt: ProjectionRuntime, lane: Lane): Promise<void> {
    await this.stopLane(lane);
    if (rt.rebuild === lane) rt.rebuild = null;
    await this.store.setMeta(rt.rebuildKey, null);
    if (lane.collection !== rt.active?.collection) await this.store.dropCollection(lane.collection);
  }

  private async ensureIndexes(projection: Projection, collection: string): Promise<void> {
    if (projection.indexes && projection.indexes.length > 0) await this.store.ensureIndexes(collection, projection.indexes);
  }

  private launch(rt: ProjectionRuntime, lane: Lane, live: boolean): void {
    lane.stopped = false;
    lane.running = true;
    lane.done = this.runLane(rt, lane, live).finally(() => {
      lane.running = false;
      lane.live = false;
    });
  }

  private async stopLane(lane: Lane): Promise<void> {
    lane.stopped = true;
    lane.cancelDelay?.();
    const subscription = lane.subscription;
    if (subscription) await subscription.unsubscribe();
    await lane.done;
  }

  /** Catch-up, switch (for a rebuild), then live; infrastructure errors are retried, projection errors stop it. */
  private async runLane(rt: ProjectionRuntime, lane: Lane, live: boolean): Promise<void> {
    let delay = this.retryDelayMs;
    for (;;) {
      try {
        await this.catchUp(rt, lane);
        if (lane.role === 'rebuild' && !lane.stopped) await this.switchOver(rt, lane);
        if (live && !lane.stopped) await this.followLive(rt, lane);
        return;
      } catch (error) {
        if (lane.stopped) return;
        // Offline (a CLI rebuild) nobody waits for a retry: the operator gets the error at once.
        const fatal = fatalFailure(error) ?? (live ? null : { message: messageOf(error) });
        if (fatal) {
          this.fail(rt, fatal);
          return;
        }
        rt.transientError = messageOf(error);
        this.log('warn', 'projection lane error; retrying', { projection: rt.name, collection: lane.collection, error: rt.transientError, retryInMs: delay });
        await this.sleep(lane, delay);
        delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
        if (lane.stopped) return;
      }
    }
  }

  private sleep(lane: Lane, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        lane.cancelDelay = null;
        resolve();
      }
      lane.cancelDelay = done;
    });
  }

  private async catchUp(rt: ProjectionRuntime, lane: Lane): Promise<void> {
    while (!lane.stopped) {
      let page: RecordedEvent[];
      try {
        page = await this.events.readAll({ after: lane.position, limit: this.batchSize });
      } catch (error) {
        await this.applyUpTo(rt, lane, error);
        throw error;
      }
      if (page.length > 0 && !lane.stopped) await this.applyBatch(rt, lane, page);
      if (page.length < this.batchSize) return;
    }
  }

  /**
   * The store could not read one event of the page (no upcaster): apply the events before it, so
   * the checkpoint stops right before the unreadable event, as it does for one `evolve` rejects.
   */
  private async applyUpTo(rt: ProjectionRuntime, lane: Lane, error: unknown): Promise<void> {
    const failure = fatalFailure(error);
    if (!failure?.position) return;
    const before = distance(lane.position, failure.position);
    if (before === undefined || before <= 1 || before > this.batchSize) return;
    const page = await this.events.readAll({ after: lane.position, limit: before - 1 });
    if (page.length > 0) await this.applyBatch(rt, lane, page);
  }

  /**
   * The rebuild has reached the head: stop the serving lane (its collection is about to be
   * dropped), catch up the last events so the new checkpoint is not behind the old one, then
   * move the serving checkpoint to the new collection in one write.
   */
  private async switchOver(rt: ProjectionRuntime, lane: Lane): Promise<void> {
    const old = rt.active;
    if (old && old !== lane && old.running) await this.stopLane(old);
    await this.catchUp(rt, lane);
    if (lane.stopped) return;
    const checkpoint: ProjectionCheckpoint = { version: lane.version, collection: lane.collection, position: lane.position };
    await this.store.bulkWrite(lane.collection, [], { [rt.key]: checkpoint, [rt.rebuildKey]: null });
    lane.role = 'active';
    lane.metaKey = rt.key;
    rt.active = lane;
    rt.rebuild = null;
    rt.transientError = null;
    if (old && old !== lane && old.collection !== lane.collection) await this.store.dropCollection(old.collection);
    this.log('info', 'projection switched to its rebuilt collection', { projection: rt.name, collection: lane.collection, position: lane.position });
    rt.waiters.advance(lane.position);
    const result: RebuildResult = { projection: rt.name, version: lane.version, collection: lane.collection, position: lane.position, events: lane.events };
    const watchers = rt.watchers;
    rt.watchers = [];
    for (const watcher of watchers) {
      this.report(watcher, lane, true);
      watcher.resolve(result);
    }
  }

  /**
   * Follows the live subscription. Arriving events are buffered while a batch is being written,
   * and the next batch takes all of them: one load and one write per batch, whatever the rate.
   */
  private async followLive(rt: ProjectionRuntime, lane: Lane): Promise<void> {
    const subscription = this.events.subscribeToAll({ after: lane.position });
    lane.subscription = subscription;
    if (lane.stopped) {
      await subscription.unsubscribe();
      return;
    }
    lane.live = true;
    rt.transientError = null;
    let buffer: RecordedEvent[] = [];
    let draining = false;
    let drained: Promise<void> = Promise.resolve();
    let failure: unknown;
    let failed = false;

    const drain = async (): Promise<void> => {
      try {
        // Let what is already on its way arrive, so a burst becomes one batch.
        await new Promise<void>((resolve) => setImmediate(resolve));
        while (buffer.length > 0 && !failed && !lane.stopped) {
          const batch = buffer;
          buffer = [];
          for (let from = 0; from < batch.length && !failed; from += this.batchSize) {
            await this.applyBatch(rt, lane, from === 0 && batch.length <= this.batchSize ? batch : batch.slice(from, from + this.batchSize));
          }
        }
      } catch (error) {
        failed = true;
        failure = error;
        void subscription.unsubscribe();
      } finally {
        draining = false;
      }
    };
    const startDrain = (): void => {
      draining = true;
      drained = drain();
    };

    try {
      const iterator = subscription[Symbol.asyncIterator]();
      for (;;) {
        const next = await iterator.next();
        if (next.done || lane.stopped || failed) break;
        buffer.push(next.value);
        if (!draining) startDrain();
        else if (buffer.length >= this.batchSize * 4) await drained;
      }
    } catch (error) {
      // Events read before the one the store could not read are applied first.
      if (!draining && buffer.length > 0 && !lane.stopped) startDrain();
      await drained;
      if (failed) throw failure;
      throw error;
    } finally {
      lane.subscription = null;
      await subscription.unsubscribe();
    }
    await drained;
    if (failed) throw failure;
  }

  /**
   * Applies a batch: one `loadMany` for the documents it touches, `evolve` in memory (events on
   * one document chain through the cache), one `bulkWrite` with the checkpoint. When `evolve`
   * throws, the part before the failing event is committed and the failure is thrown.
   */
  private async applyBatch(rt: ProjectionRuntime, lane: Lane, events: readonly RecordedEvent[]): Promise<void> {
    const projection = rt.projection;
    const handles = rt.handles;
    const count = events.length;
    const picked: RecordedEvent[] = [];
    const pickedAt: number[] = [];
    const pickedEntries: BatchEntry[] = [];
    const entries = new Map<string, BatchEntry>();
    let failAt = count;
    let failure: Failure | null = null;

    for (let i = 0; i < count; i++) {
      const event = events[i];
      if (!handles(event.type)) continue;
      let id: string | null;
      try {
        id = projection.docId(event);
      } catch (error) {
        failAt = i;
        failure = { message: messageOf(error), position: event.position, eventType: event.type };
        break;
      }
      if (id === null) continue;
      const tenantId = event.metadata.tenantId;
      const key = docKey(tenantId, id);
      let entry = entries.get(key);
      if (entry === undefined) {
        entry = new BatchEntry(tenantId, id, key);
        entries.set(key, entry);
      }
      picked.push(event);
      pickedAt.push(i);
      pickedEntries.push(entry);
    }

    if (entries.size > 0) {
      const loaded = await this.store.loadMany(lane.collection, [...entries.values()]);
      if (loaded.size > 0) {
        for (const entry of entries.values()) {
          const doc = loaded.get(entry.key);
          if (doc !== undefined) {
            entry.doc = doc;
            entry.existed = true;
            entry.pos = typeof doc._pos === 'string' ? doc._pos : undefined;
          }
        }
      }
    }

    for (let j = 0; j < picked.length; j++) {
      const event = picked[j];
      const entry = pickedEntries[j];
      // Within a batch positions rise, so only the first event on a stored document needs the check.
      if (!entry.touched && entry.pos !== undefined && comparePositions(event.position, entry.pos) <= 0) continue;
      try {
        entry.doc = projection.evolve(entry.doc, event);
      } catch (error) {
        failAt = pickedAt[j];
        failure = { message: messageOf(error), position: event.position, eventType: event.type };
        break;
      }
      entry.touched = true;
      entry.pos = event.position;
    }

    if (failAt > 0) {
      const ops: WriteOp[] = [];
      for (const entry of entries.values()) {
        if (!entry.touched) continue;
        if (entry.doc === null) {
          if (entry.existed) ops.push({ kind: 'delete', tenantId: entry.tenantId, id: entry.id });
        } else {
          ops.push({ kind: 'upsert', doc: { ...entry.doc, id: entry.id, tenantId: entry.tenantId, _pos: entry.pos } });
        }
      }
      const position = events[failAt - 1].position;
      const checkpoint: ProjectionCheckpoint = { version: lane.version, collection: lane.collection, position };
      await this.store.bulkWrite(lane.collection, ops, { [lane.metaKey]: checkpoint });
      lane.position = position;
      lane.events += failAt;
      this.committed(rt, lane, entries);
    }
    if (failure) throw new EvolveFailure(failure);
  }

  /** After a commit: wake readers waiting for this position, tell listeners, report rebuild progress. */
  private committed(rt: ProjectionRuntime, lane: Lane, entries: Map<string, BatchEntry>): void {
    if (lane.role === 'active') {
      rt.waiters.advance(lane.position);
      if (this.listeners.size > 0) {
        for (const entry of entries.values()) {
          if (!entry.touched) continue;
          const change: ReadModelChange = {
            projection: rt.name,
            collection: lane.collection,
            id: entry.id,
            tenantId: entry.tenantId,
            position: entry.pos as Position,
            deleted: entry.doc === null,
          };
          for (const listener of this.listeners) {
            try {
              listener(change);
            } catch (error) {
              this.log('warn', 'read-model change listener threw', { projection: rt.name, error: messageOf(error) });
            }
          }
        }
      }
    } else if (rt.watchers.length > 0) {
      for (const watcher of rt.watchers) this.report(watcher, lane, false);
    }
  }

  private report(watcher: RebuildWatcher, lane: Lane, final: boolean): void {
    if (!watcher.onProgress) return;
    const done = lane.events;
    // The head moves while a server rebuilds; at the end everything there was has been read.
    if (watcher.total !== undefined && (done > watcher.total || final)) watcher.total = done;
    const elapsedSeconds = (Date.parse(this.clock.now()) - watcher.startedAtMs) / 1000;
    const eventsPerSecond = elapsedSeconds > 0 ? (done - watcher.startDone) / elapsedSeconds : 0;
    const remaining = watcher.total === undefined ? undefined : Math.max(0, watcher.total - done);
    const etaSeconds = remaining === undefined ? undefined : remaining === 0 ? 0 : eventsPerSecond > 0 ? remaining / eventsPerSecond : undefined;
    try {
      watcher.onProgress({ done, total: watcher.total, eventsPerSecond, etaSeconds });
    } catch (error) {
      this.log('warn', 'rebuild progress callback threw', { error: messageOf(error) });
    }
  }

  private fail(rt: ProjectionRuntime, failure: Failure): void {
    rt.failure = failure;
    rt.transientError = null;
    this.log('error', 'projection stopped on an event it cannot apply', { projection: rt.name, ...failure });
    for (const lane of [rt.active, rt.rebuild]) {
      if (!lane || !lane.running) continue;
      lane.stopped = true;
      lane.cancelDelay?.();
      void lane.subscription?.unsubscribe();
    }
    rt.waiters.rejectAll((wanted) => new ReadModelBehindError(rt.name, wanted, rt.active?.position ?? START));
    this.rejectWatchers(rt, new ProjectionFailedError(rt.name, failure.message, failure.position, failure.eventType));
  }

  private rejectWatchers(rt: ProjectionRuntime, error: Error): void {
    const watchers = rt.watchers;
    rt.watchers = [];
    for (const watcher of watchers) watcher.reject(error);
  }
}

function fatalFailure(error: unknown): Failure | null {
  if (error instanceof EvolveFailure) return error.failure;
  if (error instanceof ApplicationError && FATAL_CODES.has(error.code)) {
    const details = (error.details ?? {}) as { position?: unknown; type?: unknown };
    return {
      message: error.message,
      position: typeof details.position === 'string' ? details.position : undefined,
      eventType: typeof details.type === 'string' ? details.type : undefined,
    };
  }
  return null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Events from the start to a position, where positions count events (SQLite, memory). */
function countFromStart(position: Position): number {
  return distance(START, position) ?? 0;
}
