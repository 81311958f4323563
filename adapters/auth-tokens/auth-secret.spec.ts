import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataFileError } from '../../application/errors';
import { AUTH_SECRET_FILE, loadOrCreateSecret, resolveAuthSecret } from './auth-secret';

describe('auth secret', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-auth-secret-'));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const modeOf = async (file: string) => (await fs.stat(file)).mode & 0o777;

  it('generates 256 bits into a file only its owner can read', async () => {
    const file = path.join(dir, AUTH_SECRET_FILE);
    const { secret, generated } = await loadOrCreateSecret(file);
    expect(generated).toBe(true);
    expect(secret).toHaveLength(32);
    expect(await modeOf(file)).toBe(0o600);
    expect((await fs.readFile(file, 'utf8')).trim()).toBe(secret.toString('base64url'));
    expect(await fs.readdir(dir)).toEqual([AUTH_SECRET_FILE]);
  });

  it('reuses the same secret on the next start', async () => {
    const file = path.join(dir, AUTH_SECRET_FILE);
    const first = await loadOrCreateSecret(file);
    const second = await loadOrCreateSecret(file);
    expect(second.generated).toBe(false);
    expect(second.secret.equals(first.secret)).toBe(true);
  });

  it('agrees on one secret when several starts race, and leaves no temporary file', async () => {
    const file = path.join(dir, AUTH_SECRET_FILE);
    const results = await Promise.all(Array.from({ length: 6 }, () => loadOrCreateSecret(file)));
    expect(results.filter((r) => r.generated)).toHaveLength(1);
    const stored = (await fs.readFile(file, 'utf8')).trim();
    for (const r of results) expect(r.secret.toString('base64url')).toBe(stored);
    expect(await fs.readdir(dir)).toEqual([AUTH_SECRET_FILE]);
  });

  it('creates a missing data directory', async () => {
    const file = path.join(dir, 'nested', 'data', AUTH_SECRET_FILE);
    expect((await loadOrCreateSecret(file)).generated).toBe(true);
    expect(await modeOf(file)).toBe(0o600);
  });

  it('tightens a readable-by-others secret file to 0600 and keeps its secret', async () => {
    const file = path.join(dir, AUTH_SECRET_FILE);
    const { secret } = await loadOrCreateSecret(file);
    await fs.chmod(file, 0o644);
    const again = await loadOrCreateSecret(file);
    expect(again.secret.equals(secret)).toBe(true);
    expect(await modeOf(file)).toBe(0o600);
  });

  it.each([
    ['not base64url', 'not a secret!\n'],
    ['too short', `${Buffer.alloc(16, 1).toString('base64url')}\n`],
    ['empty', ''],
  ])('refuses a file that is %s and leaves it untouched', async (_name, content) => {
    const file = path.join(dir, AUTH_SECRET_FILE);
    await fs.writeFile(file, content, { mode: 0o600 });
    await expect(loadOrCreateSecret(file)).rejects.toBeInstanceOf(DataFileError);
    expect(await fs.readFile(file, 'utf8')).toBe(content);
  });

  describe('resolveAuthSecret', () => {
    it('takes AUTH_SECRET as given and writes no file', async () => {
      const fromEnv = 'x'.repeat(32);
      const source = await resolveAuthSecret(dir, fromEnv);
      expect(source.origin).toBe('env');
      expect(source.secret.toString('utf8')).toBe(fromEnv);
      expect(await fs.readdir(dir)).toEqual([]);
    });

    it('refuses an AUTH_SECRET shorter than 32 bytes', async () => {
      await expect(resolveAuthSecret(dir, 'short')).rejects.toThrow(/at least 32 bytes/);
    });

    it('falls back to DATA_DIR/auth-secret and says whether it generated it', async () => {
      const first = await resolveAuthSecret(dir);
      expect(first.origin).toEqual({ file: path.join(dir, AUTH_SECRET_FILE), generated: true });
      const second = await resolveAuthSecret(dir, '');
      expect(second.origin).toEqual({ file: path.join(dir, AUTH_SECRET_FILE), generated: false });
      expect(second.secret.equals(first.secret)).toBe(true);
    });
  });
});
