import { Inject, Injectable } from '@nestjs/common';
import type { Position } from '../../../application/ports/position';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../../../application/ports/read-model-access.port';
import { READ_STORE, type ReadStore } from '../../../application/ports/read-store.port';
import { AUTH_SESSIONS } from '../../../read-models/auth-sessions/auth-sessions.projection';
import type { AuthSessionView } from '../../../read-models/auth-sessions/auth-sessions.view';

/** How long a route that opens or ends sessions waits for the sessions read model before answering. */
export const SESSIONS_SETTLE_MS = 5_000;

export type SessionCheck = 'open' | 'revoked' | 'unknown';

/**
 * Whether an access token's session is still open, from the `auth-sessions` read model: one keyed
 * lookup in the token's tenant per request. Routes that open or end sessions wait for the read model
 * (`settled`) before answering, so the next request already sees the new state.
 */
@Injectable()
export class SessionRevocations {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {}

  async check(tenantId: string, userId: string, sessionId: string): Promise<SessionCheck> {
    const sessions = this.store.forTenant(tenantId).collection<AuthSessionView>(this.access.activeCollection(AUTH_SESSIONS));
    const doc = await sessions.get(sessionId);
    // A session id of somebody else's is no session of this token's.
    if (!doc || doc.userId !== userId) return 'unknown';
    return doc.revoked ? 'revoked' : 'open';
  }

  /** Resolves once the read model includes `position` (the append that opened or ended sessions). */
  settled(position: Position): Promise<void> {
    return this.access.waitFor(AUTH_SESSIONS, position, SESSIONS_SETTLE_MS);
  }
}
