import type { EventMetadata } from '../../application/ports/event-store.port';
import type { ProjectedEvent } from '../projection';
import { computerGroupsProjection as projection } from './computer-groups.projection';
import type { ComputerGroupsDoc } from './computer-groups.view';

let position = 0;
function projected(type: string, data: Record<string, unknown>): ProjectedEvent {
  position += 1;
  const metadata = { tenantId: 'a1', occurredAt: 't' } as EventMetadata;
  return { type, data: { accountId: 'a1', ...data }, metadata, stream: 'computergroups-a1', revision: position - 1, position: String(position) };
}

const events = [
  projected('ComputerGroupAdded', { groupId: 'paris', name: 'Paris', parentId: null, addedAt: 't1' }),
  projected('ComputerGroupAdded', { groupId: 'f1', name: 'Floor 1', parentId: 'paris', addedAt: 't2' }),
  projected('ComputerGroupAdded', { groupId: 'lyon', name: 'Lyon', parentId: null, addedAt: 't3' }),
  projected('ComputerGroupRenamed', { groupId: 'f1', name: 'First floor', renamedAt: 't4' }),
  projected('ComputerGroupMoved', { groupId: 'f1', parentId: 'lyon', movedAt: 't5' }),
  projected('ComputerGroupDeleted', { groupId: 'paris', deletedAt: 't6' }),
];

describe('computer-groups projection', () => {
  it('keeps the tree of an account in one document', () => {
    const doc = events.reduce<ComputerGroupsDoc | null>((d, e) => projection.evolve(d, e), null);
    expect(doc).toEqual({
      id: 'a1',
      tenantId: 'a1',
      groups: [
        { id: 'f1', name: 'First floor', parentId: 'lyon' },
        { id: 'lyon', name: 'Lyon', parentId: null },
      ],
      updatedAt: 't6',
    });
    expect(projection.docId(events[0])).toBe('a1');
  });

  it('gives the same document when an event is applied twice', () => {
    let doc: ComputerGroupsDoc | null = null;
    for (const event of events) {
      const once = projection.evolve(doc, event);
      expect(projection.evolve(once, event)).toEqual(once);
      doc = once;
    }
  });
});
