import { DuplicateKeyError } from '../../application/errors';
import { type Doc, type ReadStore, type WriteOp, docKey } from '../../application/ports/read-store.port';

/**
 * The ReadStore contract: every adapter runs it, so that the embedded memory store and MongoDB
 * agree on tenancy, query semantics, writes and meta. `makeStore` must give an empty store.
 */
export function readStoreContract(
  name: string,
  makeStore: () => Promise<ReadStore>,
  cleanup?: (store: ReadStore) => Promise<void>,
): void {
  describe(`ReadStore contract: ${name}`, () => {
    let store: ReadStore;

    beforeEach(async () => {
      store = await makeStore();
    });

    afterEach(async () => {
      if (cleanup) await cleanup(store);
      await store.close();
    });

    const people = (tenantId: string) => store.forTenant(tenantId).collection('people');

    async function seedPeople(): Promise<void> {
      const rows: Doc[] = [
        { id: 'p1', tenantId: 'acme', name: 'Ann', age: 31, team: 'red', tags: ['a', 'b'], address: { city: 'Oslo' } },
        { id: 'p2', tenantId: 'acme', name: 'Bob', age: 25, team: 'blue', tags: ['b'], address: { city: 'Rome' } },
        { id: 'p3', tenantId: 'acme', name: 'Cid', age: 40, team: 'red', tags: [], address: { city: 'Oslo' } },
        { id: 'p4', tenantId: 'acme', name: 'Dee', age: 25, team: 'green', tags: ['c'], nick: null },
        { id: 'p5', tenantId: 'acme', name: 'ann', age: 19, team: 'blue', tags: ['a'], address: { city: 'Lima' } },
        { id: 'q1', tenantId: 'globex', name: 'Ann', age: 50, team: 'red', tags: ['a'], address: { city: 'Oslo' } },
        { id: 'q2', tenantId: 'globex', name: 'Zed', age: 60, team: 'red', tags: [], address: { city: 'Kyiv' } },
      ];
      await store.bulkWrite(
        'people',
        rows.map((doc) => ({ kind: 'upsert', doc })),
      );
    }

    const ids = (docs: readonly Doc[]) => docs.map((doc) => doc.id);

    describe('tenant isolation', () => {
      beforeEach(seedPeople);

      it('find, count and aggregate see only the scoped tenant', async () => {
        expect(ids(await people('acme').find({}, { sort: { id: 1 } }))).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
        expect(ids(await people('globex').find({ name: 'Ann' }))).toEqual(['q1']);
        expect(await people('acme').count()).toBe(5);
        expect(await people('globex').count({ team: 'red' })).toBe(2);
        const byTeam = await people('globex').aggregate<{ _id: string; n: number }>([
          { $group: { _id: '$team', n: { $sum: 1 } } },
        ]);
        expect(byTeam).toEqual([{ _id: 'red', n: 2 }]);
        expect(await people('nobody').find()).toEqual([]);
        expect(await people('nobody').count()).toBe(0);
      });

      it('a filter or pipeline naming another tenant finds nothing', async () => {
        expect(await people('acme').find({ tenantId: 'globex' })).toEqual([]);
        expect(await people('acme').find({ $or: [{ tenantId: 'globex' }, { tenantId: { $ne: 'acme' } }] })).toEqual([]);
        expect(await people('acme').findOne({ id: 'q1' })).toBeNull();
        expect(await people('acme').count({ tenantId: { $in: ['globex'] } })).toBe(0);
        expect(await people('acme').aggregate([{ $match: { tenantId: 'globex' } }])).toEqual([]);
        expect(await people('acme').aggregate([{ $match: { id: 'q2' } }, { $count: 'n' }])).toEqual([]);
      });

      it('get and delete cannot reach another tenant', async () => {
        expect(await people('acme').get('q1')).toBeNull();
        await people('acme').delete('q1');
        expect((await people('globex').get('q1'))?.name).toBe('Ann');
      });

      it('upsert forces the scoped tenant, whatever the document says', async () => {
        await people('acme').upsert({ id: 'x1', tenantId: 'globex', name: 'Sneaky' });
        expect(await people('globex').get('x1')).toBeNull();
        expect(await people('acme').get('x1')).toEqual({ id: 'x1', tenantId: 'acme', name: 'Sneaky' });
      });

      it('the same id in two tenants is two documents', async () => {
        await people('acme').upsert({ id: 'same', name: 'A' });
        await people('globex').upsert({ id: 'same', name: 'G' });
        await people('acme').delete('same');
        expect(await people('acme').get('same')).toBeNull();
        expect((await people('globex').get('same'))?.name).toBe('G');
      });

      it('refuses stages that could read other collections', async () => {
        await expect(
          people('acme').aggregate([{ $lookup: { from: 'people', localField: 'id', foreignField: 'id', as: 'x' } }]),
        ).rejects.toMatchObject({ code: 'FORBIDDEN' });
        await expect(people('acme').aggregate([{ $unionWith: 'people' }])).rejects.toMatchObject({ code: 'FORBIDDEN' });
      });
    });

    describe('queries', () => {
      beforeEach(seedPeople);

      it('supports the common filter operators', async () => {
        const acme = people('acme');
        const q = async (filter: Record<string, unknown>) => ids(await acme.find(filter, { sort: { id: 1 } }));
        expect(await q({ name: { $eq: 'Bob' } })).toEqual(['p2']);
        expect(await q({ team: { $in: ['green', 'blue'] } })).toEqual(['p2', 'p4', 'p5']);
        expect(await q({ age: { $gt: 25 } })).toEqual(['p1', 'p3']);
        expect(await q({ age: { $gte: 25, $lt: 40 } })).toEqual(['p1', 'p2', 'p4']);
        expect(await q({ team: { $ne: 'red' } })).toEqual(['p2', 'p4', 'p5']);
        expect(await q({ team: { $nin: ['red', 'blue'] } })).toEqual(['p4']);
        expect(await q({ name: { $regex: '^an', $options: 'i' } })).toEqual(['p1', 'p5']);
        expect(await q({ name: { $regex: '^A' } })).toEqual(['p1']);
        expect(await q({ $and: [{ team: 'red' }, { age: { $lt: 35 } }] })).toEqual(['p1']);
        expect(await q({ $or: [{ team: 'green' }, { age: 19 }] })).toEqual(['p4', 'p5']);
        expect(await q({ 'address.city': 'Oslo' })).toEqual(['p1', 'p3']);
        expect(await q({ tags: 'a' })).toEqual(['p1', 'p5']);
        expect(await q({ address: { $exists: false } })).toEqual(['p4']);
        expect(await q({ nick: null })).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
      });

      it('sorts on several keys in both directions', async () => {
        const acme = people('acme');
        expect(ids(await acme.find({}, { sort: { age: 1, name: 1 } }))).toEqual(['p5', 'p2', 'p4', 'p1', 'p3']);
        expect(ids(await acme.find({}, { sort: { age: -1 } })).slice(0, 2)).toEqual(['p3', 'p1']);
        expect(ids(await acme.find({}, { sort: { team: 1, age: -1 } }))).toEqual(['p2', 'p5', 'p4', 'p3', 'p1']);
        // Binary string order, as MongoDB without collation: upper case before lower case.
        expect(ids(await acme.find({ name: { $in: ['Ann', 'ann', 'Bob'] } }, { sort: { name: 1 } }))).toEqual(['p1', 'p2', 'p5']);
      });

      it('skips and limits after sorting', async () => {
        const acme = people('acme');
        expect(ids(await acme.find({}, { sort: { id: 1 }, skip: 1, limit: 2 }))).toEqual(['p2', 'p3']);
        expect(ids(await acme.find({}, { sort: { id: -1 }, limit: 1 }))).toEqual(['p5']);
        expect(ids(await acme.find({}, { sort: { id: 1 }, skip: 4 }))).toEqual(['p5']);
        expect(await acme.find({}, { sort: { id: 1 }, skip: 10 })).toEqual([]);
      });

      it('projects with inclusion and exclusion, never leaking a storage _id', async () => {
        const acme = people('acme');
        expect(await acme.find({ id: 'p1' }, { projection: { name: 1, age: 1 } })).toEqual([{ name: 'Ann', age: 31 }]);
        expect(await acme.find({ id: 'p2' }, { projection: { 'address.city': 1, id: 1 } })).toEqual([
          { id: 'p2', address: { city: 'Rome' } },
        ]);
        expect(await acme.find({ id: 'p1' }, { projection: { tags: 0, address: 0, age: 0 } })).toEqual([
          { id: 'p1', tenantId: 'acme', name: 'Ann', team: 'red' },
        ]);
        const sortedOnHidden = await acme.find({ team: 'red' }, { sort: { age: -1 }, projection: { name: 1 } });
        expect(sortedOnHidden).toEqual([{ name: 'Cid' }, { name: 'Ann' }]);
        for (const doc of [...(await acme.find()), await acme.findOne({ id: 'p1' }), await acme.get('p1')]) {
          expect(doc).not.toHaveProperty('_id');
        }
      });

      it('findOne returns the first match or null', async () => {
        expect((await people('acme').findOne({ age: 40 }))?.id).toBe('p3');
        expect(await people('acme').findOne({ age: 99 })).toBeNull();
      });

      it('counts with and without a filter', async () => {
        expect(await people('acme').count()).toBe(5);
        expect(await people('acme').count({ age: { $lte: 25 } })).toBe(3);
        expect(await people('acme').count({ age: { $gt: 100 } })).toBe(0);
      });

      it('aggregates with $match, $group, $sort, $project, $skip, $limit and $count', async () => {
        const acme = people('acme');
        const teams = await acme.aggregate([
          { $match: { age: { $gte: 19 } } },
          { $sort: { id: 1 } },
          { $group: { _id: '$team', total: { $sum: '$age' }, n: { $sum: 1 }, first: { $first: '$name' }, all: { $push: '$id' } } },
          { $sort: { total: -1 } },
          { $project: { _id: 0, team: '$_id', total: 1, n: 1, first: 1, all: 1 } },
        ]);
        expect(teams).toEqual([
          { team: 'red', total: 71, n: 2, first: 'Ann', all: ['p1', 'p3'] },
          { team: 'blue', total: 44, n: 2, first: 'Bob', all: ['p2', 'p5'] },
          { team: 'green', total: 25, n: 1, first: 'Dee', all: ['p4'] },
        ]);
        expect(await acme.aggregate([{ $match: { team: 'red' } }, { $count: 'n' }])).toEqual([{ n: 2 }]);
        const page = await acme.aggregate([{ $sort: { age: 1, id: 1 } }, { $skip: 1 }, { $limit: 2 }, { $project: { _id: 0, id: 1 } }]);
        expect(page).toEqual([{ id: 'p2' }, { id: 'p4' }]);
        const raw = await acme.aggregate([{ $match: { id: 'p2' } }]);
        expect(raw).toHaveLength(1);
        expect(raw[0]).not.toHaveProperty('_id');
        expect(raw[0]).toMatchObject({ id: 'p2', tenantId: 'acme', name: 'Bob' });
      });
    });

    describe('writes', () => {
      it('upsert replaces the whole document', async () => {
        const c = people('acme');
        await c.upsert({ id: 'u1', name: 'One', extra: true });
        await c.upsert({ id: 'u1', name: 'Uno' });
        expect(await c.get('u1')).toEqual({ id: 'u1', tenantId: 'acme', name: 'Uno' });
        expect(await c.count()).toBe(1);
      });

      it('delete removes the document; deleting a missing one is a no-op', async () => {
        const c = people('acme');
        await c.upsert({ id: 'd1', name: 'x' });
        await c.delete('d1');
        await c.delete('never-existed');
        expect(await c.get('d1')).toBeNull();
        expect(await c.count()).toBe(0);
      });

      it('returns copies: mutating a result does not change the store', async () => {
        const c = people('acme');
        const original = { id: 'm1', nested: { list: [1, 2] } };
        await c.upsert(original);
        original.nested.list.push(3);
        const got = (await c.get('m1')) as Doc & { nested: { list: number[] } };
        got.nested.list.push(4);
        const [found] = (await c.find({ id: 'm1' })) as (Doc & { nested: { list: number[] } })[];
        found.nested.list.push(5);
        const loaded = (await store.loadMany('people', [{ tenantId: 'acme', id: 'm1' }])).get(docKey('acme', 'm1')) as Doc & {
          nested: { list: number[] };
        };
        loaded.nested.list.push(6);
        expect(await c.get('m1')).toEqual({ id: 'm1', tenantId: 'acme', nested: { list: [1, 2] } });
      });

      it('loadMany reads across tenants and leaves missing keys out', async () => {
        await seedPeople();
        const loaded = await store.loadMany('people', [
          { tenantId: 'acme', id: 'p1' },
          { tenantId: 'globex', id: 'q2' },
          { tenantId: 'globex', id: 'p1' },
          { tenantId: 'acme', id: 'missing' },
        ]);
        expect([...loaded.keys()].sort()).toEqual([docKey('acme', 'p1'), docKey('globex', 'q2')].sort());
        expect(loaded.get(docKey('globex', 'q2'))).toMatchObject({ id: 'q2', tenantId: 'globex', name: 'Zed' });
        expect(loaded.get(docKey('acme', 'p1'))).not.toHaveProperty('_id');
        expect((await store.loadMany('no-such-collection', [{ tenantId: 'acme', id: 'p1' }])).size).toBe(0);
      });

      it('bulkWrite applies ops in order across tenants, then records meta', async () => {
        const ops: WriteOp[] = [
          { kind: 'upsert', doc: { id: 'b1', tenantId: 'acme', v: 1 } },
          { kind: 'upsert', doc: { id: 'b1', tenantId: 'globex', v: 1 } },
          { kind: 'upsert', doc: { id: 'b1', tenantId: 'acme', v: 2, _pos: '17' } },
          { kind: 'upsert', doc: { id: 'b2', tenantId: 'acme', v: 1 } },
          { kind: 'delete', tenantId: 'acme', id: 'b2' },
          { kind: 'delete', tenantId: 'acme', id: 'not-there' },
        ];
        await store.bulkWrite('people', ops, { 'checkpoint:people': '17', 'people:active': { collection: 'people' } });
        expect(await people('acme').find({}, { sort: { id: 1 } })).toEqual([{ id: 'b1', tenantId: 'acme', v: 2, _pos: '17' }]);
        expect(await people('globex').get('b1')).toEqual({ id: 'b1', tenantId: 'globex', v: 1 });
        expect(await store.getMeta('checkpoint:people')).toBe('17');
        expect(await store.getMeta('people:active')).toEqual({ collection: 'people' });
        await store.bulkWrite('people', [], { 'checkpoint:people': '18' });
        expect(await store.getMeta('checkpoint:people')).toBe('18');
      });

      it('getMeta is null for a missing key; setMeta replaces and stores a copy', async () => {
        expect(await store.getMeta('nothing')).toBeNull();
        const value = { at: '5', names: ['a'] };
        await store.setMeta('k', value);
        value.names.push('b');
        expect(await store.getMeta('k')).toEqual({ at: '5', names: ['a'] });
        await store.setMeta('k', 42);
        expect(await store.getMeta<number>('k')).toBe(42);
        expect(await store.listCollections()).not.toContain('k');
      });
    });

    describe('indexes and collections', () => {
      it('a unique index rejects a second document with the same key in one tenant, with a clear error', async () => {
        await store.ensureIndexes('users', [{ keys: { email: 1 }, unique: true }, { keys: { name: 1, id: 1 } }]);
        await store.ensureIndexes('users', [{ keys: { email: 1 }, unique: true }]);
        const acme = store.forTenant('acme').collection('users');
        await acme.upsert({ id: 'u1', email: 'a@x.io' });
        await acme.upsert({ id: 'u1', email: 'a@x.io', name: 'same doc again' });
        await store.forTenant('globex').collection('users').upsert({ id: 'g1', email: 'a@x.io' });
        const error = await acme.upsert({ id: 'u2', email: 'a@x.io' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect(error).toMatchObject({ code: 'READ_STORE_DUPLICATE_KEY', collection: 'users' });
        expect((error as Error).message).toMatch(/users/);
        expect(await acme.get('u2')).toBeNull();
        await expect(
          store.bulkWrite('users', [{ kind: 'upsert', doc: { id: 'u3', tenantId: 'acme', email: 'a@x.io' } }], { cp: '1' }),
        ).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await store.getMeta('cp')).toBeNull();
        await acme.upsert({ id: 'u1', email: 'b@x.io' });
        await acme.upsert({ id: 'u2', email: 'a@x.io' });
        expect(await acme.count()).toBe(2);
      });

      it('lists and drops collections', async () => {
        expect(await store.listCollections()).toEqual([]);
        await store.forTenant('acme').collection('alpha').upsert({ id: '1' });
        await store.bulkWrite('beta', [{ kind: 'upsert', doc: { id: '1', tenantId: 'globex' } }]);
        await store.setMeta('some-checkpoint', '3');
        expect(await store.listCollections()).toEqual(['alpha', 'beta']);
        await store.dropCollection('alpha');
        await store.dropCollection('never-existed');
        expect(await store.listCollections()).toEqual(['beta']);
        expect(await store.forTenant('acme').collection('alpha').count()).toBe(0);
        expect(await store.getMeta('some-checkpoint')).toBe('3');
      });

      it('ping answers and flush succeeds', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
        await expect(store.flush()).resolves.toBeUndefined();
      });
    });

    it('round-trips JSON values: unicode, nesting, null, numbers, booleans', async () => {
      const doc = {
        id: 'j1/ü ✓',
        text: 'Grüße, 世界, emoji 🛰️, quote " and \\ backslash, newline\n',
        nested: { a: { b: { c: [1, { d: null }, [true, false]] } } },
        nothing: null,
        numbers: [0, -1, 1.5, 1e21, 2 ** 53 - 1],
        empty: { list: [], obj: {} },
      };
      await store.forTenant('tenant/ä').collection('json').upsert(doc);
      const back = await store.forTenant('tenant/ä').collection('json').get('j1/ü ✓');
      expect(back).toEqual({ ...doc, tenantId: 'tenant/ä' });
      expect(JSON.parse(JSON.stringify(back))).toEqual(back);
    });

    it('a declared index changes no answer: equality prefix, both directions, keyset pages, writes between pages', async () => {
      await store.ensureIndexes('indexed', [{ keys: { team: 1, name: 1, id: 1 } }, { keys: { name: 1, id: 1 } }]);
      const c = store.forTenant('acme').collection('indexed');
      const names = ['kim', 'ana', 'bo', 'ana', 'zoe', 'kim', 'lu', 'bo', 'ana', 'mo', 'ed', 'kim'];
      for (const [i, name] of names.entries()) await c.upsert({ id: `o${String(i).padStart(2, '0')}`, name, team: i % 3 === 0 ? 'red' : 'blue' });
      const sortedIds = (team: string | null, dir: 1 | -1) =>
        names
          .map((name, i) => ({ id: `o${String(i).padStart(2, '0')}`, name, team: i % 3 === 0 ? 'red' : 'blue' }))
          .filter((doc) => team === null || doc.team === team)
          .sort((a, b) => dir * (a.name === b.name ? (a.id < b.id ? -1 : 1) : a.name < b.name ? -1 : 1))
          .map((doc) => doc.id);
      for (const [team, dir] of [[null, 1], [null, -1], ['blue', 1], ['red', -1]] as const) {
        const seen: string[] = [];
        let last: Doc | null = null;
        for (let page = 0; page < 20; page++) {
          const op = dir === 1 ? '$gt' : '$lt';
          const cursor = last ? { $or: [{ name: { [op]: last.name } }, { name: last.name, id: { [op]: last.id } }] } : {};
          const filter = { ...(team ? { team } : {}), ...cursor };
          const rows = await c.find(filter, { sort: team ? { team: 1, name: dir, id: dir } : { name: dir, id: dir }, limit: 4 });
          if (rows.length === 0) break;
          seen.push(...rows.map((row) => row.id));
          last = rows[rows.length - 1];
          await store.forTenant('globex').collection('indexed').upsert({ id: `x${page}`, name: 'aaa', team: 'blue' });
        }
        expect(seen).toEqual(sortedIds(team, dir));
      }
    });

    it('range pagination by (name, id) yields every document exactly once while documents are inserted', async () => {
      const c = store.forTenant('acme').collection('pages');
      const names = ['kim', 'ana', 'bo', 'ana', 'zoe', 'kim', 'lu', 'bo', 'ana', 'mo', 'ed', 'kim'];
      const original = names.map((name, i) => ({ id: `o${String(i).padStart(2, '0')}`, name }));
      for (const doc of original) await c.upsert(doc);
      await store.forTenant('globex').collection('pages').upsert({ id: 'o00', name: 'aaa' });

      const seen: string[] = [];
      let last: { name: string; id: string } | null = null;
      for (let page = 0; page < 50; page++) {
        const filter: Record<string, unknown> = last
          ? { $or: [{ name: { $gt: last.name } }, { name: last.name, id: { $gt: last.id } }] }
          : {};
        const rows = (await c.find(filter, { sort: { name: 1, id: 1 }, limit: 3 })) as (Doc & { name: string })[];
        if (rows.length === 0) break;
        seen.push(...rows.map((row) => row.id));
        last = { name: rows[rows.length - 1].name, id: rows[rows.length - 1].id };
        if (page < 3) {
          await c.upsert({ id: `n${page}a`, name: 'aaa' });
          await c.upsert({ id: `n${page}z`, name: 'zzz' });
        }
      }
      for (const doc of original) expect(seen.filter((id) => id === doc.id)).toHaveLength(1);
      expect(new Set(seen).size).toBe(seen.length);
      const sortedOriginal = [...original].sort((a, b) => (a.name === b.name ? (a.id < b.id ? -1 : 1) : a.name < b.name ? -1 : 1));
      expect(seen.filter((id) => id.startsWith('o'))).toEqual(sortedOriginal.map((doc) => doc.id));
    });
  });
}
