import type { Actor, Principal } from '../../domain/shared/event';
import { MemoryEventStore } from '../../adapters/eventstore-memory/memory-event-store.adapter';
import { MemoryReadStore } from '../../adapters/readstore-memory/memory-read-store.adapter';
import { auditLogProjection } from '../../read-models/audit-log/audit-log.projection';
import { ManualClock } from '../../tests/kit/counter-projection';
import { ProjectionRunner } from '../projections/projection-runner';
import type { Position } from '../ports/position';
import {
  AUDIT_PAGE_MAX,
  ListAuditEntriesHandler,
  ListAuditEntriesQuery,
  type AuditFilter,
  type AuditPage,
  type AuditPageRequest,
} from './list-audit-entries.query';

const T0 = Date.parse('2026-11-21T10:00:00.000Z');
const minutes = (n: number) => new Date(T0 + n * 60_000).toISOString();

const owner = (tenantId: string): Principal => ({ kind: 'user', id: `owner-of-${tenantId}`, tenantId, role: 'owner' });

describe('ListAuditEntries', () => {
  let events: MemoryEventStore;
  let runner: ProjectionRunner;
  let handler: ListAuditEntriesHandler;
  let revisions: Map<string, number>;
  let sequence: number;
  let head: Position;

  beforeEach(async () => {
    events = new MemoryEventStore();
    const store = new MemoryReadStore();
    runner = new ProjectionRunner({ eventStore: events, readStore: store, projections: [auditLogProjection], clock: new ManualClock(), batchSize: 50 });
    await runner.start();
    handler = new ListAuditEntriesHandler(store, runner);
    revisions = new Map();
    sequence = 0;
    head = '0';
  });
  afterEach(async () => {
    await runner.stop();
  });

  /** One event on `stream` in `tenantId`, `minute` minutes after T0 (the sequence number when omitted). */
  async function append(tenantId: string, stream: string, type: string, actor: Actor, minute?: number): Promise<Position> {
    sequence += 1;
    const expected = revisions.get(stream) ?? 'no_stream';
    const result = await events.appendToStream(
      stream,
      [
        {
          type,
          data: { seq: sequence },
          metadata: {
            eventId: `evt-${sequence}`,
            schemaVersion: 1,
            tenantId,
            actor,
            correlationId: `corr-${sequence}`,
            causationId: `corr-${sequence}`,
            occurredAt: minutes(minute ?? sequence),
            source: { channel: 'http', ip: '198.51.100.7' },
          },
        },
      ],
      expected,
    );
    revisions.set(stream, result.revision);
    head = result.position;
    return result.position;
  }

  const alice: Actor = { kind: 'user', id: 'alice' };
  const bob: Actor = { kind: 'user', id: 'bob' };

  async function list(principal: Principal, filter: AuditFilter = {}, page: AuditPageRequest = {}): Promise<AuditPage> {
    return handler.execute(new ListAuditEntriesQuery(principal, filter, page, { minPosition: head, waitMs: 5000 }));
  }

  /** Every page, following nextCursor. */
  async function all(principal: Principal, filter: AuditFilter = {}, limit = 7): Promise<AuditPage['entries']> {
    const entries: AuditPage['entries'] = [];
    let before: string | undefined;
    for (;;) {
      const page = await list(principal, filter, { limit, ...(before ? { before } : {}) });
      entries.push(...page.entries);
      if (!page.nextCursor) return entries;
      before = page.nextCursor;
    }
  }

  async function seed(): Promise<void> {
    await append('a', 'account-a', 'AccountRegistered', alice); // 1
    await append('a', 'account-a', 'AccountRenamed', alice); // 2
    await append('a', 'user-u1', 'UserInvited', bob); // 3
    await append('a', 'account-a', 'AccountRenamed', bob); // 4
    await append('a', 'user-u2', 'UserInvited', alice); // 5
    await append('a', 'security-a-2026-11-21', 'SecurityAttemptRecorded', { kind: 'system', id: 'auth' }); // 6
    await append('b', 'account-b', 'AccountRegistered', { kind: 'user', id: 'carol' }); // 7
  }

  const seqs = (page: AuditPage['entries']) => page.map((e) => e.id);

  it('lists the tenant log newest first, with cursors that walk it to the end', async () => {
    await seed();
    const first = await list(owner('a'), {}, { limit: 4 });
    expect(seqs(first.entries)).toEqual(['evt-6', 'evt-5', 'evt-4', 'evt-3']);
    expect(first.nextCursor).toBe(first.entries[3].posKey);
    const second = await list(owner('a'), {}, { limit: 4, before: first.nextCursor as string });
    expect(seqs(second.entries)).toEqual(['evt-2', 'evt-1']);
    expect(second.nextCursor).toBeNull();
    expect(first.entries[0]).toMatchObject({ tenantId: 'a', type: 'SecurityAttemptRecorded', aggregateType: 'security', ip: '198.51.100.7' });
    expect(first.entries[0]).not.toHaveProperty('_pos');
  });

  it('says there is no next page when the last page is exactly full', async () => {
    await seed();
    const page = await list(owner('a'), {}, { limit: 6 });
    expect(page.entries).toHaveLength(6);
    expect(page.nextCursor).toBeNull();
  });

  it('filters by actor, type(s), stream, category and period, and by all of them at once', async () => {
    await seed();
    expect(seqs(await all(owner('a'), { actor: 'alice' }))).toEqual(['evt-5', 'evt-2', 'evt-1']);
    expect(seqs(await all(owner('a'), { types: ['AccountRenamed'] }))).toEqual(['evt-4', 'evt-2']);
    expect(seqs(await all(owner('a'), { types: ['AccountRenamed', 'UserInvited'] }))).toEqual(['evt-5', 'evt-4', 'evt-3', 'evt-2']);
    expect(seqs(await all(owner('a'), { aggregate: 'account-a' }))).toEqual(['evt-4', 'evt-2', 'evt-1']);
    expect(seqs(await all(owner('a'), { aggregate: 'user' }))).toEqual(['evt-5', 'evt-3']);
    // from is inclusive, to exclusive.
    expect(seqs(await all(owner('a'), { from: minutes(2), to: minutes(5) }))).toEqual(['evt-4', 'evt-3', 'evt-2']);
    expect(seqs(await all(owner('a'), { from: '2026-11-21T10:04:00+00:00' }))).toEqual(['evt-6', 'evt-5', 'evt-4']);
    expect(seqs(await all(owner('a'), { to: '2026-11-21' }))).toEqual([]);
    expect(seqs(await all(owner('a'), { actor: 'alice', aggregate: 'account', from: minutes(2) }))).toEqual(['evt-2']);
  });

  it('keeps the following pages stable while new events arrive between them', async () => {
    for (let i = 0; i < 25; i++) await append('a', `computer-c${i % 4}`, 'ComputerRenamed', i % 2 ? alice : bob);
    const reference = seqs(await all(owner('a'), {}, 10));
    expect(reference).toHaveLength(25);

    const pages: string[][] = [];
    let page = await list(owner('a'), {}, { limit: 10 });
    pages.push(seqs(page.entries));
    while (page.nextCursor) {
      // Newer events land between every two pages, in this tenant and another.
      for (let i = 0; i < 3; i++) await append('a', 'account-a', i === 0 && pages.length === 1 ? 'AccountRegistered' : 'AccountRenamed', alice);
      await append('b', `account-b${pages.length}`, 'AccountRegistered', alice);
      page = await list(owner('a'), {}, { limit: 10, before: page.nextCursor });
      pages.push(seqs(page.entries));
    }
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual(reference);
    // The new events are all there, newer than what was paged.
    const now = await list(owner('a'), {}, { limit: 6 });
    expect(now.entries.every((e) => e.type.startsWith('Account'))).toBe(true);
  });

  it("never shows one tenant's entries to another, even with the other's cursor", async () => {
    await seed();
    const b = await all(owner('b'));
    expect(b.map((e) => e.tenantId)).toEqual(['b']);
    expect(seqs(b)).toEqual(['evt-7']);
    const aPage = await list(owner('a'), {}, { limit: 1 });
    const withForeignCursor = await list(owner('b'), { aggregate: 'account-a' }, { before: aPage.entries[0].posKey });
    expect(withForeignCursor.entries).toEqual([]);
    expect(await all(owner('c'))).toEqual([]);
  });

  it('lets owners, admins and operators read, and refuses technicians and callers without a role', async () => {
    await seed();
    for (const role of ['owner', 'admin', 'operator'] as const) {
      expect((await list({ kind: 'user', id: 'x', tenantId: 'a', role }, {}, { limit: 1 })).entries).toHaveLength(1);
    }
    await expect(list({ kind: 'user', id: 'tech', tenantId: 'a', role: 'technician' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(list({ kind: 'agent', id: 'agent-1', tenantId: 'a' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses a bad limit, cursor, period or filter with an INVALID_* code', async () => {
    const refused = (filter: AuditFilter, page: AuditPageRequest = {}) => list(owner('a'), filter, page);
    for (const limit of [0, AUDIT_PAGE_MAX + 1, 1.5]) await expect(refused({}, { limit })).rejects.toMatchObject({ code: 'INVALID_LIMIT' });
    await expect(refused({}, { limit: AUDIT_PAGE_MAX })).resolves.toEqual({ entries: [], nextCursor: null });
    for (const before of ['42', 'x'.repeat(41), '']) await expect(refused({}, { before })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    for (const from of ['yesterday', '2026-02-30', '2026-11-21T10:00', '2026-11-21T25:00:00Z']) {
      await expect(refused({ from })).rejects.toMatchObject({ code: 'INVALID_PERIOD' });
    }
    await expect(refused({ from: minutes(5), to: minutes(1) })).rejects.toMatchObject({ code: 'INVALID_PERIOD' });
    await expect(refused({ actor: { $ne: 'x' } as unknown as string })).rejects.toMatchObject({ code: 'INVALID_FILTER' });
    await expect(refused({ types: ['Account Renamed'] })).rejects.toMatchObject({ code: 'INVALID_FILTER' });
    await expect(refused({ types: [] })).rejects.toMatchObject({ code: 'INVALID_FILTER' });
    await expect(refused({ aggregate: 'Account-a' })).rejects.toMatchObject({ code: 'INVALID_FILTER' });
  });
});
