import type { KeyStore } from '../../application/ports/key-store.port';

export interface KeyStoreHarness {
  readonly store: KeyStore;
  /** Closes the store and opens it again on the same data, where the adapter persists anything. */
  reopen?(): Promise<KeyStore>;
  cleanup(): Promise<void>;
}

/** What every KeyStore adapter must do: one key per subject, created once, destroyed for good. */
export function keyStoreContract(name: string, open: () => Promise<KeyStoreHarness>): void {
  describe(`KeyStore contract: ${name}`, () => {
    let harness: KeyStoreHarness;
    let store: KeyStore;

    beforeEach(async () => {
      harness = await open();
      store = harness.store;
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    it('creates a 32-byte key on first use and returns the same key after', async () => {
      expect(await store.get('user-1')).toBeNull();
      const key = await store.getOrCreate('user-1');
      expect(key).toBeInstanceOf(Uint8Array);
      expect(key).toHaveLength(32);
      expect(Buffer.from(await store.getOrCreate('user-1')).equals(Buffer.from(key))).toBe(true);
      expect(Buffer.from((await store.get('user-1')) as Uint8Array).equals(Buffer.from(key))).toBe(true);
    });

    it('gives each subject its own key', async () => {
      const a = await store.getOrCreate('user-a');
      const b = await store.getOrCreate('user-b');
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    });

    it('gives concurrent first callers the same key', async () => {
      const keys = await Promise.all(Array.from({ length: 8 }, () => store.getOrCreate('user-race')));
      expect(new Set(keys.map((k) => Buffer.from(k).toString('hex'))).size).toBe(1);
    });

    it('hands out copies: changing a returned key changes nothing stored', async () => {
      const key = await store.getOrCreate('user-1');
      const hex = Buffer.from(key).toString('hex');
      key.fill(0);
      expect(Buffer.from((await store.get('user-1')) as Uint8Array).toString('hex')).toBe(hex);
    });

    it('deletes a key for good: it reads as null and is never created again', async () => {
      await store.getOrCreate('user-1');
      await store.getOrCreate('user-2');
      expect(await store.isErased('user-1')).toBe(false);
      await store.delete('user-1');
      expect(await store.get('user-1')).toBeNull();
      expect(await store.isErased('user-1')).toBe(true);
      await expect(store.getOrCreate('user-1')).rejects.toMatchObject({ code: 'SUBJECT_ERASED' });
      expect(await store.get('user-2')).not.toBeNull();
    });

    it('deletes idempotently, and a subject deleted before it had a key stays erased', async () => {
      await store.delete('user-never');
      await store.delete('user-never');
      expect(await store.isErased('user-never')).toBe(true);
      await expect(store.getOrCreate('user-never')).rejects.toMatchObject({ code: 'SUBJECT_ERASED' });
      expect(await store.isErased('user-unknown')).toBe(false);
    });

    it('refuses a malformed subject', async () => {
      await expect(store.getOrCreate('')).rejects.toMatchObject({ code: 'INVALID_KEY_SUBJECT' });
      await expect(store.get('a b')).rejects.toMatchObject({ code: 'INVALID_KEY_SUBJECT' });
    });

    it('keeps keys and erasures across a reopen where it persists', async () => {
      if (!harness.reopen) return;
      const key = Buffer.from(await store.getOrCreate('user-1')).toString('hex');
      await store.delete('user-2');
      store = await harness.reopen();
      expect(Buffer.from((await store.get('user-1')) as Uint8Array).toString('hex')).toBe(key);
      expect(await store.isErased('user-2')).toBe(true);
    });

    it('refuses calls once closed', async () => {
      await store.close();
      await expect(store.get('user-1')).rejects.toMatchObject({ code: 'KEY_STORE_CLOSED' });
    });
  });
}
