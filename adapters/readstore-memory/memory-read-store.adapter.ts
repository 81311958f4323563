import { createHash } from 'node:crypto';
import { types } from 'node:util';
import { Query, aggregate as mingoAggregate, find as mingoFind } from 'mingo';
import { DataFileError, DuplicateKeyError } from '../../application/errors';
import {
  type Doc,
  type DocKey,
  type Filter,
  type FindOptions,
  type IndexSpec,
  type Pipeline,
  type ReadCollection,
  type ReadStore,
  type TenantReadStore,
  type WriteOp,
  docKey,
} from '../../application/ports/read-store.port';
import { assertDocId, assertNoForbiddenOperators, assertTenantId } from '../readstore-shared/read-store-guards';
import { canonicalJson, cloneJson } from './json-clone';
import { OrderedIndex, isOrderedSpec, planWalk, runWalk } from './ordered-index';
import { readSnapshotFile, writeSnapshotFile } from './snapshot-file';

export interface MemoryReadStoreOptions {
  /** Where `flush()` writes the snapshot and `open()` restores it from; no file means memory only. */
  readonly snapshotFile?: string;
}

/** mingo's own object type (`mingo/types` is not reachable with this repo's `node` module resolution). */
type AnyObject = Record<string, unknown>;
type TenantDocs = Map<string, Doc>;
type CollectionDocs = Map<string, TenantDocs>;

/** A unique index: per tenant, the canonical key of the indexed values → the id that holds it. */
interface UniqueIndex {
  readonly name: string;
  readonly fields: readonly string[];
  readonly byTenant: Map<string, Map<string, string>>;
}

interface CollectionState {
  readonly docs: CollectionDocs;
  readonly indexes: IndexSpec[];
  readonly unique: UniqueIndex[];
  /** Indexes whose keys end with `id`: sorted finds walk them (see ordered-index.ts). */
  readonly ordered: OrderedIndex[];
}

/** Snapshot payload; `indexes` lets a restored store keep enforcing unique indexes before projections re-declare them. */
interface SnapshotV1 {
  readonly format: 1;
  readonly collections: Map<string, CollectionDocs>;
  readonly meta: Map<string, unknown>;
  readonly indexes?: Map<string, IndexSpec[]>;
}

/**
 * mingo's `$count` emits `{ n: 0 }` for no input, MongoDB emits nothing. Rewriting it as MongoDB
 * documents it (`$group` by null, then drop `_id`) gives MongoDB's answer, also inside `$facet`.
 */
function mongoCompatiblePipeline(pipeline: Pipeline): AnyObject[] {
  return pipeline.flatMap((stage): AnyObject[] => {
    if (typeof stage.$count === 'string') {
      return [{ $group: { _id: null, [stage.$count]: { $sum: 1 } } }, { $project: { _id: 0 } }];
    }
    if (stage.$facet && typeof stage.$facet === 'object') {
      const facets = Object.entries(stage.$facet as Record<string, Pipeline>).map(([name, sub]) => [
        name,
        mongoCompatiblePipeline(sub),
      ]);
      return [{ ...stage, $facet: Object.fromEntries(facets) }];
    }
    return [stage as AnyObject];
  });
}

/** MongoDB's default index name; the tenant key is part of every index, as in the MongoDB adapter. */
function indexName(spec: IndexSpec): string {
  if (spec.name) return spec.name;
  const keys: Record<string, 1 | -1> = { tenantId: 1, ...spec.keys };
  return Object.entries(keys)
    .map(([field, dir]) => `${field}_${dir}`)
    .join('_');
}

function readPath(doc: Doc, field: string): unknown {
  let value: unknown = doc;
  for (const part of field.split('.')) {
    if (value === null || typeof value !== 'object') return null;
    value = (value as Record<string, unknown>)[part];
  }
  return value === undefined ? null : value;
}

/** A missing field counts as null, as in MongoDB unique indexes. */
function uniqueKey(index: UniqueIndex, doc: Doc): string {
  return canonicalJson(index.fields.map((field) => readPath(doc, field)));
}

/**
 * The embedded read store: documents in memory, partitioned by collection and tenant, queried with
 * mingo. Returned documents are always copies. Documents handed to `bulkWrite` are stored as they
 * are: ownership passes to the store, and the caller must not mutate them afterwards (the projection
 * runner builds fresh objects per write, which keeps million-write rebuilds cheap).
 */
