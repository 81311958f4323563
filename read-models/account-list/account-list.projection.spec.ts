import type { EventMetadata } from '../../application/ports/event-store.port';
import type { ProjectedEvent } from '../projection';
import { accountListProjection as projection } from './account-list.projection';

let position = 0;
function projected(type: string, data: Record<string, unknown>): ProjectedEvent {
  position += 1;
  const metadata = { tenantId: 'a1', occurredAt: '2026-11-21T10:00:00.000Z' } as EventMetadata;
  return { type, data, metadata, stream: 'account-a1', revision: position - 1, position: String(position) };
}

describe('account-list projection', () => {
  const registered = projected('AccountRegistered', { accountId: 'a1', name: 'Acme', kind: 'msp', registeredAt: 't0' });
  const renamed = projected('AccountRenamed', { accountId: 'a1', name: 'Acme IT', renamedAt: 't1' });
  const closed = projected('AccountClosed', { accountId: 'a1', closedAt: 't2' });

  it('builds the row from the account events', () => {
    const doc = [registered, renamed, closed].reduce(projection.evolve, null);
    expect(doc).toEqual({
      id: 'a1',
      tenantId: 'a1',
      name: 'Acme IT',
      kind: 'msp',
      status: 'closed',
      sessionRecording: false,
      registeredAt: 't0',
      updatedAt: 't2',
    });
    expect(projection.docId(renamed)).toBe('a1');
  });

  it('follows the session recording setting', () => {
    const on = projected('SessionRecordingChanged', { accountId: 'a1', enabled: true, changedAt: 't3' });
    const doc = [registered, on].reduce(projection.evolve, null);
    expect(doc).toMatchObject({ sessionRecording: true, updatedAt: 't3' });
  });

  it('gives the same document when an event is applied twice', () => {
    const once = projection.evolve(projection.evolve(null, registered), renamed);
    const twice = projection.evolve(once, renamed);
    expect(twice).toEqual(once);
  });

  it('refuses an event it cannot place instead of inventing a row', () => {
    expect(() => projection.evolve(null, renamed)).toThrow(/before AccountRegistered/);
  });
});
