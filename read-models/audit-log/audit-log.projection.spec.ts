import type { EventMetadata } from '../../application/ports/event-store.port';
import { comparePositions } from '../../application/ports/position';
import type { ProjectedEvent } from '../projection';
import { AUDIT_LOG, auditLogProjection as projection, streamCategory } from './audit-log.projection';
import { isPosKey, posKey } from './audit-pos-key';
import { ACCOUNT_EVENT_TYPES } from '../../domain/account/account.events';
import { EMAIL_CLAIM_EVENT_TYPES } from '../../domain/user/email-claim';
import { SECURITY_EVENT_TYPES } from '../../domain/user/security-attempt';
import { USER_EVENT_TYPES } from '../../domain/user/user.events';
import { AUDIT_SUMMARIES, genericSummary, quoted, summarize, typeInWords } from './audit-summary';

function projected(
  type: string,
  data: Record<string, unknown>,
  overrides: { stream?: string; position?: string; metadata?: Partial<EventMetadata> } = {},
): ProjectedEvent {
  const metadata: EventMetadata = {
    eventId: 'evt-1',
    schemaVersion: 1,
    tenantId: 'a1',
    actor: { kind: 'user', id: 'u1' },
    correlationId: 'corr-1',
    causationId: 'corr-1',
    occurredAt: '2026-11-21T10:00:00.000Z',
    source: { channel: 'http', ip: '203.0.113.9', userAgent: 'Firefox/140' },
    prevHash: '0'.repeat(64),
    hash: 'f'.repeat(64),
    ...overrides.metadata,
  };
  return { type, data, metadata, stream: overrides.stream ?? 'account-a1', revision: 0, position: overrides.position ?? '42' };
}

