import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** What the agent remembers between runs: DATA_DIR/agent.json, readable by its own user only. */
export interface AgentKeyFile {
  readonly serverUrl: string;
  readonly computerId: string;
  /** The secret that authenticates this computer; the server keeps only its hash. */
  readonly agentKey: string;
  readonly name: string;
}

export const KEY_FILE_NAME = 'agent.json';
const OWNER_ONLY = 0o600;

export const keyFilePath = (dataDir: string): string => path.join(dataDir, KEY_FILE_NAME);

/**
 * The key file or its folder can be written by other users: someone may have swapped the key or
 * pointed the agent at another server, so the agent refuses to run until its owner has looked.
 */
export class UnsafeKeyFileError extends Error {
  constructor(
    readonly path: string,
    mode: number,
    fix: string,
  ) {
    super(`${path} can be written by other users (mode ${(mode & 0o777).toString(8).padStart(3, '0')}), so the key cannot be trusted: check it, then run ${fix}`);
  }
}

/**
 * The key file, or null when the agent has not enrolled yet. A file others may only read is
 * tightened to 0600 (a copied or restored file: nothing is lost by tightening); one others may write,
 * or in a folder others may write, is refused (UnsafeKeyFileError); a damaged one is an error, never
 * silently re-enrolled. Windows has no mode bits: there the folder's ACL is what protects the key.
 */
export async function readKeyFile(dataDir: string): Promise<AgentKeyFile | null> {
  const file = keyFilePath(dataDir);
  let text: string;
  try {
    const stat = await fs.stat(file);
    if (process.platform !== 'win32') {
      if ((stat.mode & 0o022) !== 0) throw new UnsafeKeyFileError(file, stat.mode, `chmod 600 '${file}'`);
      const folder = await fs.stat(dataDir);
      if ((folder.mode & 0o022) !== 0) throw new UnsafeKeyFileError(dataDir, folder.mode, `chmod 700 '${dataDir}'`);
      if ((stat.mode & 0o077) !== 0) await fs.chmod(file, OWNER_ONLY);
    }
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${file} is damaged (not JSON): remove it and enroll again`);
  }
  const fields = ['serverUrl', 'computerId', 'agentKey', 'name'] as const;
  for (const field of fields) {
    if (typeof v?.[field] !== 'string' || (v[field] as string) === '') throw new Error(`${file} is damaged (${field} missing): remove it and enroll again`);
  }
  return { serverUrl: v.serverUrl as string, computerId: v.computerId as string, agentKey: v.agentKey as string, name: v.name as string };
}

/**
 * Writes the key file atomically: a temp file created 0600 in the same folder, flushed, then
 * renamed over the old one, so a crash leaves either the old key or the new one, never half.
 */
export async function writeKeyFile(dataDir: string, key: AgentKeyFile): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = keyFilePath(dataDir);
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const handle = await fs.open(temp, 'wx', OWNER_ONLY);
  try {
    await handle.writeFile(`${JSON.stringify(key, null, 2)}\n`, 'utf8');
    // The umask may have loosened nothing, but an inherited ACL or odd umask could: say it again.
    await handle.chmod(OWNER_ONLY);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/** The stored name after the console or the agent's settings renamed the computer. */
export async function updateKeyFileName(dataDir: string, name: string): Promise<AgentKeyFile | null> {
  const key = await readKeyFile(dataDir);
  if (!key || key.name === name) return key;
  const renamed = { ...key, name };
  await writeKeyFile(dataDir, renamed);
  return renamed;
}

/** Forgets the key: the computer was removed and must enroll again. */
export async function removeKeyFile(dataDir: string): Promise<void> {
  await fs.rm(keyFilePath(dataDir), { force: true });
}
