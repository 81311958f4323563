import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ApplicationError } from '../../application/errors';

/**
 * How an encrypted field is stored: an object no domain value looks like, naming its subject so that
 * reading needs no map (the map may grow; an upcaster may move a field). AES-256-GCM with a random
 * 96-bit IV; the subject is the additional authenticated data, so a value cannot be moved to another
 * subject unnoticed. `ct` is the ciphertext followed by the 16-byte tag, base64url.
 */
export type SealedValue = { readonly $pii: 'A256GCM'; readonly sub: string; readonly iv: string; readonly ct: string };

export function isSealed(value: unknown): value is SealedValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return v.$pii === 'A256GCM' && typeof v.sub === 'string' && typeof v.iv === 'string' && typeof v.ct === 'string';
}

/** Encrypts the JSON form of a value. */
export function seal(value: unknown, subject: string, key: Uint8Array): SealedValue {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(subject, 'utf8'));
  const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { $pii: 'A256GCM', sub: subject, iv: iv.toString('base64url'), ct: ct.toString('base64url') };
}

/** Personal data that does not decrypt with its subject's key: damage or tampering, never silently dropped. */
export class PersonalDataUnreadableError extends ApplicationError {
  constructor(readonly subject: string, reason: string) {
    super('PERSONAL_DATA_UNREADABLE', `Personal data of ${subject} cannot be decrypted: ${reason}`, { subject });
  }
}

export function open(sealed: SealedValue, key: Uint8Array): unknown {
  try {
    const raw = Buffer.from(sealed.ct, 'base64url');
    if (raw.length < 16) throw new Error('ciphertext too short');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64url'));
    decipher.setAAD(Buffer.from(sealed.sub, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const text = Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString('utf8');
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PersonalDataUnreadableError(sealed.sub, (error as Error).message);
  }
}