describe('audit-log projection', () => {
  const renamed = projected('AccountRenamed', { accountId: 'a1', name: 'Acme IT', renamedAt: '2026-11-21T10:00:00.000Z' });

  it('reads every event type, one document per event id', () => {
    expect(projection.name).toBe(AUDIT_LOG);
    expect(projection.canHandle).toEqual(['*']);
    expect(projection.docId(renamed)).toBe('evt-1');
  });

  it('writes who, when, where, what and a readable summary', () => {
    expect(projection.evolve(null, renamed)).toEqual({
      id: 'evt-1',
      tenantId: 'a1',
      at: '2026-11-21T10:00:00.000Z',
      actor: { kind: 'user', id: 'u1' },
      type: 'AccountRenamed',
      aggregate: 'account-a1',
      aggregateType: 'account',
      ip: '203.0.113.9',
      userAgent: 'Firefox/140',
      correlationId: 'corr-1',
      position: '42',
      posKey: '00000000000000000042.00000000000000000042',
      summary: 'Account renamed to "Acme IT"',
    });
  });

  it('gives the same document when an event is applied twice', () => {
    const once = projection.evolve(null, renamed);
    expect(projection.evolve(once, renamed)).toEqual(once);
  });

  it('keeps a missing source as null and normalizes the time to UTC', () => {
    const event = projected('AccountClosed', { accountId: 'a1', closedAt: 't' }, { metadata: { source: undefined, occurredAt: '2026-11-21T12:00:00+02:00' } });
    const doc = projection.evolve(null, event);
    expect(doc).toMatchObject({ ip: null, userAgent: null, at: '2026-11-21T10:00:00.000Z' });
  });

  it('summarizes each account event', () => {
    expect(summarize('AccountRegistered', { accountId: 'a1', name: 'Acme', kind: 'msp', registeredAt: 't' })).toBe('MSP account "Acme" registered');
    expect(summarize('AccountRegistered', { accountId: 'a1', name: 'Jo', kind: 'client-space', registeredAt: 't' })).toBe(
      'Client space "Jo" registered',
    );
    expect(summarize('AccountRenamed', { accountId: 'a1', name: 'Acme IT', renamedAt: 't' })).toBe('Account renamed to "Acme IT"');
    expect(summarize('AccountClosed', { accountId: 'a1', closedAt: 't' })).toBe('Account closed');
    expect(summarize('AccountClosed', { accountId: 'a1', closedAt: 't', reason: 'deleted', deletedBy: 'u1' })).toBe('Account deleted by its owner');
  });

  const SECRETS = { email: 'jo@example.com', hash: '$argon2id$v=19$m=65536$c2VjcmV0', token: 'q1w2e3r4t5y6', emailHash: 'ab12cd34ef56' };
  const at = '2026-11-21T10:00:00.000Z';

  it.each([
    ['UserRegistered', { userId: 'u1', accountId: 'a1', email: SECRETS.email, role: 'owner', method: 'email', activated: false, registeredAt: at }, 'User registered as owner, signs in with a password; pending until the first sign-in'],
    ['UserRegistered', { userId: 'u1', accountId: 'a1', email: SECRETS.email, role: 'technician', method: 'google', activated: true, registeredAt: at }, 'User registered as technician, signs in with Google'],
    ['UserPasswordSet', { userId: 'u1', passwordHash: SECRETS.hash, mustChange: true, reason: 'generated', setAt: at }, 'Password generated and emailed, to be changed at first sign-in'],
    ['UserPasswordSet', { userId: 'u1', passwordHash: SECRETS.hash, mustChange: false, reason: 'changed', setAt: at }, 'Password changed'],
    ['UserPasswordSet', { userId: 'u1', passwordHash: SECRETS.hash, mustChange: false, reason: 'recovered', setAt: at }, 'Password reset with a recovery link'],
    ['UserActivated', { userId: 'u1', activatedAt: at }, 'User activated'],
    ['UserSignedIn', { userId: 'u1', sessionId: 's1', refreshTokenHash: SECRETS.token, method: 'facebook', expiresAt: at, signedInAt: at }, 'Signed in with Facebook'],
    ['UserSessionRefreshed', { userId: 'u1', sessionId: 's1', refreshTokenHash: SECRETS.token, expiresAt: at, refreshedAt: at }, 'Session refreshed'],
    ['UserSignedOut', { userId: 'u1', sessionId: 's1', signedOutAt: at }, 'Signed out'],
    ['UserSessionRevoked', { userId: 'u1', sessionId: 's1', reason: 'token_reused', revokedAt: at }, 'Session revoked: an old refresh token was used again'],
    ['UserSessionRevoked', { userId: 'u1', sessionId: 's1', reason: 'revoke_all', revokedAt: at }, 'Session revoked: signed out everywhere'],
    ['UserAttemptRefused', { userId: 'u1', action: 'sign-in', reason: 'wrong_password', at }, 'Refused sign-in: wrong password'],
    ['UserAttemptRefused', { userId: 'u1', action: 'recovery', reason: 'expired', at }, 'Refused password recovery: expired'],
    ['UserRecoveryRequested', { userId: 'u1', tokenHash: SECRETS.token, expiresAt: at, requestedAt: at }, 'Password recovery link sent'],
    ['UserRecoveryCompleted', { userId: 'u1', tokenHash: SECRETS.token, completedAt: at }, 'Password recovery link used'],
    ['UserProfileUpdated', { userId: 'u1', profile: { firstName: 'Jo', email: SECRETS.email }, updatedAt: at }, 'Profile updated'],
    ['UserOnboardingFinished', { userId: 'u1', outcome: 'dismissed', finishedAt: at }, 'Onboarding tour dismissed'],
    ['UserDeleted', { userId: 'u1', reason: 'self', deletedAt: at }, 'User deleted at their own request'],
    ['UserDeleted', { userId: 'u1', reason: 'account_deleted', deletedAt: at }, 'User deleted with their account'],
    ['EmailClaimed', { emailHash: SECRETS.emailHash, userId: 'u1', accountId: 'a1', claimedAt: at }, 'Email address registered to a new user'],
    ['EmailReleased', { emailHash: SECRETS.emailHash, userId: 'u1', releasedAt: at }, 'Email address released'],
    ['SecurityAttemptRecorded', { action: 'sign-in', reason: 'unknown_email', at, emailHash: SECRETS.emailHash }, 'Refused sign-in: unknown email'],
    ['SecurityAttemptRecorded', { action: 'access', reason: 'forbidden', at, userId: 'u1', targetTenantId: 'b2' }, 'Refused access: forbidden (reached for account "b2")'],
    ['SecurityAttemptRecorded', { action: 'brand-new-action', reason: 'rate_limited', at }, 'Refused brand new action: rate limited'],
  ])('summarizes %s without personal data or secrets', (type, data, expected) => {
    const summary = summarize(type, data);
    expect(summary).toBe(expected);
    for (const secret of Object.values(SECRETS)) expect(summary).not.toContain(secret);
  });

  it('has a summary of its own for every event type the domain defines', () => {
    const known = [...ACCOUNT_EVENT_TYPES, ...USER_EVENT_TYPES, ...EMAIL_CLAIM_EVENT_TYPES, ...SECURITY_EVENT_TYPES];
    expect(known.filter((type) => !(type in AUDIT_SUMMARIES))).toEqual([]);
  });

  it('falls back to the type in words and the names of the data fields, never their values', () => {
    const summary = summarize('ComputerKeyRotated', { computerId: 'c1', keyHash: '$argon2id$v=19$secret', refreshTokenHash: 'abc123hash' });
    expect(summary).toBe('Computer key rotated (computerId, keyHash, refreshTokenHash)');
    expect(summary).not.toMatch(/argon2|secret|abc123/);
    expect(summarize('ComputerHeartbeatLost', {})).toBe('Computer heartbeat lost');
    expect(genericSummary('X', Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i])))).toBe('X (k0, k1, k2, k3, k4, k5, k6, k7, …)');
    expect(typeInWords('OIDCLoginFailed')).toBe('OIDC login failed');
  });

  it('still summarizes a known type whose payload was erased or malformed', () => {
    expect(summarize('AccountRenamed', { accountId: 'a1', name: null })).toBe('Account renamed to (erased)');
    expect(quoted('a\nb\u0000c   d')).toBe('"a b c d"');
    expect(quoted('x'.repeat(200))).toHaveLength(82);
  });

  it('names the stream category even for names outside the known categories', () => {
    expect(streamCategory('security-anonymous-2026-11-21')).toBe('security');
    expect(streamCategory('odd')).toBe('odd');
  });
});

describe('posKey', () => {
  it('pads both parts to 20 digits; a bare N reads as N.N', () => {
    expect(posKey('7')).toBe('00000000000000000007.00000000000000000007');
    expect(posKey('12.3')).toBe('00000000000000000012.00000000000000000003');
    expect(isPosKey(posKey('18446744073709551615'))).toBe(true);
    expect(() => posKey('-1')).toThrow(/Not a position/);
    expect(isPosKey('42')).toBe(false);
  });

  it('sorts as strings exactly as comparePositions orders positions', () => {
    const positions = ['9', '10', '100', '10.2', '10.11', '99.100', '1000', '0'];
    const byPosition = [...positions].sort(comparePositions);
    const byKey = [...positions].sort((a, b) => (posKey(a) < posKey(b) ? -1 : posKey(a) > posKey(b) ? 1 : 0));
    expect(byKey).toEqual(byPosition);
  });
});
