import type { Projection } from '../../read-models/projection';
import { ProjectionRegistry, UnknownProjectionError } from './projection-registry';

const projection = (name: string, version = 1): Projection => ({
  name,
  version,
  canHandle: ['Something'],
  docId: () => null,
  evolve: (doc) => doc,
});

describe('ProjectionRegistry', () => {
  it('finds projections by name and names the known ones when it cannot', () => {
    const registry = new ProjectionRegistry([projection('account-list'), projection('audit-log', 3)]);
    expect(registry.get('audit-log').version).toBe(3);
    expect(registry.names()).toEqual(['account-list', 'audit-log']);
    expect(() => registry.get('acount-list')).toThrow(UnknownProjectionError);
    expect(() => registry.get('acount-list')).toThrow('Unknown projection "acount-list"; known: account-list, audit-log');
  });

  it('refuses duplicate names, names unsafe in collection and meta keys, and bad versions', () => {
    expect(() => new ProjectionRegistry([projection('a'), projection('a')])).toThrow('registered twice');
    expect(() => new ProjectionRegistry([projection('Bad_Name')])).toThrow('kebab-case');
    expect(() => new ProjectionRegistry([projection('ok', 0)])).toThrow('invalid version');
  });
});
