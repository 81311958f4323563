import type { Doc, Filter, IndexSpec, SortSpec } from '../../application/ports/read-store.port';

/**
 * Ordered indexes for the memory read store, so that a sorted, limited `find` over a large tenant
 * walks a few entries instead of filtering and sorting every document, as MongoDB does with the
 * same declared index. Only indexes whose last key is `id` are ordered indexes: `id` makes the order
 * total, so a walk returns exactly what mingo's stable sort would.
 *
 * An index serves a find when the filter fixes a prefix of its keys by equality (top-level or in a
 * top-level `$and`) and the sort names the rest of its keys, all in the index's directions or all
 * reversed. A keyset conjunct `$or: [{a: {$gt: x}}, {a: x, b: {$gt: y}}, ...]` on the sort keys (the
 * range-pagination cursor) becomes a seek. The walk still tests every entry it visits against the
 * whole filter with mingo: the index only decides where to start, where to stop and in what order.
 *
 * Index entries are kept per tenant, built on the first query that uses them and maintained on
 * every write after that. A field holding arrays makes the index multikey (one entry per element);
 * a multikey index serves only finds that fix that field by equality. Values other than strings,
 * numbers, booleans, null and missing (objects, parallel arrays) make the index unusable for that
 * tenant; the find then falls back to mingo.
 */

type Dir = 1 | -1;

interface IndexKey {
  readonly field: string;
  readonly path: readonly string[];
  readonly dir: Dir;
}

/** A multikey entry: the document and one element of its array field. */
interface MultiEntry {
  readonly d: Doc;
  readonly v: unknown;
}

interface TenantEntries {
  /** Sorted by the index keys. Plain documents, or MultiEntry when `arrayKey` >= 0. */
  readonly entries: (Doc | MultiEntry)[];
  readonly arrayKey: number;
}

type Primitive = string | number | boolean;

const isPrimitive = (v: unknown): v is Primitive => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const isScalar = (v: unknown): boolean => v === undefined || v === null || isPrimitive(v);

/**
 * The sort order mingo's `$sort` gives (and MongoDB's): missing and null alike, then numbers,
 * strings, booleans.
 */
function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 2;
  switch (typeof v) {
    case 'number':
      return 3;
    case 'string':
      return 4;
    default:
      return 9;
  }
}

export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const ta = typeRank(a);
  const tb = typeRank(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (ta === 2) return 0;
  return (a as Primitive) < (b as Primitive) ? -1 : (a as Primitive) > (b as Primitive) ? 1 : 0;
}

