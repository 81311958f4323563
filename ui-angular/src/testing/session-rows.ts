import type { SessionRow } from '@contracts/session-history.contracts';

/** A session as the sessions read model serves it: a support-link session where Bob is waiting. */
export function sessionRow(overrides: Partial<SessionRow> = {}): SessionRow {
  return {
    id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    source: 'link',
    status: 'waiting',
    openedAt: '2024-01-15T13:00:00.000Z',
    startedAt: null,
    endedAt: null,
    durationSeconds: null,
    computerId: null,
    computerName: null,
    ownerUserId: 'user-1',
    ownerName: 'Ann Smith',
    technicians: [],
    endUsers: [{ participantId: 'participant-1', name: 'Bob', present: true }],
    sharer: 'participant-1',
    ticket: 'T-42',
    endUserName: 'Bob',
    endReason: null,
    commandLineCount: 0,
    recordingChunks: 0,
    expiresAt: '2024-01-16T13:00:00.000Z',
    ...overrides,
  };
}