export class MemoryReadStore implements ReadStore {
  private readonly collections = new Map<string, CollectionState>();
  private meta = new Map<string, unknown>();
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly options: MemoryReadStoreOptions = {}) {}

  /** Restores from the snapshot file if there is one; a file that cannot be trusted stops the boot, untouched. */
  static async open(options: MemoryReadStoreOptions = {}): Promise<MemoryReadStore> {
    const store = new MemoryReadStore(options);
    if (options.snapshotFile) {
      const snapshot = await readSnapshotFile(options.snapshotFile);
      if (snapshot !== null) store.restore(options.snapshotFile, snapshot);
    }
    return store;
  }

  forTenant(tenantId: string): TenantReadStore {
    assertTenantId(tenantId);
    return {
      tenantId,
      collection: <T extends Doc = Doc>(name: string) => new MemoryCollection<T>(this, name, tenantId),
    };
  }

  async loadMany(collection: string, keys: readonly DocKey[]): Promise<Map<string, Doc>> {
    const result = new Map<string, Doc>();
    const docs = this.collections.get(collection)?.docs;
    if (!docs) return result;
    for (const { tenantId, id } of keys) {
      const doc = docs.get(tenantId)?.get(id);
      if (doc) result.set(docKey(tenantId, id), cloneJson(doc));
    }
    return result;
  }

  async bulkWrite(collection: string, ops: readonly WriteOp[], meta?: Readonly<Record<string, unknown>>): Promise<void> {
    const state = this.stateFor(collection);
    for (const op of ops) {
      switch (op.kind) {
        case 'upsert':
          assertDocId(op.doc.id);
          assertTenantId(op.doc.tenantId);
          this.put(collection, state, op.doc.tenantId, op.doc);
          break;
        case 'delete':
          this.remove(state, op.tenantId, op.id);
          break;
        default: {
          const unknownOp: never = op;
          throw new TypeError(`Unknown write op ${JSON.stringify(unknownOp)}`);
        }
      }
    }
    if (meta) {
      for (const [key, value] of Object.entries(meta)) this.meta.set(key, cloneJson(value));
    }
  }

  async ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    const state = this.stateFor(collection);
    for (const spec of indexes) {
      const name = indexName(spec);
      const existing = state.indexes.find((index) => indexName(index) === name);
      if (existing) {
        if (canonicalJson(existing.keys) !== canonicalJson(spec.keys) || !!existing.unique !== !!spec.unique) {
          throw new TypeError(`Index ${name} on ${collection} already exists with other keys or options`);
        }
        continue;
      }
      if (spec.unique) state.unique.push(this.buildUnique(collection, state, name, Object.keys(spec.keys)));
      if (isOrderedSpec(spec)) state.ordered.push(new OrderedIndex(spec));
      state.indexes.push({ keys: { ...spec.keys }, unique: !!spec.unique, name });
    }
  }

  async dropCollection(collection: string): Promise<void> {
    this.collections.delete(collection);
  }

  async listCollections(): Promise<string[]> {
    return [...this.collections.keys()].sort();
  }

  async getMeta<V = unknown>(key: string): Promise<V | null> {
    return this.meta.has(key) ? cloneJson(this.meta.get(key) as V) : null;
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    this.meta.set(key, cloneJson(value));
  }

  /** Writes the snapshot (when a file is configured); calls are serialized so two flushes never interleave. */
  flush(): Promise<void> {
    const file = this.options.snapshotFile;
    if (!file) return Promise.resolve();
    const run = this.flushing.then(() => writeSnapshotFile(file, this.snapshot()));
    this.flushing = run.catch(() => undefined);
    return run;
  }

  async ping(): Promise<void> {
    return;
  }

  /** Waits for a running flush; it does not flush by itself, the composition root decides when to persist. */
  async close(): Promise<void> {
    await this.flushing;
  }

  /**
   * SHA-256 over every collection, tenant and document (all fields, `_pos` included) in a canonical
   * order, so a store restored from a snapshot can be compared with one rebuilt from the events.
   * Meta entries are not part of it.
   */
  digest(): string {
    const hash = createHash('sha256');
    for (const name of [...this.collections.keys()].sort()) {
      hash.update(`C${JSON.stringify(name)}\n`);
      const docs = this.collections.get(name)!.docs;
      for (const tenantId of [...docs.keys()].sort()) {
        const tenant = docs.get(tenantId)!;
        if (tenant.size === 0) continue;
        hash.update(`T${JSON.stringify(tenantId)}\n`);
        for (const id of [...tenant.keys()].sort()) hash.update(`${canonicalJson(tenant.get(id))}\n`);
      }
    }
    return hash.digest('hex');
  }

  /** The tenant's documents as stored (not copies); callers inside this module copy what they return. */
  tenantDocs(collection: string, tenantId: string): TenantDocs | undefined {
    return this.collections.get(collection)?.docs.get(tenantId);
  }

  /** The ordered indexes of a collection (empty when it has none). */
  orderedIndexes(collection: string): readonly OrderedIndex[] {
    return this.collections.get(collection)?.ordered ?? [];
  }

  /** Scoped single-document write used by `ReadCollection.upsert`: the document is already a private copy. */
  upsertFor(collection: string, tenantId: string, doc: Doc): void {
    this.put(collection, this.stateFor(collection), tenantId, doc);
  }

  deleteFor(collection: string, tenantId: string, id: string): void {
    const state = this.collections.get(collection);
    if (state) this.remove(state, tenantId, id);
  }

  private stateFor(collection: string): CollectionState {
    let state = this.collections.get(collection);
    if (!state) {
      state = { docs: new Map(), indexes: [], unique: [], ordered: [] };
      this.collections.set(collection, state);
    }
    return state;
  }

  private put(collection: string, state: CollectionState, tenantId: string, doc: Doc): void {
    let tenant = state.docs.get(tenantId);
    if (!tenant) {
      tenant = new Map();
      state.docs.set(tenantId, tenant);
    }
    const previous = tenant.get(doc.id);
    if (state.unique.length > 0) this.reindexUnique(collection, state, tenantId, previous, doc);
    tenant.set(doc.id, doc);
    for (const index of state.ordered) index.update(tenantId, previous, doc);
  }

  private remove(state: CollectionState, tenantId: string, id: string): void {
    const tenant = state.docs.get(tenantId);
    const previous = tenant?.get(id);
    if (!tenant || !previous) return;
    for (const index of state.unique) {
      const keys = index.byTenant.get(tenantId);
      const key = uniqueKey(index, previous);
      if (keys?.get(key) === id) keys.delete(key);
    }
    tenant.delete(id);
    for (const index of state.ordered) index.update(tenantId, previous, undefined);
    if (tenant.size === 0) state.docs.delete(tenantId);
  }

  /** Checks every unique index before changing any, so a rejected write leaves the store as it was. */
  private reindexUnique(collection: string, state: CollectionState, tenantId: string, previous: Doc | undefined, doc: Doc): void {
    const keys = state.unique.map((index) => uniqueKey(index, doc));
    state.unique.forEach((index, i) => {
      const holder = index.byTenant.get(tenantId)?.get(keys[i]);
      if (holder !== undefined && holder !== doc.id) throw new DuplicateKeyError(collection, index.name, keys[i]);
    });
    state.unique.forEach((index, i) => {
      let tenantKeys = index.byTenant.get(tenantId);
      if (!tenantKeys) {
        tenantKeys = new Map();
        index.byTenant.set(tenantId, tenantKeys);
      }
      if (previous) {
        const oldKey = uniqueKey(index, previous);
        if (oldKey !== keys[i] && tenantKeys.get(oldKey) === doc.id) tenantKeys.delete(oldKey);
      }
      tenantKeys.set(keys[i], doc.id);
    });
  }

  private buildUnique(collection: string, state: CollectionState, name: string, fields: readonly string[]): UniqueIndex {
    const index: UniqueIndex = { name, fields, byTenant: new Map() };
    for (const [tenantId, tenant] of state.docs) {
      const keys = new Map<string, string>();
      for (const doc of tenant.values()) {
        const key = uniqueKey(index, doc);
        if (keys.has(key)) throw new DuplicateKeyError(collection, name, key);
        keys.set(key, doc.id);
      }
      index.byTenant.set(tenantId, keys);
    }
    return index;
  }

  private snapshot(): SnapshotV1 {
    const collections = new Map<string, CollectionDocs>();
    const indexes = new Map<string, IndexSpec[]>();
    for (const [name, state] of this.collections) {
      collections.set(name, state.docs);
      indexes.set(name, state.indexes);
    }
    return { format: 1, collections, meta: this.meta, indexes };
  }

  private restore(file: string, value: unknown): void {
    // `types.isMap`, not `instanceof`: deserialized maps may come from another realm (a jest VM context).
    const snapshot = value as Partial<SnapshotV1> | null;
    if (!snapshot || typeof snapshot !== 'object' || snapshot.format !== 1) {
      throw new DataFileError(file, `unknown snapshot format ${JSON.stringify((snapshot as { format?: unknown })?.format)}`);
    }
    if (!types.isMap(snapshot.collections) || !types.isMap(snapshot.meta)) {
      throw new DataFileError(file, 'the snapshot has no collections or meta maps');
    }
    for (const [name, docs] of snapshot.collections) {
      if (!types.isMap(docs) || [...docs.values()].some((tenant) => !types.isMap(tenant))) {
        throw new DataFileError(file, `collection ${name} is malformed`);
      }
      this.collections.set(name, { docs, indexes: [], unique: [], ordered: [] });
    }
    this.meta = snapshot.meta;
    if (snapshot.indexes !== undefined && !types.isMap(snapshot.indexes)) {
      throw new DataFileError(file, 'the snapshot index list is malformed');
    }
    for (const [name, specs] of snapshot.indexes ?? new Map<string, IndexSpec[]>()) {
      const state = this.stateFor(name);
      for (const spec of specs) {
        const indexNameOf = indexName(spec);
        try {
          if (spec.unique) state.unique.push(this.buildUnique(name, state, indexNameOf, Object.keys(spec.keys)));
          if (isOrderedSpec(spec)) state.ordered.push(new OrderedIndex(spec));
        } catch {
          throw new DataFileError(file, `collection ${name} breaks its unique index ${indexNameOf}`);
        }
        state.indexes.push(spec);
      }
    }
  }
}

