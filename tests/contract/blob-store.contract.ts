import type { BlobStore } from '../../application/ports/blob-store.port';

const AT = '2025-01-01T00:00:00.000Z';
const LATER = '2025-01-01T00:01:00.000Z';

/**
 * The BlobStore contract: files (embedded) and GridFS (production) store, replace, isolate and
 * delete alike. `makeStore` gives an empty store; `dispose` cleans up after each test.
 */
export function blobStoreContract(name: string, makeStore: () => Promise<BlobStore>, dispose: (store: BlobStore) => Promise<void> = async () => undefined): void {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;

    beforeEach(async () => {
      store = await makeStore();
    });

    afterEach(async () => {
      await dispose(store);
      await store.close();
    });

    it('has nothing under a key never written', async () => {
      expect(await store.get('t1', 'screenshots/c1')).toBeNull();
      expect(await store.stat('t1', 'screenshots/c1')).toBeNull();
      expect(await store.delete('t1', 'screenshots/c1')).toBe(false);
    });

    it('gives back every byte with its content type, size and time', async () => {
      const data = Buffer.from(Array.from({ length: 256 * 4 }, (_, i) => i % 256));
      const info = await store.put('t1', 'screenshots/c1', data, { contentType: 'image/png', at: AT });
      expect(info).toEqual({ key: 'screenshots/c1', contentType: 'image/png', size: 1024, updatedAt: AT });
      const blob = await store.get('t1', 'screenshots/c1');
      expect(blob?.info).toEqual(info);
      expect(blob?.data.equals(data)).toBe(true);
      expect(await store.stat('t1', 'screenshots/c1')).toEqual(info);
    });

    it('stores an empty blob', async () => {
      await store.put('t1', 'icons/empty', Buffer.alloc(0), { contentType: 'image/png', at: AT });
      expect((await store.get('t1', 'icons/empty'))?.data.length).toBe(0);
    });

    it('replaces the content, type and time of a key', async () => {
      await store.put('t1', 'screenshots/c1', Buffer.from('first'), { contentType: 'image/png', at: AT });
      await store.put('t1', 'screenshots/c1', Buffer.from('second, longer'), { contentType: 'image/jpeg', at: LATER });
      const blob = await store.get('t1', 'screenshots/c1');
      expect(blob?.data.toString()).toBe('second, longer');
      expect(blob?.info).toEqual({ key: 'screenshots/c1', contentType: 'image/jpeg', size: 14, updatedAt: LATER });
    });

    it('keeps tenants apart: the same key in another tenant is another blob', async () => {
      await store.put('t1', 'screenshots/c1', Buffer.from('one'), { contentType: 'image/png', at: AT });
      expect(await store.get('t2', 'screenshots/c1')).toBeNull();
      await store.put('t2', 'screenshots/c1', Buffer.from('two'), { contentType: 'image/png', at: AT });
      expect(await store.delete('t2', 'screenshots/c1')).toBe(true);
      expect((await store.get('t1', 'screenshots/c1'))?.data.toString()).toBe('one');
    });

    it('deletes a key', async () => {
      await store.put('t1', 'screenshots/c1', Buffer.from('x'), { contentType: 'image/png', at: AT });
      expect(await store.delete('t1', 'screenshots/c1')).toBe(true);
      expect(await store.get('t1', 'screenshots/c1')).toBeNull();
      expect(await store.delete('t1', 'screenshots/c1')).toBe(false);
    });

    it.each([['../t2/screenshots/c1'], ['screenshots/../../x'], ['/abs'], ['a//b'], [''], ['a/./b'], ['sp ace'], ['x\\y']])(
      'refuses the key %j',
      async (key) => {
        await expect(store.put('t1', key, Buffer.from('x'), { contentType: 'image/png', at: AT })).rejects.toThrow(RangeError);
        await expect(store.get('t1', key)).rejects.toThrow(RangeError);
      },
    );

    it.each([['..'], ['.'], ['a/b'], ['']])('refuses the tenant %j', async (tenant) => {
      await expect(store.put(tenant, 'screenshots/c1', Buffer.from('x'), { contentType: 'image/png', at: AT })).rejects.toThrow(RangeError);
    });

    it('shows readers the old content or the new one while writes race, never a mix', async () => {
      const a = { data: Buffer.alloc(200_000, 0x61), contentType: 'image/png' };
      const b = { data: Buffer.alloc(150_000, 0x62), contentType: 'image/jpeg' };
      await store.put('t1', 'screenshots/race', a.data, { contentType: a.contentType, at: AT });
      const work: Promise<unknown>[] = [];
      const seen: { size: number; type: string; bytes: number; first: number; last: number }[] = [];
      for (let i = 0; i < 10; i++) {
        const next = i % 2 ? a : b;
        work.push(store.put('t1', 'screenshots/race', next.data, { contentType: next.contentType, at: AT }));
        work.push(
          store.get('t1', 'screenshots/race').then((blob) => {
            if (blob) seen.push({ size: blob.info.size, type: blob.info.contentType, bytes: blob.data.length, first: blob.data[0], last: blob.data[blob.data.length - 1] });
          }),
        );
      }
      await Promise.all(work);
      expect(seen.length).toBeGreaterThan(0);
      for (const s of seen) {
        const expected = s.type === 'image/png' ? { size: 200_000, byte: 0x61 } : { size: 150_000, byte: 0x62 };
        expect(s).toEqual({ size: expected.size, type: s.type, bytes: expected.size, first: expected.byte, last: expected.byte });
      }
    });
  });
}
