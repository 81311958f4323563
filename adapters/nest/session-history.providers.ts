import type { Provider, Type } from '@nestjs/common';
import { GetSessionHandler, VisibleSessions } from '../../application/session/get-session.query';
import { ListSessionsHandler } from '../../application/session/list-sessions.query';
import { RecordRecordingChunkHandler } from '../../application/session/record-recording-chunk.command';
import { SessionHistoryHandler } from '../../application/session/session-history.query';
import { GetRecordingChunkHandler, GetSessionRecordingHandler } from '../../application/session/session-recording.query';
import type { AppInfrastructure } from './infrastructure';

/** Session history queries, CSV export, recordings (writer and playback). */
export const SESSION_HISTORY_CONTROLLERS: Type[] = [];

/** The use cases behind them, for the app and for the harness of their specs. */
export const SESSION_HISTORY_HANDLERS: Provider[] = [
  VisibleSessions,
  ListSessionsHandler,
  SessionHistoryHandler,
  GetSessionHandler,
  GetSessionRecordingHandler,
  GetRecordingChunkHandler,
  RecordRecordingChunkHandler,
];

export function sessionHistoryProviders(_infra: AppInfrastructure): Provider[] {
  return [...SESSION_HISTORY_HANDLERS];
}
