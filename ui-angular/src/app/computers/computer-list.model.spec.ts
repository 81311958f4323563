import { computerRow, group } from '../../testing/computer-rows';
import { createComputerCommand } from './add-computer-dialog';
import { placeOf } from './computer-item';
import { accepts, isLocalAddress, isWithin, possibleParents, sectionsOf } from './computer-list.model';

const PARIS = group('paris', 'Paris');
const FLOOR = group('floor', 'Floor 2', PARIS);
const DESK = group('desk', 'Desk', FLOOR);
const LYON = group('lyon', 'Lyon');
const TREE = [PARIS, FLOOR, DESK, LYON];

describe('computer list model', () => {
  it('puts favourites first, then the demo, then one section per run of keys, continuing across pages', () => {
    const sections = sectionsOf(
      'letter',
      [computerRow({ id: 'f' })],
      computerRow({ id: 'demo', demo: true }),
      [
        computerRow({ id: 'a', section: { key: 'A', label: 'A' } }),
        computerRow({ id: 'b1', section: { key: 'B', label: 'B' } }),
        computerRow({ id: 'b2', section: { key: 'B', label: 'B' } }),
      ],
    );
    expect(sections.map((s) => [s.id, s.title, s.rows.map((r) => r.id)])).toEqual([
      ['favourites', { key: 'computers.groups.favourites' }, ['f']],
      ['demo', { key: 'computers.demoSection' }, ['demo']],
      ['section:A', { text: 'A' }, ['a']],
      ['section:B', { text: 'B' }, ['b1', 'b2']],
    ]);
    expect(sectionsOf('none', [], null, [computerRow({ id: 'a' }), computerRow({ id: 'b' })]).map((s) => [s.title, s.rows.length])).toEqual([[null, 2]]);
  });

  it('knows which groups a group may move under', () => {
    expect(possibleParents(TREE, 'paris').map((g) => g.id)).toEqual(['lyon']);
    expect(possibleParents(TREE, 'floor').map((g) => g.id)).toEqual(['paris', 'lyon']);
    expect(isWithin(TREE, 'desk', 'paris')).toBe(true);
    expect(isWithin(TREE, 'lyon', 'paris')).toBe(false);
  });

  it('accepts only drops that change something', () => {
    const loose = computerRow({ id: 'c', groupId: null });
    const inFloor = computerRow({ id: 'd', groupId: 'floor' });
    const shared = computerRow({ id: 's', canManage: false, favourite: false });
    expect(accepts({ kind: 'group', groupId: 'floor' }, { kind: 'computer', computer: loose }, TREE)).toBe(true);
    expect(accepts({ kind: 'group', groupId: 'floor' }, { kind: 'computer', computer: inFloor }, TREE)).toBe(false);
    expect(accepts({ kind: 'group', groupId: 'floor' }, { kind: 'computer', computer: shared }, TREE)).toBe(false);
    expect(accepts({ kind: 'favourites' }, { kind: 'computer', computer: shared }, TREE)).toBe(true);
    expect(accepts({ kind: 'favourites' }, { kind: 'computer', computer: computerRow({ favourite: true }) }, TREE)).toBe(false);
    expect(accepts({ kind: 'ungrouped' }, { kind: 'computer', computer: inFloor }, TREE)).toBe(true);
    expect(accepts({ kind: 'ungrouped' }, { kind: 'group', group: FLOOR }, TREE)).toBe(false);
    expect(accepts({ kind: 'top' }, { kind: 'group', group: FLOOR }, TREE)).toBe(true);
    expect(accepts({ kind: 'top' }, { kind: 'group', group: PARIS }, TREE)).toBe(false);
    expect(accepts({ kind: 'group', groupId: 'desk' }, { kind: 'group', group: PARIS }, TREE)).toBe(false);
    expect(accepts({ kind: 'group', groupId: 'lyon' }, { kind: 'group', group: PARIS }, TREE)).toBe(true);
    expect(accepts({ kind: 'list' }, { kind: 'group', group: PARIS }, TREE)).toBe(false);
  });

  it('writes "IP, city, country" with the country in the console language, and spots local addresses', () => {
    expect(placeOf({ ip: '203.0.113.7', city: 'Paris', country: 'FR' }, 'de')).toEqual({ parts: ['203.0.113.7', 'Paris', 'Frankreich'], local: false });
    expect(placeOf({ ip: '10.1.2.3', city: null, country: null }, 'en')).toEqual({ parts: ['10.1.2.3'], local: true });
    expect(placeOf({ ip: null, city: null, country: null }, 'en')).toEqual({ parts: [], local: false });
    expect(['127.0.0.1', '192.168.0.4', '172.20.1.1', '100.64.0.1', '::1', 'fd00::1', '::ffff:10.0.0.1'].every(isLocalAddress)).toBe(true);
    expect(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:db8::1'].some(isLocalAddress)).toBe(false);
  });

  it('quotes what a shell would split in the command line', () => {
    expect(createComputerCommand('ann@example.com', 'support.example.com', '443')).toBe(
      'switchboard-agent --create-computer --username ann@example.com --password <password> --relay-url support.example.com --relay-port 443',
    );
    expect(createComputerCommand('Ann Smith', 'host', '80')).toContain('--username "Ann Smith"');
  });
});