/** One collection seen by one tenant: every read and write goes through the tenant's own partition. */
class MemoryCollection<T extends Doc> implements ReadCollection<T> {
  constructor(
    private readonly store: MemoryReadStore,
    private readonly name: string,
    private readonly tenantId: string,
  ) {}

  async find(filter: Filter = {}, options: FindOptions = {}): Promise<T[]> {
    assertNoForbiddenOperators(filter);
    if (options.sort) {
      const found = this.findByIndex(filter, options);
      if (found) return found;
    }
    const docs = this.docs();
    if (docs.length === 0) return [];
    const cursor = mingoFind(docs, filter as AnyObject, options.projection as AnyObject | undefined);
    if (options.sort) cursor.sort(options.sort as AnyObject);
    if (options.skip) cursor.skip(options.skip);
    if (options.limit) cursor.limit(options.limit);
    return cursor.all().map((doc) => cloneJson(doc) as T);
  }

  /**
   * A sorted find through an ordered index (see ordered-index.ts): the same documents in the same
   * order as mingo would give, visiting only the index range. Null when no index fits.
   */
  private findByIndex(filter: Filter, options: FindOptions): T[] | null {
    const walk = planWalk(this.store.orderedIndexes(this.name), filter, options.sort ?? {});
    if (!walk) return null;
    const query = new Query(filter as AnyObject);
    let toSkip = options.skip ?? 0;
    const limit = options.limit ?? Infinity;
    const found: Doc[] = [];
    const served = runWalk(walk, this.tenantId, () => this.store.tenantDocs(this.name, this.tenantId)?.values() ?? [], (doc) => {
      if (!query.test(doc)) return true;
      if (toSkip > 0) {
        toSkip--;
        return true;
      }
      found.push(doc);
      return found.length < limit;
    });
    if (!served) return null;
    const shaped = options.projection ? mingoFind(found, {}, options.projection as AnyObject).all() : found;
    return shaped.map((doc) => cloneJson(doc) as T);
  }

