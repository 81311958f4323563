import type { Provider, Type } from '@nestjs/common';
import { GetSessionHandler, VisibleSessions } from '../../application/session/get-session.query';
import { ListSessionsHandler } from '../../application/session/list-sessions.query';
import { RecordRecordingChunkHandler } from '../../application/session/record-recording-chunk.command';
import { SessionHistoryHandler } from '../../application/session/session-history.query';
import { GetRecordingChunkHandler, GetSessionRecordingHandler } from '../../application/session/session-recording.query';
import { SESSION_RECORDER } from '../../application/session/session-access.port';
import { BlobSessionRecorder, SESSION_RECORDER_OPTIONS, type SessionRecorderOptions } from '../recording/blob-session-recorder';
import { SessionHistoryController } from '../http/sessions/history.controller';
import { SessionRecordingController } from '../http/sessions/recording.controller';
import type { AppInfrastructure } from './infrastructure';
import { DEFAULT_SESSION_LINK } from './session-link.config';

/** Session history queries, CSV export, recordings (writer and playback). */
export const SESSION_HISTORY_CONTROLLERS: Type[] = [SessionRecordingController, SessionHistoryController];

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

/** The queries, and the recorder the node holding a recorded session's agent hands its frames to. */
export function sessionHistoryProviders(infra: AppInfrastructure): Provider[] {
  const recorder: SessionRecorderOptions = { chunkMs: (infra.config.sessionLink ?? DEFAULT_SESSION_LINK).recordingChunkMs };
  return [
    ...SESSION_HISTORY_HANDLERS,
    { provide: SESSION_RECORDER_OPTIONS, useValue: recorder },
    BlobSessionRecorder,
    { provide: SESSION_RECORDER, useExisting: BlobSessionRecorder },
  ];
}
