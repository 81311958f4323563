import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSettings, settingsFilePath, watchSettings, writeSettings } from './settings-file';

async function until<T>(check: () => T | undefined | false, what: string, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('agent settings file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'agent-settings-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('is empty when missing, round-trips, is written 0600 and leaves no temp file', async () => {
    expect(await readSettings(dir)).toEqual({ name: null, pending: false });
    await writeSettings(dir, { name: 'Front desk', pending: true });
    expect(await readSettings(dir)).toEqual({ name: 'Front desk', pending: true });
    expect((await fs.stat(settingsFilePath(dir))).mode & 0o777).toBe(0o600);
    expect(await fs.readdir(dir)).toEqual(['settings.json']);
  });

  it('reads a hand-edited file leniently but says a damaged one is damaged', async () => {
    await fs.writeFile(settingsFilePath(dir), JSON.stringify({ name: '  Laptop  ', pending: 'yes' }));
    expect(await readSettings(dir)).toEqual({ name: 'Laptop', pending: false });
    await fs.writeFile(settingsFilePath(dir), JSON.stringify({ name: '', pending: true }));
    expect(await readSettings(dir)).toEqual({ name: null, pending: false });
    await fs.writeFile(settingsFilePath(dir), '{"name":');
    await expect(readSettings(dir)).rejects.toThrow(/settings\.json is damaged/);
  });

  it('tells the watcher once per write, and not about other files', async () => {
    let calls = 0;
    const stop = watchSettings(dir, () => calls++, 20);
    try {
      await writeSettings(dir, { name: 'A', pending: true });
      await until(() => calls === 1, 'one change');
      await fs.writeFile(path.join(dir, 'agent.json'), '{}');
      await writeSettings(dir, { name: 'B', pending: true });
      await until(() => calls === 2, 'a second change');
      // The agent.json write came first; had it counted, the second settings write would make 3.
      await new Promise((r) => setTimeout(r, 60));
      expect(calls).toBe(2);
    } finally {
      stop();
    }
  });
});
