import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { FileBlobStore } from '../../adapters/blobs/file-blob-store.adapter';
import { MemoryKeyStore } from '../../adapters/crypto-shredding/memory-key-store.adapter';
import { MemoryEventStore } from '../../adapters/eventstore-memory/memory-event-store.adapter';
import { SESSION_HISTORY_HANDLERS } from '../../adapters/nest/session-history.providers';
import { MemoryReadStore } from '../../adapters/readstore-memory/memory-read-store.adapter';
import { CommandRunner } from '../../application/command-runner';
import type { CommandMeta } from '../../application/handle-command';
import { BLOB_STORE } from '../../application/ports/blob-store.port';
import { ProjectionRunner } from '../../application/projections/projection-runner';
import type { SessionCommand } from '../../domain/session/session.commands';
import { sessionDecider } from '../../domain/session/session.decide';
import type { SessionOpened } from '../../domain/session/session.events';
import type { Principal } from '../../domain/shared/event';
import { streamName } from '../../domain/shared/stream-name';
import { SESSION_HISTORY, sessionHistoryProjection } from '../../read-models/session-history/session-history.projection';
import { ManualClock } from './counter-projection';
import { useCaseModule } from './use-case-module';

/** The server acting on sessions (end-users' arrivals, expiries) in a tenant. */
export const sessionServer = (tenantId: string): Principal => ({ kind: 'system', id: 'sessions', tenantId });

type OpenOptions = Partial<Omit<SessionOpened['data'], 'sessionId' | 'accountId' | 'ownerUserId' | 'openedAt'>>;

/**
 * The session history queries and the recording use case on the embedded adapters (memory event and
 * read stores, files blob store), with the session-history projection running. Sessions are driven
 * through the Session decider, as the session use cases do.
 */
export async function sessionHistoryHarness() {
  const clock = new ManualClock(Date.parse('2026-11-21T10:00:00.000Z'));
  const store = new MemoryEventStore();
  const readStore = new MemoryReadStore();
  const blobDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-sessions-'));
  const blobs = await FileBlobStore.open(blobDir);
  const projections = new ProjectionRunner({ eventStore: store, readStore, projections: [sessionHistoryProjection], clock });
  await projections.start();
  const module = await useCaseModule({
    store,
    readStore,
    projections,
    clock,
    keys: new MemoryKeyStore(),
    providers: [...SESSION_HISTORY_HANDLERS, { provide: BLOB_STORE, useValue: blobs }],
  });
  const runner = module.get(CommandRunner);
  let n = 0;
  const meta = (): CommandMeta => {
    n += 1;
    return { correlationId: `c${n}`, source: { ip: '203.0.113.7', channel: 'http' } };
  };
  const run = (sessionId: string, command: Pick<SessionCommand, 'type' | 'data'>, principal: Principal) =>
    runner.run(streamName('session', sessionId), sessionDecider, command as SessionCommand, principal, meta());

  return {
    clock,
    store,
    readStore,
    blobs,
    projections,
    module,
    commands: module.get(CommandBus),
    queries: module.get(QueryBus),
    meta,
    run,
    /** Opens a session owned by `owner` (a console session on computer `c1` unless told otherwise). */
    async open(sessionId: string, owner: Principal, options: OpenOptions = {}): Promise<string> {
      const waits = options.source === 'link' || options.source === 'connection-id';
      await run(
        sessionId,
        {
          type: 'OpenSession',
          data: {
            sessionId,
            accountId: owner.tenantId,
            ownerUserId: owner.id,
            ownerName: `Name of ${owner.id}`,
            source: 'console',
            computerId: waits ? null : 'c1',
            computerAccountId: null,
            computerName: waits ? null : 'Reception',
            ticket: null,
            endUserName: null,
            expiresAt: waits ? new Date(Date.parse(clock.now()) + 3_600_000).toISOString() : null,
            recording: false,
            permalinkPath: null,
            ...options,
          },
        },
        owner,
      );
      return sessionId;
    },
    join: (sessionId: string, viewer: Principal) => run(sessionId, { type: 'JoinSession', data: { userId: viewer.id, displayName: `Name of ${viewer.id}` } }, viewer),
    arrive: (sessionId: string, tenantId: string, participantId: string, name: string) =>
      run(
        sessionId,
        { type: 'ArriveEndUser', data: { participantId, name, ip: '198.51.100.9', keyHash: 'a'.repeat(64), hostname: `${name}-pc`, platform: 'linux' } },
        sessionServer(tenantId),
      ),
    end: (sessionId: string, by: Principal) => run(sessionId, { type: 'EndSession', data: { reason: 'technician' } }, by),
    /** Waits until the history has applied everything written so far. */
    async settle(): Promise<void> {
      await projections.waitFor(SESSION_HISTORY, await store.headPosition(), 2000);
    },
    async close(): Promise<void> {
      await projections.stop();
      await module.close();
      await store.close();
      await blobs.close();
      await rm(blobDir, { recursive: true, force: true });
    },
  };
}

export type SessionHistoryHarness = Awaited<ReturnType<typeof sessionHistoryHarness>>;
