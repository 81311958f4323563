import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { NewEvent } from '../../application/ports/event-store.port';
import { checkpointKey, type ProjectionCheckpoint } from '../../application/projections/projection-checkpoint';
import { userSubject } from '../../domain/user/user.personal-data';
import { USER_LIST } from '../../read-models/user-list/user-list.projection';
import type { UserView } from '../../read-models/user-list/user-list.view';
import { openEventStoreStack } from '../nest/event-store-stack';
import { MemoryReadStore } from '../readstore-memory/memory-read-store.adapter';
import { runCli } from './cli';
import type { CliIo } from './cli-io';

const TENANT = 'acct-1';
const USER = 'user-one';
const EMAIL = 'ann.example@example.com';
const AT = '2025-03-01T10:00:00.000Z';

function capture(env: Record<string, string>): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (t: string) => ((out += t), true) }, stderr: { write: (t: string) => ((err += t), true) }, env, cwd: tmpdir() },
    out: () => out,
    err: () => err,
  };
}

const registered: NewEvent = {
  type: 'UserRegistered',
  data: { userId: USER, accountId: TENANT, email: EMAIL, role: 'owner', method: 'email', activated: false, registeredAt: AT },
  metadata: {
    eventId: 'evt-user-registered',
    schemaVersion: 1,
    tenantId: TENANT,
    actor: { kind: 'system', id: 'cli-spec' },
    correlationId: 'c-1',
    causationId: 'c-1',
    occurredAt: AT,
  },
};

describe('switchboard replay on personal data', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sb-cli-pii-'));
    env = { DATA_DIR: dataDir };
    // Written as the server writes it: through the crypto-shredding stack.
    const stack = await openEventStoreStack({ dataDir, sqliteSynchronous: 'NORMAL' });
    try {
      await stack.store.appendToStream(`user-${USER}`, [registered], 'no_stream');
    } finally {
      await stack.close();
    }
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function replayedUser(): Promise<UserView | null> {
    const run = capture(env);
    expect({ code: await runCli(['replay', USER_LIST], run.io), err: run.err() }).toEqual({ code: 0, err: '' });
    expect(run.out()).toMatch(/^Rebuilt user-list v\d+ into user-list_v\d+(_r)?: 1 events/);
    const store = await MemoryReadStore.open({ snapshotFile: path.join(dataDir, 'readstore.snapshot') });
    try {
      const checkpoint = (await store.getMeta<ProjectionCheckpoint>(checkpointKey(USER_LIST)))!;
      return await store.forTenant(TENANT).collection<UserView>(checkpoint.collection).get(USER);
    } finally {
      await store.close();
    }
  }

  it('rebuilds user-list with the email in clear, stored sealed; after a shred it reads null and the chain still verifies', async () => {
    expect(await replayedUser()).toMatchObject({ id: USER, tenantId: TENANT, email: EMAIL, status: 'pending' });

    const stack = await openEventStoreStack({ dataDir, sqliteSynchronous: 'NORMAL' });
    try {
      // The log itself holds the address sealed: a replay on the raw store would have projected ciphertext.
      const [stored] = await stack.raw.readStream(`user-${USER}`);
      expect(stored.data.email).not.toBe(EMAIL);
      expect(JSON.stringify(stored)).not.toContain(EMAIL);
      expect((await stack.store.readStream(`user-${USER}`))[0].data.email).toBe(EMAIL);
      await stack.keyStore.delete(userSubject(USER));
    } finally {
      await stack.close();
    }

    expect(await replayedUser()).toMatchObject({ id: USER, tenantId: TENANT, email: null, status: 'pending' });

    const verify = capture(env);
    expect(await runCli(['audit:verify'], verify.io)).toBe(0);
    expect(verify.out()).toBe('OK: 1 streams, 1 events verified\n');
  });

  it('refuses an invalid configuration before touching the data directory (exit 2)', async () => {
    const run = capture({ ...env, EVENTSTORE_URL: 'http://not-esdb' });
    expect(await runCli(['replay', USER_LIST], run.io)).toBe(2);
    expect(run.err()).toContain('EVENTSTORE_URL: must be a URL starting with esdb://');
    const verify = capture({ ...env, MONGO_URL: 'nope' });
    expect(await runCli(['audit:verify'], verify.io)).toBe(2);
    expect(verify.err()).toContain('MONGO_URL: must be a URL');
  });
});
