import { type AnyBulkWriteOperation, type Collection, type Db, type Document, MongoClient, MongoServerError } from 'mongodb';
import { DuplicateKeyError } from '../../application/errors';
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

/** A read-model document as stored: `_id` is the tenant-qualified id, never shown to callers. */
interface StoredDoc extends Document {
  _id: string;
  tenantId: string;
  id: string;
}

interface MetaDoc extends Document {
  _id: string;
  value: unknown;
}

const META_COLLECTION = '_meta';
const DUPLICATE_KEY = 11000;
const NAMESPACE_NOT_FOUND = 26;
const NAMESPACE_EXISTS = 48;
const LOAD_CHUNK = 5000;
/** Hides the storage `_id` from every result. */
const HIDE_ID = { _id: 0 } as const;

const storedId = (tenantId: string, id: string): string => docKey(tenantId, id);

/** Every index leads with the tenant, because every query is scoped by it. */
function indexKeys(spec: IndexSpec): Record<string, 1 | -1> {
  return { tenantId: 1, ...spec.keys };
}

function indexName(spec: IndexSpec): string {
  return (
    spec.name ??
    Object.entries(indexKeys(spec))
      .map(([field, dir]) => `${field}_${dir}`)
      .join('_')
  );
}

/** The tenant condition is ANDed with the caller's filter, so no condition of the caller can widen it. */
function scoped(tenantId: string, filter: Filter | undefined): Document {
  assertNoForbiddenOperators(filter);
  return filter && Object.keys(filter).length > 0 ? { $and: [{ tenantId }, filter] } : { tenantId };
}

/** Turns MongoDB's E11000 into the port's DuplicateKeyError; other errors pass through unchanged. */
function translateError(collection: string, error: unknown): unknown {
  if (!(error instanceof MongoServerError) || error.code !== DUPLICATE_KEY) return error;
  const text = String(error.errmsg ?? error.message);
  const match = /index: (\S+) dup key: (.*)$/.exec(text);
  return new DuplicateKeyError(collection, match?.[1] ?? 'unknown', match?.[2] ?? text);
}

async function translating<R>(collection: string, work: () => Promise<R>): Promise<R> {
  try {
    return await work();
  } catch (error) {
    throw translateError(collection, error);
  }
}

/**
 * The production read store on MongoDB. Documents keep their `id` and `tenantId` fields; the stored
 * `_id` is `tenantId\u001fid` so one collection holds every tenant without id clashes, and it is
 * projected away from every result. Meta entries live in the `_meta` collection.
 */
export class MongoReadStore implements ReadStore {
  constructor(
    private readonly client: MongoClient,
    /** Exposed for test clean-up and operations tooling; queries go through `forTenant`. */
    readonly db: Db,
  ) {}

  /** `ignoreUndefined` keeps JSON semantics: an undefined field is absent, not stored as null. */
  static async connect(url: string, dbName: string): Promise<MongoReadStore> {
    const client = new MongoClient(url, { ignoreUndefined: true });
    await client.connect();
    return new MongoReadStore(client, client.db(dbName));
  }

  forTenant(tenantId: string): TenantReadStore {
    assertTenantId(tenantId);
    return {
      tenantId,
      collection: <T extends Doc = Doc>(name: string) => new MongoCollection<T>(this.docs(name), name, tenantId),
    };
  }

  async loadMany(collection: string, keys: readonly DocKey[]): Promise<Map<string, Doc>> {
    const result = new Map<string, Doc>();
    for (let start = 0; start < keys.length; start += LOAD_CHUNK) {
      const ids = keys.slice(start, start + LOAD_CHUNK).map((key) => storedId(key.tenantId, key.id));
      const found = await this.docs(collection).find({ _id: { $in: ids } }, { projection: HIDE_ID }).toArray();
      for (const doc of found) result.set(docKey(doc.tenantId, doc.id), doc as unknown as Doc);
    }
    return result;
  }

