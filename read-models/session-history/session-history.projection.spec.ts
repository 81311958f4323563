import type { EventMetadata } from '../../application/ports/event-store.port';
import { SESSION_EVENT_TYPES } from '../../domain/session/session.events';
import type { ProjectedEvent } from '../projection';
import { durationSeconds, sessionHistoryProjection as projection } from './session-history.projection';
import type { SessionHistoryDoc } from './session-history.view';

const STREAM = 'session-0123456789abcdef0123456789abcdef';

/** The events of one session stream, numbered as the store would. */
function stream(...events: [string, Record<string, unknown>][]): ProjectedEvent[] {
  return events.map(([type, data], revision) => ({
    type,
    data,
    metadata: { tenantId: 'acct-1', occurredAt: 'x' } as EventMetadata,
    stream: STREAM,
    revision,
    position: String(100 + revision),
  }));
}

const opened = (over: Record<string, unknown> = {}): [string, Record<string, unknown>] => [
  'SessionOpened',
  {
    sessionId: '0123456789abcdef0123456789abcdef',
    accountId: 'acct-1',
    ownerUserId: 'u-ann',
    ownerName: 'Ann',
    source: 'link',
    computerId: null,
    computerAccountId: null,
    computerName: null,
    ticket: 'T-42',
    endUserName: 'Bob',
    expiresAt: '2026-11-22T10:00:00.000Z',
    recording: true,
    permalinkPath: null,
    openedAt: '2026-11-21T10:00:00.000Z',
    ...over,
  },
];

const arrived = (participantId: string, name: string, at: string): [string, Record<string, unknown>] => [
  'EndUserArrived',
  { participantId, name, ip: '203.0.113.5', keyHash: 'h', hostname: `${name.toLowerCase()}-pc`, platform: 'linux', at },
];

/** A link session through every event type. */
const whole = stream(
  opened(),
  arrived('p1', 'Bob', '2026-11-21T10:01:00.000Z'),
  arrived('p2', 'Cid', '2026-11-21T10:01:30.000Z'),
  ['ScreenSharerChosen', { participantId: 'p1', byUserId: 'u-ann', at: '2026-11-21T10:02:00.000Z' }],
  ['TechnicianJoined', { userId: 'u-ann', displayName: 'Ann', at: '2026-11-21T10:02:00.000Z' }],
  ['SessionStarted', { byUserId: 'u-ann', at: '2026-11-21T10:02:00.000Z' }],
  ['TechnicianJoined', { userId: 'u-dan', displayName: 'Dan', at: '2026-11-21T10:03:00.000Z' }],
  ['PromptOpened', { promptId: 'pr1', byUserId: 'u-dan', at: '2026-11-21T10:04:00.000Z' }],
  ['CommandLineRecorded', { promptId: 'pr1', byUserId: 'u-dan', line: 'ls', at: '2026-11-21T10:04:01.000Z' }],
  ['CommandLineRecorded', { promptId: 'pr1', byUserId: 'u-dan', line: 'uptime', at: '2026-11-21T10:04:02.000Z' }],
  ['PromptClosed', { promptId: 'pr1', at: '2026-11-21T10:05:00.000Z', exitCode: 0 }],
  ['RecordingChunkStored', { chunk: 0, blobKey: 'recordings/s/0', from: 'a', to: 'b', frames: 3, bytes: 10, sha256: 'x' }],
  ['RecordingChunkStored', { chunk: 1, blobKey: 'recordings/s/1', from: 'b', to: 'c', frames: 3, bytes: 10, sha256: 'y' }],
  ['TechnicianLeft', { userId: 'u-dan', at: '2026-11-21T10:06:00.000Z' }],
  ['TechnicianJoined', { userId: 'u-dan', displayName: 'Dan', at: '2026-11-21T10:07:00.000Z' }],
  ['EndUserLeft', { participantId: 'p2', at: '2026-11-21T10:08:00.000Z' }],
  ['SessionEnded', { reason: 'technician', by: { kind: 'user', id: 'u-ann' }, at: '2026-11-21T10:32:29.600Z' }],
);

const fold = (events: readonly ProjectedEvent[]): SessionHistoryDoc | null => events.reduce(projection.evolve, null as SessionHistoryDoc | null);

