import type { SessionEndReason, SessionSource } from '../../domain/session/session.events';

export type SessionHistoryStatus = 'waiting' | 'active' | 'ended';

export type SessionHistoryEndUser = {
  readonly participantId: string;
  readonly name: string;
  readonly present: boolean;
  readonly hostname: string | null;
};

/**
 * One session of a tenant, as the available-connections list, the history and its CSV read it.
 * `technicianIds` repeats the technicians' ids as a flat list so that "sessions I was in" is an
 * index lookup; `openedAt` then `id` is the order of every list (range pagination).
 */
export type SessionHistoryDoc = {
  readonly id: string;
  readonly tenantId: string;
  readonly source: SessionSource;
  readonly status: SessionHistoryStatus;
  readonly openedAt: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly durationSeconds: number | null;
  readonly computerId: string | null;
  readonly computerAccountId: string | null;
  readonly computerName: string | null;
  readonly ownerUserId: string;
  readonly ownerName: string;
  readonly technicians: readonly { readonly userId: string; readonly displayName: string }[];
  readonly technicianIds: readonly string[];
  readonly endUsers: readonly SessionHistoryEndUser[];
  readonly sharer: string | null;
  readonly ticket: string | null;
  readonly endUserName: string | null;
  readonly endReason: SessionEndReason | null;
  readonly commandLineCount: number;
  readonly recordingChunks: number;
  readonly recording: boolean;
  readonly permalinkPath: string | null;
  readonly expiresAt: string | null;
  /** Revision in the session's stream of the last event applied: an event applied again changes nothing. */
  readonly revision: number;
  readonly _pos?: string;
};
