export const BLOB_STORE = Symbol('BlobStore');

/** What is known of a stored blob without reading it. */
export interface BlobInfo {
  readonly key: string;
  readonly contentType: string;
  readonly size: number;
  /** ISO time the current content was written (from the caller's clock). */
  readonly updatedAt: string;
}

export interface Blob {
  readonly info: BlobInfo;
  readonly data: Buffer;
}

/**
 * Binary content (screenshots, icons, recordings), always inside one tenant: a tenant can never
 * name another tenant's blob, whatever key it passes. Keys are `/`-separated segments of letters,
 * digits, `_`, `-`, `.` and `:` (no empty, `.` or `..` segment). Writing a key replaces its content
 * atomically: a reader sees the old content or the new one, never a mix.
 */
export interface BlobStore {
  put(tenantId: string, key: string, data: Buffer, meta: { readonly contentType: string; readonly at: string }): Promise<BlobInfo>;
  /** The content and its info, or null when the key holds nothing. */
  get(tenantId: string, key: string): Promise<Blob | null>;
  /** The info alone, or null. */
  stat(tenantId: string, key: string): Promise<BlobInfo | null>;
  /** True when something was deleted. */
  delete(tenantId: string, key: string): Promise<boolean>;
  close(): Promise<void>;
}

const SEGMENT = /^[A-Za-z0-9_:.-]{1,128}$/;
const TENANT = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$/;

/** Refuses a tenant id or key that could escape its place (path traversal, empty segments). */
export function assertBlobKey(tenantId: string, key: string): void {
  if (typeof tenantId !== 'string' || !TENANT.test(tenantId) || tenantId === '.' || tenantId === '..') {
    throw new RangeError(`Invalid blob tenant: ${JSON.stringify(tenantId)}`);
  }
  const segments = typeof key === 'string' ? key.split('/') : [];
  if (segments.length === 0 || segments.length > 8 || segments.some((s) => !SEGMENT.test(s) || s === '.' || s === '..')) {
    throw new RangeError(`Invalid blob key: ${JSON.stringify(key)}`);
  }
}

/** Key of a computer's latest screenshot. */
export const screenshotKey = (computerId: string): string => `screenshots/${computerId}`;
