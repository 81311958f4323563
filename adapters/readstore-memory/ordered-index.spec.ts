import type { Doc, Filter, SortSpec } from '../../application/ports/read-store.port';
import { MemoryReadStore } from './memory-read-store.adapter';
import { compareValues, OrderedIndex, planWalk } from './ordered-index';

/** A small deterministic generator, so that a failure replays. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const NAMES = ['ann', 'bob', 'cid', 'dee', 'Ann', 'éva', 'zoe', ''];
const GROUPS = ['g1', 'g2', 'g3'];

function makeDoc(rnd: () => number, i: number): Doc {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const doc: Record<string, unknown> = {
    id: `d${String(i).padStart(4, '0')}`,
    tenantId: 't',
    name: pick(NAMES),
    rank: Math.floor(rnd() * 4),
    group: pick(GROUPS),
    fans: rnd() < 0.3 ? [pick(['u1', 'u2', 'u3']), pick(['u1', 'u2'])] : [],
    visible: rnd() < 0.5,
  };
  if (rnd() < 0.2) delete doc.rank;
  if (rnd() < 0.1) doc.rank = null;
  return doc as Doc;
}

const INDEXES = [
  { keys: { name: 1, id: 1 } },
  { keys: { rank: -1, name: 1, id: 1 } },
  { keys: { group: 1, name: 1, id: 1 } },
  { keys: { fans: 1, name: 1, id: 1 } },
] as const;

async function twoStores(docs: readonly Doc[]): Promise<{ indexed: MemoryReadStore; plain: MemoryReadStore }> {
  const indexed = await MemoryReadStore.open();
  const plain = await MemoryReadStore.open();
  await indexed.ensureIndexes('c', INDEXES);
  for (const store of [indexed, plain]) await store.bulkWrite('c', docs.map((doc) => ({ kind: 'upsert' as const, doc: { ...doc } })));
  return { indexed, plain };
}

/** The keyset condition "strictly after this document" for a sort, as a range-pagination cursor. */
function keyset(sort: SortSpec, last: Doc): Filter {
  const fields = Object.entries(sort);
  return {
    $or: fields.map(([field, dir], i) => ({
      ...Object.fromEntries(fields.slice(0, i).map(([f]) => [f, last[f]])),
      [field]: { [dir === 1 ? '$gt' : '$lt']: last[field] },
    })),
  };
}

describe('ordered indexes of the memory read store', () => {
  it('orders values as mingo sorts them: missing and null alike, then numbers, strings, booleans', () => {
    const ordered = [null, 1, 2, 'B', 'a', 'b', false, true];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) expect(Math.sign(compareValues(ordered[i], ordered[j]))).toBe(Math.sign(i - j));
    }
    expect(compareValues(undefined, null)).toBe(0);
  });

  it('plans a walk only when equalities and the sort cover the index keys', () => {
    const indexes = INDEXES.map((spec) => new OrderedIndex(spec));
    expect(planWalk(indexes, {}, { name: 1, id: 1 })).toMatchObject({ equal: [], after: [], direction: 1 });
    expect(planWalk(indexes, {}, { name: -1, id: -1 })).toMatchObject({ direction: -1 });
    expect(planWalk(indexes, {}, { name: 1, id: -1 })).toBeNull();
    expect(planWalk(indexes, {}, { name: 1 })).toBeNull();
    expect(planWalk(indexes, { $and: [{ group: 'g2' }] }, { name: 1, id: 1 })).toMatchObject({ equal: ['g2'] });
    expect(planWalk(indexes, { group: 'g2', ...keyset({ name: 1, id: 1 }, { id: 'd9', tenantId: 't', name: 'bob' }) }, { group: 1, name: 1, id: 1 })).toMatchObject({
      equal: ['g2'],
      after: ['bob', 'd9'],
    });
    expect(planWalk(indexes, { group: { $in: ['g1'] } }, { group: 1, name: 1, id: 1 })).toMatchObject({ equal: [], after: [] });
    expect(planWalk(indexes, { group: { $in: ['g1'] } }, { name: 1, group: 1, id: 1 })).toBeNull();
  });

  it.each([1, 2, 3])('gives what mingo gives for sorted, filtered, paged finds while documents change (seed %i)', async (seed) => {
    const rnd = random(seed);
    const docs = Array.from({ length: 200 }, (_, i) => makeDoc(rnd, i));
    const { indexed, plain } = await twoStores(docs);
    const sorts: SortSpec[] = [
      { name: 1, id: 1 },
      { name: -1, id: -1 },
      { rank: -1, name: 1, id: 1 },
      { rank: 1, name: -1, id: -1 },
      { group: 1, name: 1, id: 1 },
      { fans: 1, name: 1, id: 1 },
    ];
    const filters: Filter[] = [{}, { visible: true }, { group: 'g3' }, { $and: [{ group: 'g1' }, { visible: false }] }, { fans: 'u1' }, { rank: 2 }];
    let next = docs.length;
    for (const sort of sorts) {
      for (const base of filters) {
        const seen: string[][] = [[], []];
        let last: [Doc | null, Doc | null] = [null, null];
        for (let page = 0; page < 40; page++) {
          const pages = await Promise.all(
            [indexed, plain].map((store, s) => {
              const filter = last[s] ? { $and: [base, keyset(sort, last[s] as Doc)] } : base;
              return store.forTenant('t').collection('c').find(filter, { sort, limit: 7 });
            }),
          );
          expect({ sort, base, page, ids: pages[0].map((d) => d.id) }).toEqual({ sort, base, page, ids: pages[1].map((d) => d.id) });
          if (pages[0].length === 0) break;
          pages.forEach((rows, s) => {
            seen[s].push(...rows.map((d) => d.id));
            last[s] = rows[rows.length - 1];
          });
          // Writes between pages: replace, insert and delete on both stores alike.
          const changed = makeDoc(rnd, Math.floor(rnd() * next));
          const added = makeDoc(rnd, next++);
          const gone = `d${String(Math.floor(rnd() * next)).padStart(4, '0')}`;
          for (const store of [indexed, plain]) {
            await store.bulkWrite('c', [
              { kind: 'upsert', doc: { ...changed } },
              { kind: 'upsert', doc: { ...added } },
              { kind: 'delete', tenantId: 't', id: gone },
            ]);
          }
        }
        expect(seen[0]).toEqual(seen[1]);
        last = [null, null];
      }
      const skipped = await Promise.all([indexed, plain].map((store) => store.forTenant('t').collection('c').find({ visible: true }, { sort, skip: 5, limit: 9, projection: { name: 1 } })));
      expect(skipped[0]).toEqual(skipped[1]);
    }
  });

  it('falls back to mingo when a tenant holds values an ordered index cannot order', async () => {
    const store = await MemoryReadStore.open();
    await store.ensureIndexes('c', [{ keys: { name: 1, id: 1 } }]);
    const c = store.forTenant('t').collection('c');
    await c.upsert({ id: 'a', name: 'x' });
    await c.upsert({ id: 'b', name: 'y' });
    expect((await c.find({}, { sort: { name: 1, id: 1 } })).map((d) => d.id)).toEqual(['a', 'b']);
    await c.upsert({ id: 'c', name: { nested: true } });
    expect((await c.find({}, { sort: { name: 1, id: 1 } })).map((d) => d.id)).toEqual(['a', 'b', 'c']);
    await c.delete('c');
    await c.upsert({ id: '0', name: 'a' });
    expect((await c.find({}, { sort: { name: -1, id: -1 }, limit: 2 })).map((d) => d.id)).toEqual(['b', 'a']);
  });
});