  /** Ordered, so a batch stops at its first failure like the memory store; meta is written only after every op. */
  async bulkWrite(collection: string, ops: readonly WriteOp[], meta?: Readonly<Record<string, unknown>>): Promise<void> {
    if (ops.length > 0) {
      const writes = ops.map((op): AnyBulkWriteOperation<StoredDoc> => {
        switch (op.kind) {
          case 'upsert': {
            assertDocId(op.doc.id);
            assertTenantId(op.doc.tenantId);
            const _id = storedId(op.doc.tenantId, op.doc.id);
            return { replaceOne: { filter: { _id }, replacement: { ...op.doc, _id }, upsert: true } };
          }
          case 'delete':
            return { deleteOne: { filter: { _id: storedId(op.tenantId, op.id) } } };
          default: {
            const unknownOp: never = op;
            throw new TypeError(`Unknown write op ${JSON.stringify(unknownOp)}`);
          }
        }
      });
      await translating(collection, () => this.docs(collection).bulkWrite(writes, { ordered: true }));
    }
    const entries = Object.entries(meta ?? {});
    if (entries.length > 0) {
      await this.meta().bulkWrite(
        entries.map(([key, value]) => ({ replaceOne: { filter: { _id: key }, replacement: { value }, upsert: true } })),
        { ordered: true },
      );
    }
  }

  async ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    if (indexes.length === 0) {
      // Like the memory store, declaring no index still makes the collection exist.
      try {
        await this.db.createCollection(collection);
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) throw error;
      }
      return;
    }
    await translating(collection, () =>
      this.docs(collection).createIndexes(
        indexes.map((spec) => ({ key: indexKeys(spec), name: indexName(spec), unique: !!spec.unique })),
      ),
    );
  }

  async dropCollection(collection: string): Promise<void> {
    try {
      await this.db.dropCollection(collection);
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND)) throw error;
    }
  }

  async listCollections(): Promise<string[]> {
    const infos = await this.db.listCollections({}, { nameOnly: true }).toArray();
    return infos
      .map((info) => info.name)
      .filter((name) => name !== META_COLLECTION && !name.startsWith('system.'))
      .sort();
  }

  async getMeta<V = unknown>(key: string): Promise<V | null> {
    const found = await this.meta().findOne({ _id: key });
    return found && found.value !== undefined ? (found.value as V) : null;
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    await this.meta().replaceOne({ _id: key }, { value }, { upsert: true });
  }

  /** Acknowledged MongoDB writes are already durable; nothing to do. */
  async flush(): Promise<void> {
    return;
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private docs(name: string): Collection<StoredDoc> {
    return this.db.collection<StoredDoc>(name);
  }

  private meta(): Collection<MetaDoc> {
    return this.db.collection<MetaDoc>(META_COLLECTION);
  }
}

/** One collection seen by one tenant: every query carries the tenant condition. */
class MongoCollection<T extends Doc> implements ReadCollection<T> {
  constructor(
    private readonly collection: Collection<StoredDoc>,
    private readonly name: string,
    private readonly tenantId: string,
  ) {}

  async find(filter?: Filter, options: FindOptions = {}): Promise<T[]> {
    const cursor = this.collection.find(scoped(this.tenantId, filter), {
      projection: { ...options.projection, ...HIDE_ID },
      sort: options.sort ? { ...options.sort } : undefined,
      skip: options.skip,
      limit: options.limit,
    });
    return (await cursor.toArray()) as unknown as T[];
  }

  async findOne(filter: Filter): Promise<T | null> {
    return (await this.collection.findOne(scoped(this.tenantId, filter), { projection: HIDE_ID })) as T | null;
  }

  async get(id: string): Promise<T | null> {
    const doc = await this.collection.findOne({ _id: storedId(this.tenantId, id) }, { projection: HIDE_ID });
    return doc as T | null;
  }

  async count(filter?: Filter): Promise<number> {
    return this.collection.countDocuments(scoped(this.tenantId, filter));
  }

  /** The tenant `$match` and the removal of the storage `_id` come first, so the caller's stages see what `find` sees. */
  async aggregate<R = Record<string, unknown>>(pipeline: Pipeline): Promise<R[]> {
    assertNoForbiddenOperators(pipeline);
    const stages: Document[] = [{ $match: { tenantId: this.tenantId } }, { $project: HIDE_ID }, ...pipeline];
    return (await this.collection.aggregate(stages).toArray()) as R[];
  }

  async upsert(doc: Omit<T, 'tenantId'> & { tenantId?: string }): Promise<void> {
    assertDocId(doc.id);
    const _id = storedId(this.tenantId, doc.id);
    const replacement = { ...doc, tenantId: this.tenantId, _id } as unknown as StoredDoc;
    await translating(this.name, () => this.collection.replaceOne({ _id }, replacement, { upsert: true }));
  }

  async delete(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: storedId(this.tenantId, id) });
  }
}