describe('session-history projection', () => {
  it('reads every session event type', () => {
    expect([...new Set(whole.map((e) => e.type))].sort()).toEqual([...SESSION_EVENT_TYPES].sort());
    expect(projection.canHandle).toEqual(SESSION_EVENT_TYPES);
  });

  it('opens a waiting row with what the link said, in the event tenant, keyed by the stream id', () => {
    const [first] = whole;
    expect(projection.docId(first)).toBe('0123456789abcdef0123456789abcdef');
    expect(projection.docId(whole[5])).toBe('0123456789abcdef0123456789abcdef');
    expect(fold([first])).toEqual({
      id: '0123456789abcdef0123456789abcdef',
      tenantId: 'acct-1',
      source: 'link',
      status: 'waiting',
      openedAt: '2026-11-21T10:00:00.000Z',
      startedAt: null,
      endedAt: null,
      durationSeconds: null,
      computerId: null,
      computerAccountId: null,
      computerName: null,
      ownerUserId: 'u-ann',
      ownerName: 'Ann',
      technicians: [],
      technicianIds: [],
      endUsers: [],
      sharer: null,
      ticket: 'T-42',
      endUserName: 'Bob',
      endReason: null,
      commandLineCount: 0,
      recordingChunks: 0,
      recording: true,
      permalinkPath: null,
      expiresAt: '2026-11-22T10:00:00.000Z',
      revision: 0,
    });
  });

  it('shows end-users present as they arrive, and the sharer', () => {
    expect(fold(whole.slice(0, 4))).toMatchObject({
      status: 'waiting',
      endUsers: [
        { participantId: 'p1', name: 'Bob', present: true, hostname: 'bob-pc' },
        { participantId: 'p2', name: 'Cid', present: true, hostname: 'cid-pc' },
      ],
      sharer: 'p1',
    });
  });

  it('is active from SessionStarted, with each technician once in order of first arrival', () => {
    const doc = fold(whole.slice(0, 15));
    expect(doc).toMatchObject({ status: 'active', startedAt: '2026-11-21T10:02:00.000Z', endedAt: null, durationSeconds: null });
    expect(doc?.technicians).toEqual([
      { userId: 'u-ann', displayName: 'Ann' },
      { userId: 'u-dan', displayName: 'Dan' },
    ]);
    expect(doc?.technicianIds).toEqual(['u-ann', 'u-dan']);
    expect(doc).toMatchObject({ commandLineCount: 2, recordingChunks: 2 });
  });

  it('marks an end-user who left, and forgets them as sharer', () => {
    const sharerLeft = stream(opened(), arrived('p1', 'Bob', 't1'), ['ScreenSharerChosen', { participantId: 'p1', byUserId: 'u', at: 't2' }], [
      'EndUserLeft',
      { participantId: 'p1', at: 't3' },
    ]);
    expect(fold(sharerLeft)).toMatchObject({ endUsers: [{ participantId: 'p1', present: false }], sharer: null });
    expect(fold(whole.slice(0, 16))?.endUsers.map((u) => [u.participantId, u.present])).toEqual([
      ['p1', true],
      ['p2', false],
    ]);
  });

  it('ends with the reason and the duration from SessionStarted to SessionEnded in whole seconds', () => {
    const doc = fold(whole);
    expect(doc).toMatchObject({
      status: 'ended',
      endedAt: '2026-11-21T10:32:29.600Z',
      endReason: 'technician',
      durationSeconds: 30 * 60 + 30,
      endUsers: [
        { participantId: 'p1', present: false },
        { participantId: 'p2', present: false },
      ],
    });
    expect(durationSeconds('2026-11-21T10:00:00.000Z', '2026-11-21T09:59:59.000Z')).toBe(0);
  });

  it('has no duration for a session that ended before anyone connected', () => {
    const expired = stream(opened(), ['SessionEnded', { reason: 'expired', by: null, at: '2026-11-22T10:00:00.000Z' }]);
    expect(fold(expired)).toMatchObject({ status: 'ended', startedAt: null, durationSeconds: null, endReason: 'expired' });
  });

  it('keeps the computer of a console session', () => {
    const consoleSession = stream(opened({ source: 'console', computerId: 'c1', computerName: 'Reception', ticket: null, endUserName: null, expiresAt: null }));
    expect(fold(consoleSession)).toMatchObject({ source: 'console', computerId: 'c1', computerName: 'Reception', expiresAt: null });
  });

  it('gives the same document when an event is applied twice', () => {
    let doc: SessionHistoryDoc | null = null;
    for (const event of whole) {
      const once = projection.evolve(doc, event);
      expect(projection.evolve(once, event)).toEqual(once);
      doc = once;
    }
    expect(doc).toEqual(fold(whole));
  });

  it('refuses an event it cannot place', () => {
    expect(() => projection.evolve(null, whole[5])).toThrow(/SessionStarted before SessionOpened/);
  });
});
