import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { keyFilePath, readKeyFile, removeKeyFile, UnsafeKeyFileError, updateKeyFileName, writeKeyFile, type AgentKeyFile } from './key-file';

const KEY: AgentKeyFile = { serverUrl: 'http://127.0.0.1:3000', computerId: 'c-1', agentKey: 'c-1.AbCdEfGhIjKlMnOpQrStUvWx', name: 'Laptop' };
const posix = process.platform !== 'win32';

describe('agent key file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'agent-key-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('is absent before enrollment', async () => {
    expect(await readKeyFile(path.join(dir, 'nested'))).toBeNull();
  });

  it('round-trips, created with mode 0600 in a folder it creates, leaving no temp file', async () => {
    const data = path.join(dir, 'data');
    await writeKeyFile(data, KEY);
    expect(await readKeyFile(data)).toEqual(KEY);
    if (posix) expect((await fs.stat(keyFilePath(data))).mode & 0o777).toBe(0o600);
    expect(await fs.readdir(data)).toEqual(['agent.json']);
  });

  it('replaces the previous key whole', async () => {
    await writeKeyFile(dir, KEY);
    await writeKeyFile(dir, { ...KEY, agentKey: 'c-1.ZZZZZZZZZZZZZZZZZZZZZZZZ' });
    expect((await readKeyFile(dir))?.agentKey).toBe('c-1.ZZZZZZZZZZZZZZZZZZZZZZZZ');
  });

  // Windows has no mode bits to tighten; there the read alone is checked.
  it('tightens a file others could read', async () => {
    await fs.writeFile(keyFilePath(dir), JSON.stringify(KEY), { mode: 0o644 });
    await fs.chmod(keyFilePath(dir), 0o644);
    expect(await readKeyFile(dir)).toEqual(KEY);
    if (posix) expect((await fs.stat(keyFilePath(dir))).mode & 0o777).toBe(0o600);
  });

  // Someone else could have swapped the key or the server in it: the agent refuses and leaves it as it is.
  it('refuses a key file, or a folder, that other users can write', async () => {
    await writeKeyFile(dir, KEY);
    await fs.chmod(keyFilePath(dir), 0o666);
    const refusal = readKeyFile(dir);
    await expect(refusal).rejects.toThrow(UnsafeKeyFileError);
    await expect(readKeyFile(dir)).rejects.toThrow(/agent\.json can be written by other users \(mode 666\).*chmod 600/);
    expect((await fs.stat(keyFilePath(dir))).mode & 0o777).toBe(0o666);

    await fs.chmod(keyFilePath(dir), 0o600);
    await fs.chmod(dir, 0o777);
    await expect(readKeyFile(dir)).rejects.toThrow(/can be written by other users \(mode 777\).*chmod 700/);
    await fs.chmod(dir, 0o700);
    expect(await readKeyFile(dir)).toEqual(KEY);
  });

  it('says a damaged file is damaged instead of enrolling again', async () => {
    await fs.writeFile(keyFilePath(dir), '{"serverUrl":', { mode: 0o600 });
    await expect(readKeyFile(dir)).rejects.toThrow(/damaged \(not JSON\)/);
    await fs.writeFile(keyFilePath(dir), JSON.stringify({ ...KEY, agentKey: '' }), { mode: 0o600 });
    await expect(readKeyFile(dir)).rejects.toThrow(/agentKey missing/);
  });

  it('stores a new name and forgets the key on removal', async () => {
    await writeKeyFile(dir, KEY);
    expect(await updateKeyFileName(dir, 'Front desk')).toEqual({ ...KEY, name: 'Front desk' });
    expect((await readKeyFile(dir))?.name).toBe('Front desk');
    await removeKeyFile(dir);
    expect(await readKeyFile(dir)).toBeNull();
  });
});
