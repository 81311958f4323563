import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { tarGz } from './tar-gz';

describe('tarGz', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-tar-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes an archive that the system tar extracts with names, contents and modes', async () => {
    const long = `switchboard-agent/${'deep/'.repeat(25)}file.js`;
    const archive = await tarGz(
      [
        { name: 'switchboard-agent/enrollment.json', data: Buffer.from('{"token":"t"}\n') },
        { name: 'switchboard-agent/bin/switchboard-agent', data: Buffer.from('#!/bin/sh\necho hi\n'), mode: 0o755 },
        { name: long, data: Buffer.alloc(1500, 0x41) },
        { name: 'switchboard-agent/empty', data: Buffer.alloc(0) },
      ],
      Date.parse('2025-01-01T00:00:00Z'),
    );
    await writeFile(path.join(dir, 'a.tar.gz'), archive);
    execFileSync('tar', ['-xzf', 'a.tar.gz'], { cwd: dir });
    expect(await readFile(path.join(dir, 'switchboard-agent/enrollment.json'), 'utf8')).toBe('{"token":"t"}\n');
    expect((await stat(path.join(dir, 'switchboard-agent/bin/switchboard-agent'))).mode & 0o777).toBe(0o755);
    expect(execFileSync(path.join(dir, 'switchboard-agent/bin/switchboard-agent')).toString()).toBe('hi\n');
    expect((await readFile(path.join(dir, long))).equals(Buffer.alloc(1500, 0x41))).toBe(true);
    expect((await readFile(path.join(dir, 'switchboard-agent/empty'))).length).toBe(0);
  });
});
