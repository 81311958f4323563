import { UnknownEventVersionError } from '../../application/errors';
import type { RecordedEvent } from '../../application/ports/event-store.port';
import { UpcasterRegistry, type Upcaster } from './upcasting';

const recorded = (type: string, schemaVersion: number, data: Record<string, unknown>): RecordedEvent => ({
  stream: 'computer-1',
  revision: 0,
  position: '7',
  type,
  data,
  metadata: {
    eventId: 'e',
    schemaVersion,
    tenantId: 't',
    actor: { kind: 'system', id: 's' },
    correlationId: 'c',
    causationId: 'c',
    occurredAt: 'now',
    prevHash: '0'.repeat(64),
    hash: 'h',
  },
});

const steps: Upcaster[] = [
  { type: 'ComputerRenamed', fromVersion: 2, upcast: (d) => ({ ...d, reason: 'unknown' }) },
  { type: 'ComputerRenamed', fromVersion: 1, upcast: ({ name, ...d }) => ({ ...d, displayName: name }) },
];

describe('UpcasterRegistry', () => {
  const registry = new UpcasterRegistry(steps);

  it('chains steps in version order whatever the registration order, and says so in schemaVersion', () => {
    const up = registry.upcast(recorded('ComputerRenamed', 1, { computerId: 'c1', name: 'PC' }));
    expect(up.data).toEqual({ computerId: 'c1', displayName: 'PC', reason: 'unknown' });
    expect(up.metadata.schemaVersion).toBe(3);
    expect(up.metadata.hash).toBe('h');
    expect(registry.latestVersion('ComputerRenamed')).toBe(3);
  });

  it('leaves current shapes and unregistered types alone', () => {
    const current = recorded('ComputerRenamed', 3, { displayName: 'PC', reason: 'x' });
    expect(registry.upcast(current)).toBe(current);
    const other = recorded('ComputerAdded', 9, {});
    expect(registry.upcast(other)).toBe(other);
  });

  it('refuses a stored version newer than the newest known, and a version with no step', () => {
    expect(() => registry.upcast(recorded('ComputerRenamed', 4, {}))).toThrow(UnknownEventVersionError);
    expect(() => registry.upcast(recorded('ComputerRenamed', 0, {}))).toThrow(UnknownEventVersionError);
    const declared = new UpcasterRegistry([], { currentVersions: { ComputerAdded: 1 } });
    expect(() => declared.upcast(recorded('ComputerAdded', 2, {}))).toThrow(/No upcaster for ComputerAdded v2 at position 7/);
  });

  it('refuses two upcasters for the same step and a declared version that contradicts the steps', () => {
    expect(() => new UpcasterRegistry([steps[0], steps[0]])).toThrow(/Two upcasters/);
    expect(() => new UpcasterRegistry(steps, { currentVersions: { ComputerRenamed: 5 } })).toThrow(/current version/);
  });
});
