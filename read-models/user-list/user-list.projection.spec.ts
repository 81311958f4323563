import type { EventMetadata } from '../../application/ports/event-store.port';
import type { ProjectedEvent } from '../projection';
import { userListProjection as projection } from './user-list.projection';

let position = 0;
function projected(type: string, data: Record<string, unknown>): ProjectedEvent {
  position += 1;
  const metadata = { tenantId: 'a1', occurredAt: 't' } as EventMetadata;
  return { type, data, metadata, stream: 'user-u1', revision: position - 1, position: String(position) };
}

const profile = { firstName: 'Jo', lastName: 'Martin', country: 'FR', language: 'fr', timeZone: 'Europe/Paris', timeFormat: '24h' };
const registered = projected('UserRegistered', { userId: 'u1', accountId: 'a1', email: 'jo@example.com', role: 'owner', method: 'email', activated: false, registeredAt: 't0' });
const generated = projected('UserPasswordSet', { userId: 'u1', passwordHash: 'H', mustChange: true, reason: 'generated', setAt: 't0' });
const activated = projected('UserActivated', { userId: 'u1', activatedAt: 't1' });
const changed = projected('UserPasswordSet', { userId: 'u1', passwordHash: 'H2', mustChange: false, reason: 'changed', setAt: 't2' });
const profiled = projected('UserProfileUpdated', { userId: 'u1', profile, updatedAt: 't3' });
const onboarded = projected('UserOnboardingFinished', { userId: 'u1', outcome: 'dismissed', finishedAt: 't4' });

describe('user-list projection', () => {
  it('follows a user from registration to a finished onboarding', () => {
    expect([registered, generated].reduce(projection.evolve, null)).toMatchObject({ status: 'pending', mustChangePassword: true });
    const doc = [registered, generated, activated, changed, profiled, onboarded].reduce(projection.evolve, null);
    expect(doc).toEqual({
      id: 'u1',
      tenantId: 'a1',
      accountId: 'a1',
      email: 'jo@example.com',
      role: 'owner',
      method: 'email',
      status: 'active',
      mustChangePassword: false,
      profile,
      onboarding: 'dismissed',
      createdAt: 't0',
      updatedAt: 't4',
    });
    expect(projection.docId(profiled)).toBe('u1');
  });

  it('gives the same document when an event is applied twice', () => {
    let doc = null;
    for (const event of [registered, generated, activated, changed, profiled, onboarded]) {
      const once = projection.evolve(doc, event);
      expect(projection.evolve(once, event)).toEqual(once);
      doc = once;
    }
  });

  it('removes a deleted user, twice or not', () => {
    const deleted = projected('UserDeleted', { userId: 'u1', reason: 'self', deletedAt: 't5' });
    const doc = [registered, activated].reduce(projection.evolve, null);
    expect(projection.evolve(doc, deleted)).toBeNull();
    expect(projection.evolve(null, deleted)).toBeNull();
  });

  it('replays a user whose personal data was erased', () => {
    const erased = { ...registered, data: { ...registered.data, email: null } };
    expect(projection.evolve(null, erased)).toMatchObject({ email: null, status: 'pending' });
  });

  it('refuses an event it cannot place instead of inventing a row', () => {
    expect(() => projection.evolve(null, activated)).toThrow(/before UserRegistered/);
  });
});
