import { assertNever } from '../../domain/shared/event';
import type { UserEvent } from '../../domain/user/user.events';
import type { Projection, ProjectedEvent } from '../projection';
import type { AuthSessionView } from './auth-sessions.view';

export const AUTH_SESSIONS = 'auth-sessions';

type SessionEvent = Extract<UserEvent, { type: 'UserSignedIn' | 'UserSessionRefreshed' | 'UserSignedOut' | 'UserSessionRevoked' }>;

const SESSION_TYPES: readonly SessionEvent['type'][] = ['UserSignedIn', 'UserSessionRefreshed', 'UserSignedOut', 'UserSessionRevoked'];

function placed(doc: AuthSessionView | null, event: SessionEvent): AuthSessionView {
  if (!doc) throw new Error(`${event.type} before UserSignedIn for session ${event.data.sessionId}`);
  return doc;
}

/** Sign-in sessions by id: what an access-token check needs (whose, still valid or revoked). */
export const authSessionsProjection: Projection<AuthSessionView> = {
  name: AUTH_SESSIONS,
  version: 1,
  canHandle: SESSION_TYPES,
  indexes: [{ keys: { userId: 1, revoked: 1 } }],
  docId: (event) => (event.data as { sessionId: string }).sessionId,
  evolve(doc, projected) {
    const event = projected as unknown as SessionEvent & ProjectedEvent;
    switch (event.type) {
      case 'UserSignedIn':
        return {
          id: event.data.sessionId,
          tenantId: projected.metadata.tenantId,
          userId: event.data.userId,
          method: event.data.method,
          refreshTokenHash: event.data.refreshTokenHash,
          expiresAt: event.data.expiresAt,
          signedInAt: event.data.signedInAt,
          refreshedAt: null,
          revoked: false,
          endedAt: null,
          endReason: null,
        };
      case 'UserSessionRefreshed':
        return {
          ...placed(doc, event),
          refreshTokenHash: event.data.refreshTokenHash,
          expiresAt: event.data.expiresAt,
          refreshedAt: event.data.refreshedAt,
        };
      case 'UserSignedOut':
        return { ...placed(doc, event), revoked: true, endedAt: event.data.signedOutAt, endReason: 'signed_out' };
      case 'UserSessionRevoked':
        return { ...placed(doc, event), revoked: true, endedAt: event.data.revokedAt, endReason: event.data.reason };
      default:
        return assertNever(event, 'session event');
    }
  },
};
