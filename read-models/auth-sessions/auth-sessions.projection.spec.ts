import type { EventMetadata } from '../../application/ports/event-store.port';
import type { ProjectedEvent } from '../projection';
import { authSessionsProjection as projection } from './auth-sessions.projection';

let position = 0;
function projected(type: string, data: Record<string, unknown>): ProjectedEvent {
  position += 1;
  const metadata = { tenantId: 'a1', occurredAt: 't' } as EventMetadata;
  return { type, data, metadata, stream: 'user-u1', revision: position - 1, position: String(position) };
}

const signedIn = projected('UserSignedIn', { userId: 'u1', sessionId: 's1', refreshTokenHash: 'R1', method: 'email', expiresAt: 'x1', signedInAt: 't0' });
const refreshed = projected('UserSessionRefreshed', { userId: 'u1', sessionId: 's1', refreshTokenHash: 'R2', expiresAt: 'x2', refreshedAt: 't1' });
const revoked = projected('UserSessionRevoked', { userId: 'u1', sessionId: 's1', reason: 'token_reused', revokedAt: 't2' });
const signedOut = projected('UserSignedOut', { userId: 'u1', sessionId: 's1', signedOutAt: 't3' });

describe('auth-sessions projection', () => {
  it('keeps the current refresh hash and expiry of an open session', () => {
    expect([signedIn, refreshed].reduce(projection.evolve, null)).toEqual({
      id: 's1',
      tenantId: 'a1',
      userId: 'u1',
      method: 'email',
      refreshTokenHash: 'R2',
      expiresAt: 'x2',
      signedInAt: 't0',
      refreshedAt: 't1',
      revoked: false,
      endedAt: null,
      endReason: null,
    });
    expect(projection.docId(refreshed)).toBe('s1');
  });

  it('marks a revoked or signed-out session with why and when', () => {
    expect([signedIn, refreshed, revoked].reduce(projection.evolve, null)).toMatchObject({ revoked: true, endedAt: 't2', endReason: 'token_reused' });
    expect([signedIn, signedOut].reduce(projection.evolve, null)).toMatchObject({ revoked: true, endedAt: 't3', endReason: 'signed_out' });
  });

  it('gives the same document when an event is applied twice', () => {
    let doc = null;
    for (const event of [signedIn, refreshed, revoked]) {
      const once = projection.evolve(doc, event);
      expect(projection.evolve(once, event)).toEqual(once);
      doc = once;
    }
  });

  it('refuses an event it cannot place', () => {
    expect(() => projection.evolve(null, refreshed)).toThrow(/before UserSignedIn/);
  });
});
