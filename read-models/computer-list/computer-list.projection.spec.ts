import type { EventMetadata } from '../../application/ports/event-store.port';
import type { ProjectedEvent } from '../projection';
import { computerListProjection as projection, foldText, initialOf } from './computer-list.projection';
import type { ComputerDoc } from './computer-list.view';

let position = 0;
function projected(type: string, data: Record<string, unknown>): ProjectedEvent {
  position += 1;
  const metadata = { tenantId: 'a1', occurredAt: 't' } as EventMetadata;
  return { type, data, metadata, stream: 'computer-c1', revision: position - 1, position: String(position) };
}

const facts = { os: { platform: 'win32', release: '10.0', arch: 'x64' }, hostname: 'RECEPTION', agentVersion: '1.0.0', loggedInUser: 'jo', installed: true };
const enrolled = projected('ComputerEnrolled', {
  computerId: 'c1',
  accountId: 'a1',
  ownerUserId: 'u1',
  method: 'add-computer-link',
  agentKeyHash: 'a'.repeat(64),
  name: 'Éva Réception',
  facts,
  planStatus: 'ok',
  ip: '203.0.113.9',
  enrolledAt: 't0',
});
const online = projected('ComputerWentOnline', { computerId: 'c1', ip: '198.51.100.4', city: 'Saint-Étienne', country: 'FR', wentOnlineAt: 't1' });
const renamed = projected('ComputerRenamed', { computerId: 'c1', name: 'front desk', source: 'console', renamedAt: 't2' });
const moved = projected('ComputerMovedToGroup', { computerId: 'c1', groupId: 'g1', movedAt: 't3' });
const favourited = projected('ComputerFavourited', { computerId: 'c1', userId: 'u2', favouritedAt: 't4' });
const shared = projected('ComputerShared', { computerId: 'c1', userId: 'u3', sharedBy: 'u1', sharedAt: 't5' });
const visible = projected('ComputerVisibilityChanged', { computerId: 'c1', visibility: 'everyone', changedAt: 't6' });
const policy = projected('ComputerAgentConfigPolicyChanged', { computerId: 'c1', allowWithoutAdmin: true, changedAt: 't7' });
const notInstalled = projected('ComputerFactsChanged', { computerId: 'c1', facts: { ...facts, installed: false, loggedInUser: null }, changedAt: 't8' });
const limited = projected('ComputerPlanStatusChanged', { computerId: 'c1', planStatus: 'limited', limitedUntil: 't99', changedAt: 't9' });
const offline = projected('ComputerWentOffline', { computerId: 'c1', reason: 'missed-heartbeats', wentOfflineAt: 't10' });
const unfavourited = projected('ComputerUnfavourited', { computerId: 'c1', userId: 'u2', unfavouritedAt: 't11' });
const unshared = projected('ComputerUnshared', { computerId: 'c1', userId: 'u3', unsharedBy: 'u1', unsharedAt: 't12' });
const disabled = projected('ComputerPlanStatusChanged', { computerId: 'c1', planStatus: 'disabled', changedAt: 't13' });
const ungrouped = projected('ComputerMovedToGroup', { computerId: 'c1', groupId: null, movedAt: 't14' });
const all = [enrolled, online, renamed, moved, favourited, shared, visible, policy, notInstalled, limited, offline, unfavourited, unshared, disabled, ungrouped];

const fold = (events: readonly ProjectedEvent[]) => events.reduce<ComputerDoc | null>((doc, e) => projection.evolve(doc, e), null);

