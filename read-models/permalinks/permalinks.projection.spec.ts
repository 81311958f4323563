import type { EventMetadata } from '../../application/ports/event-store.port';
import type { ProjectedEvent } from '../projection';
import { permalinksProjection as projection } from './permalinks.projection';

let position = 0;
function projected(type: string, data: Record<string, unknown>): ProjectedEvent {
  position += 1;
  const metadata = { tenantId: 'a1', occurredAt: '2026-11-21T10:00:00.000Z' } as EventMetadata;
  return { type, data, metadata, stream: 'permalink-a1.front-desk', revision: position - 1, position: String(position) };
}

describe('permalinks projection', () => {
  const created = projected('PermalinkCreated', { accountId: 'a1', path: 'front-desk', computerId: 'c1', public: false, passwordHash: null, createdBy: 'u1', at: 't0' });
  const changed = projected('PermalinkChanged', { public: true, passwordHash: '$argon2id$x', computerId: 'c2', at: 't1' });

  it('keeps the row without the password hash, and drops it on removal', () => {
    const doc = [created, changed].reduce(projection.evolve, null);
    expect(doc).toEqual({ id: 'front-desk', tenantId: 'a1', path: 'front-desk', computerId: 'c2', public: true, hasPassword: true, createdBy: 'u1', createdAt: 't0' });
    expect(JSON.stringify(doc)).not.toContain('argon2');
    expect(projection.docId(changed)).toBe('front-desk');
    expect(projection.evolve(doc, projected('PermalinkRemoved', { at: 't2' }))).toBeNull();
  });

  it('gives the same document when an event is applied twice', () => {
    const once = projection.evolve(projection.evolve(null, created), changed);
    expect(projection.evolve(once, changed)).toEqual(once);
  });
});
