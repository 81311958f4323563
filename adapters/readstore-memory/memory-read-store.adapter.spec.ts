import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataFileError, DuplicateKeyError } from '../../application/errors';
import type { Doc, WriteOp } from '../../application/ports/read-store.port';
import { MemoryReadStore } from './memory-read-store.adapter';

describe('MemoryReadStore', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'readstore-memory-'));
    file = path.join(dir, 'read-models.snapshot');
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function seeded(options = { snapshotFile: file }): Promise<MemoryReadStore> {
    const store = await MemoryReadStore.open(options);
    await store.ensureIndexes('users', [{ keys: { email: 1 }, unique: true }]);
    await store.bulkWrite(
      'users',
      [
        { kind: 'upsert', doc: { id: 'u1', tenantId: 'acme', email: 'a@x.io', tags: ['x'], _pos: '3' } },
        { kind: 'upsert', doc: { id: 'u2', tenantId: 'globex', email: 'a@x.io', profile: { name: 'Zoë', age: null } } },
      ],
      { 'checkpoint:users': '3' },
    );
    await store.setMeta('users:active', 'users');
    return store;
  }

  describe('snapshot', () => {
    it('opens empty when there is no snapshot file yet', async () => {
      const store = await MemoryReadStore.open({ snapshotFile: file });
      expect(await store.listCollections()).toEqual([]);
      await expect(fs.access(file)).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('flush then reopen gives the same documents, meta, digest and unique indexes', async () => {
      const store = await seeded();
      await store.flush();
      await expect(fs.access(`${file}.tmp`)).rejects.toMatchObject({ code: 'ENOENT' });

      const reopened = await MemoryReadStore.open({ snapshotFile: file });
      expect(reopened.digest()).toBe(store.digest());
      expect(await reopened.forTenant('acme').collection('users').find()).toEqual(
        await store.forTenant('acme').collection('users').find(),
      );
      expect(await reopened.forTenant('globex').collection('users').get('u2')).toEqual({
        id: 'u2',
        tenantId: 'globex',
        email: 'a@x.io',
        profile: { name: 'Zoë', age: null },
      });
      expect(await reopened.getMeta('checkpoint:users')).toBe('3');
      expect(await reopened.getMeta('users:active')).toBe('users');
      await expect(
        reopened.forTenant('acme').collection('users').upsert({ id: 'u9', email: 'a@x.io' }),
      ).rejects.toBeInstanceOf(DuplicateKeyError);
    });

    it('a later flush replaces the earlier snapshot', async () => {
      const store = await seeded();
      await store.flush();
      await store.forTenant('acme').collection('users').delete('u1');
      await store.setMeta('checkpoint:users', '4');
      await store.flush();
      const reopened = await MemoryReadStore.open({ snapshotFile: file });
      expect(await reopened.forTenant('acme').collection('users').count()).toBe(0);
      expect(await reopened.getMeta('checkpoint:users')).toBe('4');
    });

    it.each([
      ['garbage', () => Buffer.from('this is not a snapshot at all, just some bytes to be read')],
      ['empty', () => Buffer.alloc(0)],
    ])('a %s file is a DataFileError and its bytes are left unchanged', async (_label, bytes) => {
      const content = bytes();
      await fs.writeFile(file, content);
      const error = await MemoryReadStore.open({ snapshotFile: file }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataFileError);
      expect((error as Error).message).toContain(file);
      expect(await fs.readFile(file)).toEqual(content);
    });

    it('a torn (truncated) or bit-flipped snapshot is detected and left unchanged', async () => {
      await (await seeded()).flush();
      const good = await fs.readFile(file);

      const torn = good.subarray(0, good.length - 7);
      await fs.writeFile(file, torn);
      await expect(MemoryReadStore.open({ snapshotFile: file })).rejects.toThrow(/truncated or torn/);
      expect(await fs.readFile(file)).toEqual(torn);

      const flipped = Buffer.from(good);
      flipped[flipped.length - 10] ^= 0xff;
      await fs.writeFile(file, flipped);
      await expect(MemoryReadStore.open({ snapshotFile: file })).rejects.toThrow(/checksum/);
      expect(await fs.readFile(file)).toEqual(flipped);
    });

    it('without a snapshot file, flush is a no-op', async () => {
      const store = await seeded({ snapshotFile: undefined as unknown as string });
      await store.flush();
      expect(await fs.readdir(dir)).toEqual([]);
    });
  });

  describe('digest', () => {
    it('is equal for equal content whatever the write order, and changes with any field', async () => {
      const a = new MemoryReadStore();
      const b = new MemoryReadStore();
      await a.bulkWrite('c', [
        { kind: 'upsert', doc: { id: '1', tenantId: 't', x: { p: 1, q: 2 } } },
        { kind: 'upsert', doc: { id: '2', tenantId: 'u', x: 3 } },
      ]);
      await b.forTenant('u').collection('c').upsert({ id: '2', x: 3 });
      await b.forTenant('t').collection('c').upsert({ id: '1', x: { q: 2, p: 1 } });
      expect(a.digest()).toMatch(/^[0-9a-f]{64}$/);
      expect(a.digest()).toBe(b.digest());
      await b.forTenant('u').collection('c').upsert({ id: '2', x: 3, _pos: '9' });
      expect(b.digest()).not.toBe(a.digest());
    });
  });

  describe('bulkWrite', () => {
    it('takes ownership of written documents and still returns copies', async () => {
      const store = new MemoryReadStore();
      const doc: Doc = { id: 'd', tenantId: 't', list: [1] };
      await store.bulkWrite('c', [{ kind: 'upsert', doc }]);
      const read = (await store.forTenant('t').collection('c').get('d')) as Doc & { list: number[] };
      read.list.push(2);
      expect(await store.forTenant('t').collection('c').get('d')).toEqual({ id: 'd', tenantId: 't', list: [1] });
    });

    it('stops at a unique violation like an ordered MongoDB bulk write: earlier ops stay, meta is not written', async () => {
      const store = new MemoryReadStore();
      await store.ensureIndexes('c', [{ keys: { k: 1 }, unique: true, name: 'k_unique' }]);
      const ops: WriteOp[] = [
        { kind: 'upsert', doc: { id: '1', tenantId: 't', k: 'a' } },
        { kind: 'upsert', doc: { id: '2', tenantId: 't', k: 'a' } },
        { kind: 'upsert', doc: { id: '3', tenantId: 't', k: 'c' } },
      ];
      await expect(store.bulkWrite('c', ops, { cp: '1' })).rejects.toMatchObject({ index: 'k_unique' });
      expect((await store.forTenant('t').collection('c').find({}, { sort: { id: 1 } })).map((d) => d.id)).toEqual(['1']);
      expect(await store.getMeta('cp')).toBeNull();
    });

    it('declaring a unique index over existing duplicates fails and leaves no index behind', async () => {
      const store = new MemoryReadStore();
      await store.bulkWrite('c', [
        { kind: 'upsert', doc: { id: '1', tenantId: 't', k: 'a' } },
        { kind: 'upsert', doc: { id: '2', tenantId: 't', k: 'a' } },
      ]);
      await expect(store.ensureIndexes('c', [{ keys: { k: 1 }, unique: true }])).rejects.toBeInstanceOf(DuplicateKeyError);
      await store.forTenant('t').collection('c').upsert({ id: '3', k: 'a' });
      expect(await store.forTenant('t').collection('c').count({ k: 'a' })).toBe(3);
    });

    it('handles a large batch volume and a sorted, filtered find over 100,000 documents of one tenant', async () => {
      const store = new MemoryReadStore();
      for (let batch = 0; batch < 100; batch++) {
        const ops: WriteOp[] = [];
        for (let i = 0; i < 1000; i++) {
          const n = batch * 1000 + i;
          ops.push({ kind: 'upsert', doc: { id: `d${n}`, tenantId: 'big', name: `n${n % 977}`, n } });
        }
        await store.bulkWrite('big', ops, { cp: String(batch) });
      }
      const c = store.forTenant('big').collection('big');
      expect(await c.count()).toBe(100_000);
      const page = await c.find({ n: { $gte: 50_000 } }, { sort: { name: 1, id: 1 }, limit: 3 });
      expect(page.map((d) => d.id)).toEqual(['d50804', 'd51781', 'd52758']);
      expect(await store.getMeta('cp')).toBe('99');
    });
  });
});
