import { ApplicationError } from '../errors';

export const KEY_STORE = Symbol('KeyStore');

/**
 * Per-subject encryption keys for crypto-shredding: a subject's personal data is encrypted with its
 * key, and deleting the key erases that data everywhere it was written, the event log included.
 * A subject is a string such as `user-<id>`. Keys are 32 random bytes (AES-256).
 */
export interface KeyStore {
  /** The subject's key, created on first use; throws SubjectErasedError once the key was deleted. */
  getOrCreate(subject: string): Promise<Uint8Array>;
  /** The subject's key, or null when it never existed or was deleted. */
  get(subject: string): Promise<Uint8Array | null>;
  /** Destroys the key for good and remembers that it did, so that it is never created again; idempotent. */
  delete(subject: string): Promise<void>;
  /** Whether the subject's key was deleted. */
  isErased(subject: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Personal data of an erased subject cannot be written again: its key is gone on purpose. */
export class SubjectErasedError extends ApplicationError {
  constructor(readonly subject: string) {
    super('SUBJECT_ERASED', `The personal data of ${subject} was erased; nothing more can be written for it`, { subject });
  }
}
