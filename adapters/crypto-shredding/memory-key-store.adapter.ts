import { randomBytes } from 'node:crypto';
import { ApplicationError } from '../../application/errors';
import { SubjectErasedError, type KeyStore } from '../../application/ports/key-store.port';

export const SUBJECT_KEY_BYTES = 32;

/** Keys in a Map, for tests and tools. A deleted subject keeps a tombstone (null) so its key is never made again. */
export class MemoryKeyStore implements KeyStore {
  private readonly keys = new Map<string, Buffer | null>();
  private closed = false;

  async getOrCreate(subject: string): Promise<Uint8Array> {
    this.assertOpen();
    assertSubject(subject);
    let key = this.keys.get(subject);
    if (key === null) throw new SubjectErasedError(subject);
    if (key === undefined) {
      key = randomBytes(SUBJECT_KEY_BYTES);
      this.keys.set(subject, key);
    }
    return Uint8Array.from(key);
  }

  async get(subject: string): Promise<Uint8Array | null> {
    this.assertOpen();
    assertSubject(subject);
    const key = this.keys.get(subject);
    return key ? Uint8Array.from(key) : null;
  }

  async delete(subject: string): Promise<void> {
    this.assertOpen();
    assertSubject(subject);
    this.keys.get(subject)?.fill(0);
    this.keys.set(subject, null);
  }

  async isErased(subject: string): Promise<boolean> {
    this.assertOpen();
    assertSubject(subject);
    return this.keys.get(subject) === null;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new ApplicationError('KEY_STORE_CLOSED', 'The key store is closed');
  }
}

/** Subjects are short printable ids such as `user-<uuid>`. */
export function assertSubject(subject: string): void {
  if (typeof subject !== 'string' || !/^[A-Za-z0-9_.:-]{1,200}$/.test(subject)) {
    throw new ApplicationError('INVALID_KEY_SUBJECT', `Invalid key subject: ${JSON.stringify(subject)}`);
  }
}
