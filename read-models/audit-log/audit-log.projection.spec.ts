import type { EventMetadata } from '../../application/ports/event-store.port';
import { comparePositions } from '../../application/ports/position';
import type { ProjectedEvent } from '../projection';
import { AUDIT_LOG, auditLogProjection as projection, streamCategory } from './audit-log.projection';
import { isPosKey, posKey } from './audit-pos-key';
import { genericSummary, quoted, summarize, typeInWords } from './audit-summary';

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

  it('falls back to the type in words and the names of the data fields, never their values', () => {
    const summary = summarize('UserPasswordSet', { userId: 'u1', passwordHash: '$argon2id$v=19$secret', refreshTokenHash: 'abc123hash' });
    expect(summary).toBe('User password set (userId, passwordHash, refreshTokenHash)');
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
