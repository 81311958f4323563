import * as path from 'node:path';
import { ConfigError, loadConfig, type AppConfig } from '../nest/config';

/** Where the CLI writes; the process streams in `main.ts`, string buffers in tests. */
export interface CliOutput {
  write(text: string): unknown;
  /** Progress bars draw only on a terminal. */
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface CliIo {
  readonly stdout: CliOutput;
  /** Errors and progress bars. */
  readonly stderr: CliOutput;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** Exit codes: 0 done, 1 failed (broken chain, data dir busy, unreadable data), 2 bad usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** The same file names the server uses inside DATA_DIR (adapters/nest/infrastructure.ts). */
export const EVENTS_FILE = 'events.sqlite3';
export const SNAPSHOT_FILE = 'readstore.snapshot';

export interface DataDirPaths {
  readonly dataDir: string;
  readonly eventsFile: string;
  readonly snapshotFile: string;
}

/** `--data-dir`, else `DATA_DIR`, else `./data`, resolved against the working directory. */
export function dataDirPaths(io: CliIo, option?: string): DataDirPaths {
  const dataDir = path.resolve(io.cwd, option ?? io.env.DATA_DIR ?? './data');
  return {
    dataDir,
    eventsFile: path.join(dataDir, EVENTS_FILE),
    snapshotFile: path.join(dataDir, SNAPSHOT_FILE),
  };
}

/**
 * The server's configuration from the CLI's environment, `--data-dir` before DATA_DIR, so that a tool
 * opens the stores the server would. Null, with the problems on stderr, when the configuration is invalid.
 */
export function cliConfig(io: CliIo, command: string, dataDirOption?: string): AppConfig | null {
  try {
    return loadConfig({ ...io.env, ...(dataDirOption !== undefined ? { DATA_DIR: dataDirOption } : {}) }, io.cwd);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`switchboard ${command}: ${error.message}\n`);
    return null;
  }
}

/** Whole seconds as `1h02m03s`, `2m05s` or `7s`. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '?';
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

export const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');
