import { sessionHistoryHarness, type SessionHistoryHarness } from '../../tests/kit/session-history-harness';
import type { Principal } from '../../domain/shared/event';
import type { SessionDetailsView, SessionHistoryPage, SessionListResponse } from '../contracts/session-history.contracts';
import { GetSessionQuery } from './get-session.query';
import { ListSessionsQuery, type LiveSessionStatus, type SessionScope } from './list-sessions.query';
import { SessionHistoryQuery, type SessionHistoryFilter, type SessionHistoryPageRequest } from './session-history.query';

const ACCOUNT = 'acct-1';
const ann: Principal = { kind: 'user', id: 'u-ann', tenantId: ACCOUNT, role: 'owner' };
const tom: Principal = { kind: 'user', id: 'u-tom', tenantId: ACCOUNT, role: 'technician' };
const lea: Principal = { kind: 'user', id: 'u-lea', tenantId: ACCOUNT, role: 'technician' };
const zed: Principal = { kind: 'user', id: 'u-zed', tenantId: 'acct-2', role: 'owner' };
const operator: Principal = { kind: 'system', id: 'operator', tenantId: ACCOUNT, role: 'operator' };
const MINUTE = 60_000;

const id = (n: number) => `s${n}`.padEnd(32, '0');

describe('session lists, history and details', () => {
  let h: SessionHistoryHarness;

  beforeAll(async () => {
    h = await sessionHistoryHarness();
    // s1: tom's console session, 90 s long, ended.
    await h.open(id(1), tom);
    await h.join(id(1), tom);
    h.clock.advance(90_000);
    await h.end(id(1), tom);
    h.clock.advance(MINUTE);
    // s2: tom's link, Bob is ready.
    await h.open(id(2), tom, { source: 'link', ticket: 'T-7', endUserName: 'Bob' });
    await h.arrive(id(2), ACCOUNT, 'p-bob', 'Bob');
    h.clock.advance(MINUTE);
    // s3: lea's link nobody came to (it expires an hour after it opened).
    await h.open(id(3), lea, { source: 'link' });
    h.clock.advance(MINUTE);
    // s4: lea's console session on c2, which ann (who oversees the account) joined too; lea typed into a prompt.
    await h.open(id(4), lea, { computerId: 'c2', computerName: 'Lab' });
    await h.join(id(4), lea);
    await h.join(id(4), ann);
    await h.run(id(4), { type: 'OpenPrompt', data: { promptId: 'pr1' } }, lea);
    h.clock.advance(1000);
    await h.run(id(4), { type: 'RecordCommandLine', data: { promptId: 'pr1', line: 'uptime' } }, lea);
    h.clock.advance(MINUTE);
    // s5: ann's connection ID, waiting.
    await h.open(id(5), ann, { source: 'connection-id' });
    await h.open(id(9), zed);
    await h.settle();
  });
  afterAll(() => h.close());

  const live = (who: Principal, scope: SessionScope = 'mine', statuses?: LiveSessionStatus[]) =>
    h.queries.execute<ListSessionsQuery, SessionListResponse>(new ListSessionsQuery(who, scope, statuses));
  const history = (who: Principal, filter: SessionHistoryFilter = {}, page: SessionHistoryPageRequest = {}) =>
    h.queries.execute<SessionHistoryQuery, SessionHistoryPage>(new SessionHistoryQuery(who, filter, page));
  const ids = (rows: { items: readonly { id: string }[] }) => rows.items.map((r) => r.id);

  describe('available connections and active sessions', () => {
    it('shows a technician the sessions they opened or joined that are not over, newest first', async () => {
      const rows = await live(tom);
      expect(ids(rows)).toEqual([id(2)]);
      expect(rows.items[0]).toMatchObject({ status: 'waiting', source: 'link', ticket: 'T-7', endUsers: [{ participantId: 'p-bob', name: 'Bob', present: true }], sharer: 'p-bob' });
      const lead = await live(lea);
      expect(ids(lead)).toEqual([id(4), id(3)]);
      expect(lead.items[0]).toMatchObject({ status: 'active', computerName: 'Lab', technicians: [{ userId: 'u-lea' }, { userId: 'u-ann' }] });
      expect(ids(await live(ann))).toEqual([id(5), id(4)]);
    });

    it('shows every session of the account to its owners, admins and the operator with scope all, and refuses technicians', async () => {
      expect(ids(await live(ann, 'all'))).toEqual([id(5), id(4), id(3), id(2)]);
      expect(ids(await live(operator, 'all'))).toEqual([id(5), id(4), id(3), id(2)]);
      await expect(live(tom, 'all')).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(live(tom, 'everything' as SessionScope)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('filters by status', async () => {
      expect(ids(await live(ann, 'all', ['waiting']))).toEqual([id(5), id(3), id(2)]);
      expect(ids(await live(ann, 'all', ['active']))).toEqual([id(4)]);
      await expect(live(ann, 'all', ['ended' as LiveSessionStatus])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('drops a link or code session nobody came to once its time is up, and keeps one with an end-user', async () => {
      h.clock.advance(2 * 60 * MINUTE);
      try {
        expect(ids(await live(ann, 'all'))).toEqual([id(4), id(2)]);
      } finally {
        h.clock.advance(-2 * 60 * MINUTE);
      }
    });
  });

  describe('history', () => {
    it('gives a technician the sessions they opened or joined, with duration and who took part', async () => {
      const page = await history(tom);
      expect(ids(page)).toEqual([id(2), id(1)]);
      expect(page.next).toBeNull();
      expect(page.items[1]).toEqual({
        id: id(1),
        source: 'console',
        status: 'ended',
        openedAt: '2026-11-21T10:00:00.000Z',
        startedAt: '2026-11-21T10:00:00.000Z',
        endedAt: '2026-11-21T10:01:30.000Z',
        durationSeconds: 90,
        computerId: 'c1',
        computerName: 'Reception',
        ownerUserId: 'u-tom',
        ownerName: 'Name of u-tom',
        technicians: [{ userId: 'u-tom', displayName: 'Name of u-tom' }],
        endUsers: [],
        sharer: null,
        ticket: null,
        endUserName: null,
        endReason: 'technician',
        commandLineCount: 0,
        recordingChunks: 0,
        expiresAt: null,
      });
      expect(page.items[0].computerName).toBe('Bob-pc');
    });

    it('gives owners and admins every session of the account, never another account’s', async () => {
      expect(ids(await history(ann))).toEqual([id(5), id(4), id(3), id(2), id(1)]);
      expect(ids(await history(zed))).toEqual([id(9)]);
    });

    it('filters by computer, technician, source and period', async () => {
      expect(ids(await history(ann, { computerId: 'c2' }))).toEqual([id(4)]);
      expect(ids(await history(ann, { technicianId: 'u-ann' }))).toEqual([id(4)]);
      expect(ids(await history(ann, { technicianId: 'u-tom' }))).toEqual([id(1)]);
      expect(ids(await history(ann, { source: 'link' }))).toEqual([id(3), id(2)]);
      expect(ids(await history(ann, { from: '2026-11-21T10:03:30Z', to: '2026-11-21T11:04:31+01:00' }))).toEqual([id(4), id(3)]);
      expect(ids(await history(ann, { from: '2026-11-22' }))).toEqual([]);
      expect(ids(await history(lea, { source: 'console' }))).toEqual([id(4)]);
    });

    it('pages by ranges that sessions opened meanwhile do not shift', async () => {
      const first = await history(ann, {}, { limit: 2 });
      expect(ids(first)).toEqual([id(5), id(4)]);
      h.clock.advance(MINUTE);
      await h.open(id(6), ann);
      await h.settle();
      const second = await history(ann, {}, { limit: 2, after: first.next ?? undefined });
      expect(ids(second)).toEqual([id(3), id(2)]);
      const third = await history(ann, {}, { limit: 2, after: second.next ?? undefined });
      expect(ids(third)).toEqual([id(1)]);
      expect(third.next).toBeNull();
      expect(ids(await history(ann, {}, { limit: 1 }))).toEqual([id(6)]);
    });

    it('orders sessions opened at the same time by id, across pages', async () => {
      const at = Date.parse(h.clock.now());
      h.clock.advance(24 * 60 * MINUTE);
      await h.open(id(8), ann);
      await h.open(id(7), ann);
      await h.settle();
      const filter = { from: new Date(at + 60 * MINUTE).toISOString() };
      const first = await history(ann, filter, { limit: 1 });
      const second = await history(ann, filter, { limit: 1, after: first.next ?? undefined });
      expect([...ids(first), ...ids(second)]).toEqual([id(8), id(7)]);
      expect(second.next).toBeNull();
    });

    it('refuses a cursor, limit or filter it cannot run', async () => {
      await expect(history(ann, {}, { after: 'not-a-cursor' })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
      await expect(history(ann, {}, { after: Buffer.from('{"o":"x","i":"y"}').toString('base64url') })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
      await expect(history(ann, {}, { limit: 0 })).rejects.toMatchObject({ code: 'INVALID_LIMIT' });
      await expect(history(ann, {}, { limit: 201 })).rejects.toMatchObject({ code: 'INVALID_LIMIT' });
      await expect(history(ann, { source: 'fax' as never })).rejects.toMatchObject({ code: 'INVALID_FILTER' });
      await expect(history(ann, { computerId: '{"$gt":""}' })).rejects.toMatchObject({ code: 'INVALID_FILTER' });
      await expect(history(ann, { from: '2026-11-22', to: '2026-11-21' })).rejects.toMatchObject({ code: 'INVALID_PERIOD' });
      await expect(history(ann, { from: '2026-02-30' })).rejects.toMatchObject({ code: 'INVALID_PERIOD' });
    });
  });

  describe('one session', () => {
    const get = (who: Principal, sessionId: string) => h.queries.execute<GetSessionQuery, SessionDetailsView>(new GetSessionQuery(who, sessionId, h.meta()));

    it('gives a technician in it the row and the command lines typed', async () => {
      const details = await get(lea, id(4));
      expect(details).toMatchObject({ id: id(4), status: 'active', commandLineCount: 1 });
      expect(details.commandLines).toEqual([{ promptId: 'pr1', byUserId: 'u-lea', line: 'uptime', at: '2026-11-21T10:04:31.000Z' }]);
      expect(await get(ann, id(4))).toMatchObject({ id: id(4) });
    });

    it('refuses a technician who took no part in it, and records the attempt', async () => {
      await expect(get(lea, id(1))).rejects.toMatchObject({ code: 'SESSION_FORBIDDEN' });
      const attempts = (await h.store.readAll({ limit: 10_000 })).filter((e) => e.type === 'SecurityAttemptRecorded');
      expect(attempts.map((e) => [e.metadata.tenantId, e.metadata.actor.id, e.data])).toEqual([
        [ACCOUNT, 'u-lea', { action: 'join-session', reason: 'forbidden', userId: 'u-lea', at: expect.any(String) }],
      ]);
    });

    it('does not find another account’s session, nor an id that cannot be one', async () => {
      await expect(get(zed, id(1))).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
      await expect(get(ann, 'nope')).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
      await expect(get(ann, id(99))).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    });
  });
});