function valueAt(doc: Doc, key: IndexKey): unknown {
  if (key.path.length === 1) return doc[key.field];
  let value: unknown = doc;
  for (const part of key.path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Whether a spec makes an ordered index: its keys end with `id`. */
export const isOrderedSpec = (spec: IndexSpec): boolean => Object.keys(spec.keys).at(-1) === 'id';

/** The index has no usable shape for a tenant's documents: queries fall back to mingo. */
const UNUSABLE = 'unusable' as const;

export class OrderedIndex {
  readonly keys: readonly IndexKey[];
  private readonly tenants = new Map<string, TenantEntries | typeof UNUSABLE>();

  constructor(spec: IndexSpec) {
    this.keys = Object.entries(spec.keys).map(([field, dir]) => ({ field, path: field.split('.'), dir }));
  }

  /** Forgets a tenant's entries; the next query that needs them rebuilds them. */
  invalidate(tenantId: string): void {
    this.tenants.delete(tenantId);
  }

  /** Keeps built entries in step with a write (`previous` replaced by `next`; either may be absent). */
  update(tenantId: string, previous: Doc | undefined, next: Doc | undefined): void {
    const built = this.tenants.get(tenantId);
    if (built === undefined) return;
    if (built === UNUSABLE) {
      this.tenants.delete(tenantId);
      return;
    }
    if (previous) {
      for (const entry of this.entriesOf(previous, built.arrayKey) ?? []) this.removeEntry(built, entry, previous);
    }
    if (next) {
      const entries = this.entriesOf(next, built.arrayKey);
      if (entries === null) {
        this.tenants.delete(tenantId);
        return;
      }
      for (const entry of entries) built.entries.splice(this.bound(built, entry, false), 0, entry);
    }
  }

  /** The tenant's entries, built now if needed; null when the documents do not fit an ordered index. */
  entriesFor(tenantId: string, docs: () => Iterable<Doc>): TenantEntries | null {
    let built = this.tenants.get(tenantId);
    if (built === undefined) {
      built = this.build(docs());
      this.tenants.set(tenantId, built);
    }
    return built === UNUSABLE ? null : built;
  }

  private build(docs: Iterable<Doc>): TenantEntries | typeof UNUSABLE {
    const all = [...docs];
    let arrayKey = -1;
    for (const doc of all) {
      for (let k = 0; k < this.keys.length; k++) {
        const value = valueAt(doc, this.keys[k]);
        if (Array.isArray(value)) {
          if (arrayKey !== -1 && arrayKey !== k) return UNUSABLE;
          arrayKey = k;
        } else if (!isScalar(value)) {
          return UNUSABLE;
        }
      }
    }
    const entries: (Doc | MultiEntry)[] = [];
    for (const doc of all) {
      const own = this.entriesOf(doc, arrayKey);
      if (own === null) return UNUSABLE;
      entries.push(...own);
    }
    const tenant: TenantEntries = { entries, arrayKey };
    entries.sort((a, b) => this.compareEntries(tenant, a, b));
    return tenant;
  }

  /**
   * The entries of one document: itself, or one per distinct element of its array field (none for
   * an empty array: such a document never matches the equality a multikey walk needs). Null when
   * it does not fit the tenant's shape.
   */
  private entriesOf(doc: Doc, arrayKey: number): (Doc | MultiEntry)[] | null {
    for (let k = 0; k < this.keys.length; k++) {
      const value = valueAt(doc, this.keys[k]);
      if (k === arrayKey) continue;
      if (!isScalar(value)) return null;
    }
    if (arrayKey === -1) return [doc];
    const value = valueAt(doc, this.keys[arrayKey]);
    const elements = Array.isArray(value) ? [...new Set(value)] : [value];
    if (!elements.every(isScalar)) return null;
    return elements.map((v) => ({ d: doc, v }));
  }

  keyOf(tenant: TenantEntries, entry: Doc | MultiEntry, k: number): unknown {
    if (tenant.arrayKey === -1) return valueAt(entry as Doc, this.keys[k]);
    const multi = entry as MultiEntry;
    return k === tenant.arrayKey ? multi.v : valueAt(multi.d, this.keys[k]);
  }

  docOf(tenant: TenantEntries, entry: Doc | MultiEntry): Doc {
    return tenant.arrayKey === -1 ? (entry as Doc) : (entry as MultiEntry).d;
  }

  private compareEntries(tenant: TenantEntries, a: Doc | MultiEntry, b: Doc | MultiEntry): number {
    for (let k = 0; k < this.keys.length; k++) {
      const c = compareValues(this.keyOf(tenant, a, k), this.keyOf(tenant, b, k));
      if (c !== 0) return c * this.keys[k].dir;
    }
    return 0;
  }

  /** First position whose entry is not before `entry` (`after`: first position strictly after it). */
  private bound(tenant: TenantEntries, entry: Doc | MultiEntry, after: boolean): number {
    let lo = 0;
    let hi = tenant.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.compareEntries(tenant, tenant.entries[mid], entry);
      if (c < 0 || (after && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private removeEntry(tenant: TenantEntries, entry: Doc | MultiEntry, doc: Doc): void {
    for (let i = this.bound(tenant, entry, false); i < tenant.entries.length; i++) {
      const candidate = tenant.entries[i];
      if (this.compareEntries(tenant, candidate, entry) !== 0) return;
      if (this.docOf(tenant, candidate) === doc) {
        tenant.entries.splice(i, 1);
        return;
      }
    }
  }

  /**
   * First position whose first `values.length` keys compare at or after `values` (`after`:
   * strictly after) in the index order.
   */
  prefixBound(tenant: TenantEntries, values: readonly unknown[], after: boolean): number {
    let lo = 0;
    let hi = tenant.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      let c = 0;
      for (let k = 0; k < values.length && c === 0; k++) {
        c = compareValues(this.keyOf(tenant, tenant.entries[mid], k), values[k]) * this.keys[k].dir;
      }
      if (c < 0 || (after && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** How a find walks an index: the range its equalities fix, where the keyset starts, which way. */
export interface IndexWalk {
  readonly index: OrderedIndex;
  /** Values of the leading keys fixed by equality. */
  readonly equal: readonly Primitive[];
  /** Values of the following keys the keyset cursor is strictly after, in the sort's order. */
  readonly after: readonly Primitive[];
  /** 1: walk in index order; -1: walk backwards. */
  readonly direction: Dir;
  /** The fields the find sorts on (an array field among them orders by whole arrays: no walk). */
  readonly sorted: ReadonlySet<string>;
}

/** The top-level conjuncts of a filter, `$and` flattened. */
function conjuncts(filter: Filter): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const sub of value) {
        if (sub !== null && typeof sub === 'object' && !Array.isArray(sub)) out.push(...conjuncts(sub as Filter));
        else out.push([key, value]);
      }
    } else {
      out.push([key, value]);
    }
  }
  return out;
}

/**
 * Reads a keyset conjunct over `fields` (in the sort's directions): branch i fixes fields[0..i) by
 * equality and bounds fields[i] with `$gt` (ascending) or `$lt` (descending). Returns the cursor
 * values, or null when the `$or` is not exactly that shape.
 */
function keysetValues(branches: unknown, fields: readonly { field: string; dir: Dir }[]): Primitive[] | null {
  if (!Array.isArray(branches) || branches.length === 0 || branches.length > fields.length) return null;
  const values: Primitive[] = [];
  for (let i = 0; i < branches.length; i++) {
    const branch = branches[i] as Record<string, unknown>;
    if (branch === null || typeof branch !== 'object' || Object.keys(branch).length !== i + 1) return null;
    const range = branch[fields[i].field] as Record<string, unknown> | undefined;
    const op = fields[i].dir === 1 ? '$gt' : '$lt';
    if (range === null || typeof range !== 'object' || Object.keys(range).length !== 1 || !isPrimitive(range[op])) return null;
    values.push(range[op] as Primitive);
  }
  for (let i = 1; i < branches.length; i++) {
    const branch = branches[i] as Record<string, unknown>;
    for (let t = 0; t < i; t++) if (branch[fields[t].field] !== values[t]) return null;
  }
  return values;
}

/** The best walk for a sorted find, or null when no ordered index fits (mingo then filters and sorts). */
export function planWalk(indexes: readonly OrderedIndex[], filter: Filter, sort: SortSpec): IndexWalk | null {
  const parts = conjuncts(filter);
  const equalities = new Map<string, Primitive>();
  for (const [key, value] of parts) if (!key.startsWith('$') && isPrimitive(value)) equalities.set(key, value);
  const sortKeys = Object.entries(sort).map(([field, dir]) => ({ field, dir: dir as Dir }));
  let best: IndexWalk | null = null;
  for (const index of indexes) {
    let fixed = 0;
    while (fixed < index.keys.length && equalities.has(index.keys[fixed].field)) fixed++;
    const rest = index.keys.slice(fixed);
    const fixedFields = new Set(index.keys.slice(0, fixed).map((k) => k.field));
    const ordered = sortKeys.filter((s) => !fixedFields.has(s.field));
    if (ordered.length !== rest.length || rest.length === 0) continue;
    if (!ordered.every((s, i) => s.field === rest[i].field)) continue;
    const direction = (ordered[0].dir * rest[0].dir) as Dir;
    if (!ordered.every((s, i) => s.dir * rest[i].dir === direction)) continue;
    let after: Primitive[] = [];
    for (const [key, value] of parts) {
      if (key !== '$or') continue;
      const values = keysetValues(value, ordered);
      if (values && values.length > after.length) after = values;
    }
    const equal = index.keys.slice(0, fixed).map((k) => equalities.get(k.field) as Primitive);
    const walk: IndexWalk = { index, equal, after, direction, sorted: new Set(sortKeys.map((k) => k.field)) };
    // More fixed keys narrow the range more; a longer keyset seeks closer.
    if (!best || equal.length + after.length > best.equal.length + best.after.length) best = walk;
  }
  return best;
}

/**
 * Visits the documents of a walk in the sort's order; `visit` returns false to stop. Returns false
 * without visiting anything when the index cannot serve this tenant (the caller falls back to mingo).
 * A multikey walk fixes the array field by equality, so each document is visited at most once.
 */
export function runWalk(walk: IndexWalk, tenantId: string, docs: () => Iterable<Doc>, visit: (doc: Doc) => boolean): boolean {
  const { index, equal, after, direction } = walk;
  const tenant = index.entriesFor(tenantId, docs);
  if (!tenant) return false;
  if (tenant.arrayKey !== -1 && (tenant.arrayKey >= equal.length || walk.sorted.has(index.keys[tenant.arrayKey].field))) return false;
  const low = index.prefixBound(tenant, equal, false);
  const high = index.prefixBound(tenant, equal, true);
  const seek = [...equal, ...after];
  if (direction === 1) {
    const start = after.length > 0 ? index.prefixBound(tenant, seek, true) : low;
    for (let i = start; i < high; i++) if (!visit(index.docOf(tenant, tenant.entries[i]))) break;
  } else {
    const start = after.length > 0 ? index.prefixBound(tenant, seek, false) - 1 : high - 1;
    for (let i = start; i >= low; i--) if (!visit(index.docOf(tenant, tenant.entries[i]))) break;
  }
  return true;
}
