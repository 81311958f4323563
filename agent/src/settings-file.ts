import { watch, promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * DATA_DIR/settings.json: what the person at the computer sets for the agent. Today only its name:
 * `switchboard-agent set-name NAME` (or `--name`) writes it with `pending: true`; the running agent
 * watches the file, sends the name to the server, and clears `pending`. A rename from the console is
 * written here too (not pending), so that an old setting never undoes it at the next start.
 */
export interface AgentSettings {
  readonly name: string | null;
  /** The name was set here and the server has not been told yet. */
  readonly pending: boolean;
}

export const SETTINGS_FILE_NAME = 'settings.json';
const NONE: AgentSettings = { name: null, pending: false };
/** Two writes in the same millisecond (a console rename while a setting is sent) need distinct temp files. */
let writes = 0;

export const settingsFilePath = (dataDir: string): string => path.join(dataDir, SETTINGS_FILE_NAME);

/** The settings; none when the file is missing. A damaged file is an error naming it, never silently reset. */
export async function readSettings(dataDir: string): Promise<AgentSettings> {
  const file = settingsFilePath(dataDir);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return NONE;
    throw error;
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`${file} is damaged (not JSON): fix it or remove it`);
  }
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const name = typeof o.name === 'string' && o.name.trim() !== '' ? o.name.trim().slice(0, 64) : null;
  return { name, pending: name !== null && o.pending === true };
}

/** Replaces the settings whole (temp file, then rename), so the watching agent never reads half a file. */
export async function writeSettings(dataDir: string, settings: AgentSettings): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = settingsFilePath(dataDir);
  const temp = `${file}.${process.pid}.${Date.now()}.${++writes}.tmp`;
  await fs.writeFile(temp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/**
 * Calls `onChange` soon after settings.json changes. The folder is watched, not the file, because a
 * write replaces the file by renaming; several events of one write are folded into one call.
 */
export function watchSettings(dataDir: string, onChange: () => void, settleMs = 50): () => void {
  let timer: NodeJS.Timeout | null = null;
  const watcher = watch(dataDir, (_event, filename) => {
    if (filename !== null && filename !== SETTINGS_FILE_NAME) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      onChange();
    }, settleMs);
  });
  // A removed data folder ends the watch; the agent goes on with the settings it has.
  watcher.on('error', () => undefined);
  return () => {
    if (timer !== null) clearTimeout(timer);
    watcher.close();
  };
}
