import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DataFileError } from '../../application/errors';

export const AUTH_SECRET_FILE = 'auth-secret';

/** HS256 keys shorter than the hash output weaken it (RFC 7518 §3.2). */
export const MIN_SECRET_BYTES = 32;

export interface AuthSecretSource {
  readonly secret: Buffer;
  /** Where it came from: the environment, or the file it was read from or generated into. */
  readonly origin: 'env' | { readonly file: string; readonly generated: boolean };
}

/**
 * The access-token signing key: AUTH_SECRET when set (its UTF-8 bytes, at least 32), else `DATA_DIR/auth-secret`.
 * Several nodes must share one key: set AUTH_SECRET for them, or give them the same file.
 */
export async function resolveAuthSecret(dataDir: string, fromEnv?: string): Promise<AuthSecretSource> {
  if (fromEnv !== undefined && fromEnv !== '') {
    const secret = Buffer.from(fromEnv, 'utf8');
    if (secret.length < MIN_SECRET_BYTES) {
      throw new Error(`AUTH_SECRET must be at least ${MIN_SECRET_BYTES} bytes long; it has ${secret.length}`);
    }
    return { secret, origin: 'env' };
  }
  const file = path.join(dataDir, AUTH_SECRET_FILE);
  const { secret, generated } = await loadOrCreateSecret(file);
  return { secret, origin: { file, generated } };
}

/**
 * Reads the secret file, or creates it once with 256 random bits (base64url), mode 0600. The file appears
 * complete or not at all (written aside, then hard-linked into place), so two servers starting together
 * agree on one key and a crash never leaves half a key. An existing file that is unreadable or too short
 * stops the start rather than being replaced: replacing it would silently sign everybody out.
 */
export async function loadOrCreateSecret(file: string): Promise<{ secret: Buffer; generated: boolean }> {
  const existing = await readSecret(file);
  if (existing) return { secret: existing, generated: false };

  await fs.mkdir(path.dirname(file), { recursive: true });
  const secret = randomBytes(32);
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await fs.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${secret.toString('base64url')}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await readSecret(file);
    if (!winner) throw new DataFileError(file, 'it appeared while being created and cannot be read');
    return { secret: winner, generated: false };
  } finally {
    await fs.rm(temp, { force: true });
  }
  return { secret, generated: true };
}

async function readSecret(file: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = (await fs.readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DataFileError(file, (error as Error).message);
  }
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new DataFileError(file, 'it is not a base64url secret');
  const secret = Buffer.from(text, 'base64url');
  if (secret.length < MIN_SECRET_BYTES) {
    throw new DataFileError(file, `the secret has ${secret.length} bytes, fewer than ${MIN_SECRET_BYTES}`);
  }
  // The key signs every session: only the server's user may read it, whatever a copy or restore left behind.
  const { mode } = await fs.stat(file);
  if ((mode & 0o077) !== 0) await fs.chmod(file, 0o600);
  return secret;
}
