import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** File in DATA_DIR that says a server uses the directory; it holds the server's pid. */
export const SERVER_LOCK_FILE = 'server.lock';

export class ServerLockedError extends Error {
  readonly code = 'SERVER_LOCKED';
  constructor(readonly file: string, readonly pid: number) {
    super(`Another Switchboard process (pid ${pid}) uses ${path.dirname(file)} (lock ${file}); stop it first`);
    this.name = 'ServerLockedError';
  }
}

export interface ServerLockInfo {
  readonly file: string;
  readonly pid: number;
  /** Whether a process with this pid is alive now; a dead pid is a stale lock that the next start replaces. */
  readonly alive: boolean;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the lock of a data directory, or null when nobody ever did (for the replay CLI and tools). */
export async function readServerLock(dataDir: string): Promise<ServerLockInfo | null> {
  const file = path.join(dataDir, SERVER_LOCK_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const pid = Number(text.trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) return { file, pid: 0, alive: false };
  return { file, pid, alive: isAlive(pid) };
}

export interface ServerLock {
  readonly file: string;
  /** Removes the lock if it is still ours. */
  release(): Promise<void>;
}

/**
 * Takes `DATA_DIR/server.lock`, refusing when a live process holds it. The file is created
 * exclusively, so two servers starting at once cannot both win; a lock left by a dead process
 * is replaced.
 */
export async function acquireServerLock(dataDir: string, pid = process.pid): Promise<ServerLock> {
  const file = path.join(dataDir, SERVER_LOCK_FILE);
  await fs.mkdir(dataDir, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(file, `${pid}\n`, { flag: 'wx', mode: 0o644 });
      return { file, release: () => releaseIfOurs(file, pid) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readServerLock(dataDir);
    if (holder?.alive) throw new ServerLockedError(file, holder.pid);
    await fs.rm(file, { force: true });
  }
  throw new Error(`Could not take the lock ${file}: it keeps changing`);
}

async function releaseIfOurs(file: string, pid: number): Promise<void> {
  try {
    if ((await fs.readFile(file, 'utf8')).trim() === String(pid)) await fs.rm(file, { force: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