describe('computer-list projection', () => {
  it('lists an enrolled computer offline, owner-only, with folded sort keys', () => {
    expect(fold([enrolled])).toEqual({
      id: 'c1',
      tenantId: 'a1',
      accountId: 'a1',
      ownerUserId: 'u1',
      visibility: 'owner',
      sharedWith: [],
      favouriteOf: [],
      groupId: null,
      groupKey: '',
      name: 'Éva Réception',
      nameLower: 'eva reception',
      nameSource: 'agent',
      initial: 'E',
      online: false,
      status: 'offline',
      statusRank: 3,
      planStatus: 'ok',
      limitedUntil: null,
      os: facts.os,
      hostname: 'RECEPTION',
      agentVersion: '1.0.0',
      loggedInUser: 'jo',
      installed: true,
      allowAgentConfigWithoutAdmin: false,
      method: 'add-computer-link',
      ip: '203.0.113.9',
      city: null,
      cityLower: '',
      country: null,
      lastConnectedAt: null,
      lastUseKey: '',
      lastSeenAt: null,
      addedAt: 't0',
      updatedAt: 't0',
    });
    expect(projection.docId(enrolled)).toBe('c1');
  });

  it('follows status, names, groups, favourites, shares, visibility, policy and plan', () => {
    const steps: [ProjectedEvent, Partial<ComputerDoc>][] = [
      [online, { online: true, status: 'online', statusRank: 0, ip: '198.51.100.4', city: 'Saint-Étienne', cityLower: 'saint-etienne', country: 'FR', lastConnectedAt: 't1', lastUseKey: 't1' }],
      [renamed, { name: 'front desk', nameLower: 'front desk', initial: 'F', nameSource: 'console' }],
      [moved, { groupId: 'g1', groupKey: 'g1' }],
      [favourited, { favouriteOf: ['u2'] }],
      [shared, { sharedWith: ['u3'] }],
      [visible, { visibility: 'everyone' }],
      [policy, { allowAgentConfigWithoutAdmin: true }],
      [notInstalled, { installed: false, loggedInUser: null, status: 'not-installed', statusRank: 2 }],
      [limited, { planStatus: 'limited', limitedUntil: 't99', status: 'limited', statusRank: 1 }],
      [offline, { online: false, status: 'offline', statusRank: 3, lastSeenAt: 't10', lastConnectedAt: 't1' }],
      [unfavourited, { favouriteOf: [] }],
      [unshared, { sharedWith: [] }],
      [disabled, { planStatus: 'disabled', limitedUntil: null, status: 'disabled', statusRank: 4 }],
      [ungrouped, { groupId: null, groupKey: '' }],
    ];
    let doc = fold([enrolled]);
    for (const [event, expected] of steps) {
      doc = projection.evolve(doc, event);
      expect(doc).toMatchObject({ ...expected });
    }
  });

  it('gives the same document when an event is applied twice', () => {
    let doc: ComputerDoc | null = null;
    for (const event of all) {
      const once = projection.evolve(doc, event);
      expect(projection.evolve(once, event)).toEqual(once);
      doc = once;
    }
  });

  it('removes a removed computer, twice or not', () => {
    const removed = projected('ComputerRemoved', { computerId: 'c1', removedBy: 'u1', removedAt: 't20' });
    expect(projection.evolve(fold([enrolled, online]), removed)).toBeNull();
    expect(projection.evolve(null, removed)).toBeNull();
  });

  it('refuses an event it cannot place instead of inventing a row', () => {
    expect(() => projection.evolve(null, online)).toThrow(/before ComputerEnrolled/);
  });

  it('groups names by their folded first letter, others under #', () => {
    expect(['alpha', 'Élan', 'zulu', '42 server', '_x', 'Ωmega'].map(initialOf)).toEqual(['A', 'E', 'Z', '#', '#', 'Ω']);
    expect(foldText('ÀÉÎÕÜ ß')).toBe('aeiou ß');
  });

  it('declares an index, ending in id, for each sort key alone and behind each grouping key', () => {
    const keys = (projection.indexes ?? []).map((index) => Object.keys(index.keys).join(','));
    for (const sort of ['nameLower', 'lastUseKey', 'addedAt']) {
      expect(keys).toContain(`${sort},id`);
      for (const group of ['initial', 'statusRank', 'groupKey', 'favouriteOf']) expect(keys).toContain(`${group},${sort},id`);
    }
  });
});
