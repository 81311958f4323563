import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import request from 'supertest';
import { DataFileError } from '../../application/errors';
import { ConfigError, configHelp, CONFIG_VARIABLES, loadConfig } from '../../adapters/nest/config';
import { startFailureMessage } from '../../adapters/nest/main';
import { readServerLock, ServerLockedError } from '../../adapters/system/server-lock';
import { makeDataDir, startApp } from './e2e-app';

describe('configuration', () => {
  it('names every bad variable on its own line, without echoing the token', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', SQLITE_SYNCHRONOUS: 'OFF', EVENTSTORE_URL: 'http://x', LOG_LEVEL: 'loud', OPERATOR_TOKEN: 'short-secret' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = (error as ConfigError).message.split('\n');
    expect(lines[0]).toBe('Invalid configuration:');
    for (const name of ['PORT', 'SQLITE_SYNCHRONOUS', 'EVENTSTORE_URL', 'LOG_LEVEL', 'OPERATOR_TOKEN']) {
      expect(lines.filter((l) => l.startsWith(`  - ${name}`))).toHaveLength(1);
    }
    expect((error as ConfigError).message).not.toContain('short-secret');
  });

  it('has defaults for everything', () => {
    const config = loadConfig({}, '/srv/app', '/opt/switchboard');
    expect(config).toEqual({
      port: 3000,
      host: '0.0.0.0',
      dataDir: '/srv/app/data',
      sqliteSynchronous: 'FULL',
      logLevel: 'info',
      snapshotIntervalMs: 30000,
      uiDist: '/opt/switchboard/ui-angular/dist/browser',
      agentLink: { heartbeatIntervalMs: 30000, sweepIntervalMs: 30000, screenshotIntervalMs: 60000, helloTimeoutMs: 10000, offlineGraceMs: 15000, demoComputer: true },
      sessionLink: { agentLostMs: 60000, connectionCodeTtlMs: 600000, supportLinkTtlMs: 86400000, recordingChunkMs: 10000 },
    });
    expect(loadConfig({ UI_DIST: 'ui' }, '/srv/app').uiDist).toBe('/srv/app/ui');
    expect(loadConfig({ MONGO_URL: 'mongodb://db:27017' }, '/').mongo).toEqual({ url: 'mongodb://db:27017', db: 'switchboard' });
  });

  it('prints every variable in --help', () => {
    const help = configHelp();
    for (const v of CONFIG_VARIABLES) expect(help).toContain(v.name);
  });
});

describe('booting on a data directory', () => {
  const dirs: string[] = [];
  const dataDir = async () => {
    const dir = await makeDataDir();
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('refuses a corrupt events file with a DataFileError, leaving its bytes and the lock alone', async () => {
    const dir = await dataDir();
    const file = path.join(dir, 'events.sqlite3');
    const garbage = randomBytes(8192);
    await writeFile(file, garbage);
    const error = await startApp({ DATA_DIR: dir, OPERATOR_TOKEN: '' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataFileError);
    const line = startFailureMessage(error);
    expect(line).toMatch(/^switchboard: cannot start: Cannot use data file .*events\.sqlite3: .*left untouched\.$/);
    expect(line).not.toContain('\n');
    expect((await readFile(file)).equals(garbage)).toBe(true);
    expect(existsSync(path.join(dir, 'server.lock'))).toBe(false);
    expect(existsSync(path.join(dir, 'operator-token'))).toBe(false);
  });

  it('refuses a corrupt read-store snapshot the same way', async () => {
    const dir = await dataDir();
    const file = path.join(dir, 'readstore.snapshot');
    await writeFile(file, 'not a snapshot');
    await expect(startApp({ DATA_DIR: dir })).rejects.toBeInstanceOf(DataFileError);
    expect(await readFile(file, 'utf8')).toBe('not a snapshot');
  });

  it('holds DATA_DIR/server.lock while running: a second server is refused, a restart after stop works and keeps the data', async () => {
    const dir = await dataDir();
    const first = await startApp({ DATA_DIR: dir });
    expect(await readServerLock(dir)).toEqual({ file: path.join(dir, 'server.lock'), pid: process.pid, alive: true });
    await expect(startApp({ DATA_DIR: dir })).rejects.toBeInstanceOf(ServerLockedError);
    const { body } = await request(first.url).post('/api/accounts').set(first.auth).send({ name: 'Durable', kind: 'msp' }).expect(201);
    await request(first.url).get(`/api/accounts/${body.id}?minPosition=${body.position}`).set(first.auth).expect(200);
    await first.stop({ keepDataDir: true });
    expect(await readServerLock(dir)).toBeNull();
    expect((await stat(path.join(dir, 'readstore.snapshot'))).size).toBeGreaterThan(0);

    const second = await startApp({ DATA_DIR: dir });
    try {
      // Restored from the snapshot written at shutdown: visible without waiting for any position.
      const res = await request(second.url).get(`/api/accounts/${body.id}`).set(second.auth).expect(200);
      expect(res.body.name).toBe('Durable');
    } finally {
      await second.stop({ keepDataDir: true });
    }
  });

  it('writes the read-store snapshot periodically while running', async () => {
    const dir = await dataDir();
    const app = await startApp({ DATA_DIR: dir, SNAPSHOT_INTERVAL_MS: '1000' });
    try {
      const { body } = await request(app.url).post('/api/accounts').set(app.auth).send({ name: 'Snap', kind: 'msp' }).expect(201);
      await request(app.url).get(`/api/accounts/${body.id}?minPosition=${body.position}`).set(app.auth).expect(200);
      const file = path.join(dir, 'readstore.snapshot');
      const deadline = Date.now() + 5000;
      while (!existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(existsSync(file)).toBe(true);
    } finally {
      await app.stop({ keepDataDir: true });
    }
  });

  it('replaces a lock left by a dead process', async () => {
    const dir = await dataDir();
    await writeFile(path.join(dir, 'server.lock'), '999999999\n');
    const app = await startApp({ DATA_DIR: dir });
    expect((await readServerLock(dir))?.pid).toBe(process.pid);
    await app.stop({ keepDataDir: true });
  });

  it('generates the operator token into DATA_DIR/operator-token (0600) when OPERATOR_TOKEN is unset', async () => {
    const dir = await dataDir();
    const app = await startApp({ DATA_DIR: dir, OPERATOR_TOKEN: '' });
    try {
      const file = path.join(dir, 'operator-token');
      const token = (await readFile(file, 'utf8')).trim();
      expect(token.length).toBeGreaterThanOrEqual(43);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      await request(app.url).post('/api/accounts').set('Authorization', `Bearer ${token}`).send({ name: 'T', kind: 'msp' }).expect(201);
    } finally {
      await app.stop({ keepDataDir: true });
    }
  });
});