  async findOne(filter: Filter): Promise<T | null> {
    const [first] = await this.find(filter, { limit: 1 });
    return first ?? null;
  }

  async get(id: string): Promise<T | null> {
    const doc = this.store.tenantDocs(this.name, this.tenantId)?.get(id);
    return doc ? (cloneJson(doc) as T) : null;
  }

  async count(filter: Filter = {}): Promise<number> {
    assertNoForbiddenOperators(filter);
    const tenant = this.store.tenantDocs(this.name, this.tenantId);
    if (!tenant) return 0;
    if (Object.keys(filter).length === 0) return tenant.size;
    const query = new Query(filter as AnyObject);
    let n = 0;
    for (const doc of tenant.values()) if (query.test(doc)) n++;
    return n;
  }

  async aggregate<R = Record<string, unknown>>(pipeline: Pipeline): Promise<R[]> {
    assertNoForbiddenOperators(pipeline);
    return mingoAggregate(this.docs(), mongoCompatiblePipeline(pipeline)).map((row) => cloneJson(row) as R);
  }

  async upsert(doc: Omit<T, 'tenantId'> & { tenantId?: string }): Promise<void> {
    assertDocId(doc.id);
    this.store.upsertFor(this.name, this.tenantId, { ...cloneJson(doc), tenantId: this.tenantId } as unknown as Doc);
  }

  async delete(id: string): Promise<void> {
    this.store.deleteFor(this.name, this.tenantId, id);
  }

  private docs(): Doc[] {
    const tenant = this.store.tenantDocs(this.name, this.tenantId);
    return tenant ? Array.from(tenant.values()) : [];
  }
}
