/**
 * Read models: documents queried with MongoDB filter, sort, projection and aggregation syntax.
 * Tenancy is enforced inside the adapter: a query through `forTenant(t)` can only ever see
 * documents of tenant t, whatever filter or pipeline it passes.
 */

/** Every read-model document: an id unique inside its tenant and collection, and its tenant. */
export interface Doc {
  readonly id: string;
  readonly tenantId: string;
  /** Global position of the last event applied to this document (idempotent replays). */
  readonly _pos?: string;
  readonly [field: string]: unknown;
}

export type Filter = Readonly<Record<string, unknown>>;
export type SortSpec = Readonly<Record<string, 1 | -1>>;
export type Pipeline = readonly Readonly<Record<string, unknown>>[];

export interface FindOptions {
  readonly sort?: SortSpec;
  readonly skip?: number;
  readonly limit?: number;
  /** Inclusion (1) or exclusion (0) of fields, MongoDB style. */
  readonly projection?: Readonly<Record<string, 0 | 1>>;
}

export interface IndexSpec {
  readonly keys: Readonly<Record<string, 1 | -1>>;
  readonly unique?: boolean;
  readonly name?: string;
}

/** One collection as seen by one tenant. */
export interface ReadCollection<T extends Doc = Doc> {
  find(filter?: Filter, options?: FindOptions): Promise<T[]>;
  findOne(filter: Filter): Promise<T | null>;
  get(id: string): Promise<T | null>;
  count(filter?: Filter): Promise<number>;
  /** At least $match, $group, $sort, $project, $skip, $limit, $count. The tenant $match is prepended. */
  aggregate<R = Record<string, unknown>>(pipeline: Pipeline): Promise<R[]>;
  /** Inserts or replaces the document with this id; its tenantId is forced to the scope's tenant. */
  upsert(doc: Omit<T, 'tenantId'> & { tenantId?: string }): Promise<void>;
  delete(id: string): Promise<void>;
}

export interface TenantReadStore {
  readonly tenantId: string;
  collection<T extends Doc = Doc>(name: string): ReadCollection<T>;
}

/** A write of a projection runner batch; each names its tenant explicitly. */
export type WriteOp =
  | { readonly kind: 'upsert'; readonly doc: Doc }
  | { readonly kind: 'delete'; readonly tenantId: string; readonly id: string };

export interface DocKey {
  readonly tenantId: string;
  readonly id: string;
}

export const READ_STORE = Symbol('ReadStore');

export interface ReadStore {
  /** The only way to query: scoped to one tenant. */
  forTenant(tenantId: string): TenantReadStore;
  /** Projection runners: load documents by (tenant, id) across tenants. Missing ones are absent from the map. */
  loadMany(collection: string, keys: readonly DocKey[]): Promise<Map<string, Doc>>;
  /** Projection runners: apply a batch of writes, then record `meta` entries (checkpoints) after them. */
  bulkWrite(collection: string, ops: readonly WriteOp[], meta?: Readonly<Record<string, unknown>>): Promise<void>;
  ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void>;
  dropCollection(collection: string): Promise<void>;
  listCollections(): Promise<string[]>;
  /** Small system records (projection checkpoints, active collection names), not tenant-scoped. */
  getMeta<V = unknown>(key: string): Promise<V | null>;
  setMeta(key: string, value: unknown): Promise<void>;
  /** Persists what can be persisted (the memory store writes its snapshot); a no-op where writes are durable. */
  flush(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Key of a document in `loadMany` results. */
export const docKey = (tenantId: string, id: string): string => `${tenantId}\u001f${id}`;
