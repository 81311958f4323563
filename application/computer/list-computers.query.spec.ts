import { computerHarness, type ComputerHarness } from '../../tests/kit/computer-harness';
import type { ComputerFacts } from '../../domain/computer/computer.events';
import type { Principal } from '../../domain/shared/event';
import type { ComputerDetailsView, ComputerGroupsView, ComputerListPage, ListComputersOptions } from '../contracts/computers.contracts';
import { agentPrincipal } from './computer-command-support';
import { AddComputerGroupCommand, type AddComputerGroupResult } from './computer-groups.commands';
import { MarkComputerOfflineCommand, MarkComputerOnlineCommand } from './computer-presence.command';
import { EnrollComputerCommand, type EnrollComputerResult } from './enroll-computer.command';
import { IssueEnrollmentTokenCommand, SetAccountComputerLimitCommand, type IssuedEnrollmentToken } from './enrollment-tokens.command';
import { FavouriteComputerCommand } from './favourite-computer.command';
import { GetComputerQuery } from './get-computer.query';
import { ListComputerGroupsQuery } from './list-computer-groups.query';
import { ListComputersQuery } from './list-computers.query';
import { MoveComputerToGroupCommand } from './move-computer-to-group.command';
import { SetComputerVisibilityCommand } from './set-computer-visibility.command';
import { ShareComputerCommand } from './share-computer.command';

const HOUR = 60 * 60 * 1000;
const facts: ComputerFacts = { os: { platform: 'linux', release: '6.8', arch: 'x64' }, hostname: 'h', agentVersion: '1.0.0', loggedInUser: null, installed: true };

describe('ListComputers, GetComputer, ListComputerGroups', () => {
  let h: ComputerHarness;
  let admin: Principal;
  let tom: Principal;
  let lea: Principal;
  let stranger: Principal;
  const ids: Record<string, string> = {};
  const groups: Record<string, string> = {};

  beforeAll(async () => {
    h = await computerHarness();
    admin = (await h.registerOwner('ann@example.com')).principal;
    tom = await h.addUser(admin, 'tom@example.com');
    lea = await h.addUser(admin, 'lea@example.com');
    stranger = (await h.registerOwner('zed@example.com')).principal;
    const operator: Principal = { kind: 'system', id: 'operator', tenantId: admin.tenantId, role: 'operator' };
    await h.commands.execute(new SetAccountComputerLimitCommand(operator, { accountId: admin.tenantId, limit: 10 }, h.meta()));
    const tokenOf = async (p: Principal) => (await h.commands.execute<IssueEnrollmentTokenCommand, IssuedEnrollmentToken>(new IssueEnrollmentTokenCommand(p, h.meta()))).token;
    const tomToken = await tokenOf(tom);
    const leaToken = await tokenOf(lea);
    const enroll = async (name: string, token: string) => {
      const result = await h.commands.execute<EnrollComputerCommand, EnrollComputerResult>(
        new EnrollComputerCommand({ method: 'enrollment-token', token }, facts, name, h.meta()),
      );
      ids[name] = result.computerId;
      h.clock.advance(HOUR);
    };
    for (const name of ['alpha', 'Bravo', 'charlie', 'Écho', 'delta', '42 server']) await enroll(name, tomToken);
    await enroll('zulu', leaToken);
    for (const name of ['alpha', 'charlie', 'Écho', '42 server']) {
      await h.commands.execute(new SetComputerVisibilityCommand(tom, { computerId: ids[name], visibility: 'everyone' }, h.meta()));
    }
    await h.commands.execute(new ShareComputerCommand(tom, { computerId: ids.delta, user: 'lea@example.com' }, h.meta()));
    const add = async (name: string, parentId: string | null) =>
      (await h.commands.execute<AddComputerGroupCommand, AddComputerGroupResult>(new AddComputerGroupCommand(tom, { name, parentId }, h.meta()))).groupId;
    groups.paris = await add('Paris', null);
    groups.floor1 = await add('Floor 1', groups.paris);
    groups.berlin = await add('Berlin', null);
    await h.commands.execute(new MoveComputerToGroupCommand(tom, { computerId: ids.alpha, groupId: groups.paris }, h.meta()));
    await h.commands.execute(new MoveComputerToGroupCommand(tom, { computerId: ids.charlie, groupId: groups.floor1 }, h.meta()));
    await h.commands.execute(new MoveComputerToGroupCommand(tom, { computerId: ids['42 server'], groupId: groups.berlin }, h.meta()));
    const online = (name: string, ip: string, city: string) =>
      h.commands.execute(new MarkComputerOnlineCommand(agentPrincipal(ids[name], admin.tenantId), { computerId: ids[name], ip, city, country: 'FR' }, h.meta()));
    await online('alpha', '198.51.100.1', 'Lyon');
    h.clock.advance(HOUR);
    await online('Écho', '198.51.100.2', 'Saint-Étienne');
    h.clock.advance(3 * 24 * HOUR);
    await online('charlie', '203.0.113.50', 'Paris');
    await h.commands.execute(new MarkComputerOfflineCommand(agentPrincipal(ids.charlie, admin.tenantId), { computerId: ids.charlie, reason: 'disconnected' }, h.meta()));
    await h.commands.execute(new FavouriteComputerCommand(lea, { computerId: ids['Écho'] }, h.meta()));
    await h.settle();
  });
  afterAll(() => h.close());

  const list = (viewer: Principal, options: ListComputersOptions = {}) => h.queries.execute<ListComputersQuery, ComputerListPage>(new ListComputersQuery(viewer, options));
  const names = (page: ComputerListPage) => page.items.map((i) => i.name);

  it('shows a technician what they own, what is shared with them and what everyone sees; favourites first and not repeated', async () => {
    const page = await list(lea);
    expect(page.favourites.map((i) => i.name)).toEqual(['Écho']);
    expect(names(page)).toEqual(['42 server', 'alpha', 'charlie', 'delta', 'zulu']);
    expect(page.nextCursor).toBeNull();
    const delta = page.items.find((i) => i.name === 'delta');
    expect(delta).toMatchObject({ owned: false, sharedWithMe: true, canManage: true, canAdminister: false, visibility: 'owner' });
    expect(page.items.find((i) => i.name === 'zulu')).toMatchObject({ owned: true, canAdminister: true });
    expect(names(await list(tom))).toEqual(['42 server', 'alpha', 'Bravo', 'charlie', 'delta', 'Écho']);
  });

  it('shows an admin every computer of the account, and another tenant none', async () => {
    expect(names(await list(admin))).toHaveLength(7);
    expect(names(await list(stranger))).toEqual([]);
  });

  it('sorts by name either way, by date added and by last connection', async () => {
    expect(names(await list(tom, { direction: 'desc' }))).toEqual(['Écho', 'delta', 'charlie', 'Bravo', 'alpha', '42 server']);
    expect(names(await list(tom, { sort: 'addedAt' }))).toEqual(['42 server', 'delta', 'Écho', 'charlie', 'Bravo', 'alpha']);
    expect(names(await list(tom, { sort: 'addedAt', direction: 'asc' }))).toEqual(['alpha', 'Bravo', 'charlie', 'Écho', 'delta', '42 server']);
    expect(names(await list(tom, { sort: 'lastConnectedAt' })).slice(0, 3)).toEqual(['charlie', 'Écho', 'alpha']);
  });

  it('groups by first letter, status, time of last use and group, in section order', async () => {
    const byLetter = await list(tom, { groupBy: 'letter' });
    expect(byLetter.items.map((i) => `${i.section.key}:${i.name}`)).toEqual(['#:42 server', 'A:alpha', 'B:Bravo', 'C:charlie', 'D:delta', 'E:Écho']);
    const byStatus = await list(tom, { groupBy: 'status' });
    expect(byStatus.items.map((i) => `${i.section.key}:${i.name}`)).toEqual([
      'online:alpha',
      'online:Écho',
      'offline:42 server',
      'offline:Bravo',
      'offline:charlie',
      'offline:delta',
    ]);
    const byUse = await list(tom, { groupBy: 'last-use' });
    const used = byUse.items.map((i) => `${i.section.key}:${i.name}`);
    expect(used.slice(0, 3)).toEqual(['last-24-hours:charlie', 'last-7-days:Écho', 'last-7-days:alpha']);
    // Computers that never connected tie on the sort key; their order is by id.
    expect(used.slice(3).sort()).toEqual(['never:42 server', 'never:Bravo', 'never:delta']);
    const byGroup = await list(tom, { groupBy: 'group' });
    expect(byGroup.items.map((i) => `${i.section.label}:${i.name}`)).toEqual(['Berlin:42 server', 'Paris:alpha', 'Paris / Floor 1:charlie', ':Bravo', ':delta', ':Écho']);
    expect(byGroup.items.find((i) => i.name === 'charlie')?.groupPath).toEqual(['Paris', 'Floor 1']);
  });

  it('searches names (case and accents ignored), IP addresses, cities and group paths', async () => {
    expect(names(await list(tom, { search: 'ECHO' }))).toEqual(['Écho']);
    expect(names(await list(tom, { search: '198.51.100.1' }))).toEqual(['alpha']);
    expect(names(await list(tom, { search: 'etienne' }))).toEqual(['Écho']);
    expect(names(await list(tom, { search: 'paris' }))).toEqual(['alpha', 'charlie']);
    expect(names(await list(tom, { search: 'a.c' }))).toEqual([]);
    expect(names(await list(tom, { search: '   ' }))).toHaveLength(6);
  });

  it('filters by a group with its subgroups, by "no group" and by status', async () => {
    expect(names(await list(tom, { groupId: groups.paris }))).toEqual(['alpha', 'charlie']);
    expect(names(await list(tom, { groupId: groups.floor1 }))).toEqual(['charlie']);
    expect(names(await list(tom, { groupId: '' }))).toEqual(['Bravo', 'delta', 'Écho']);
    expect(names(await list(tom, { status: 'online' }))).toEqual(['alpha', 'Écho']);
    await expect(list(tom, { groupId: 'nope' })).rejects.toMatchObject({ code: 'COMPUTER_GROUP_NOT_FOUND' });
  });

  it.each(['none', 'letter', 'status', 'last-use', 'group'] as const)('pages through %s with cursors: every computer once, in order', async (groupBy) => {
    const whole = names(await list(admin, { groupBy }));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await list(admin, { groupBy, limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...names(page));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(whole);
  });

  it('refuses a cursor from another sort or a forged one, and bad options', async () => {
    const first = await list(admin, { limit: 2 });
    await expect(list(admin, { limit: 2, sort: 'addedAt', cursor: first.nextCursor as string })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    await expect(list(admin, { cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    await expect(list(admin, { limit: 0 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(list(admin, { sort: 'size' as 'name' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(list(admin, { search: 'x'.repeat(101) })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('shows details to whoever may see the computer, shares only to those who may administer it', async () => {
    const get = (viewer: Principal, id: string) => h.queries.execute<GetComputerQuery, ComputerDetailsView>(new GetComputerQuery(viewer, id));
    expect(await get(tom, ids.delta)).toMatchObject({ name: 'delta', ownerUserId: tom.id, sharedWith: [lea.id], canAdminister: true });
    expect(await get(lea, ids.delta)).toMatchObject({ sharedWith: [], sharedWithMe: true });
    expect(await get(tom, ids.alpha)).toMatchObject({ location: '198.51.100.1, Lyon, FR', status: 'online', groupPath: ['Paris'] });
    await expect(get(lea, ids.Bravo)).rejects.toMatchObject({ code: 'COMPUTER_NOT_FOUND' });
    await expect(get(stranger, ids.alpha)).rejects.toMatchObject({ code: 'COMPUTER_NOT_FOUND' });
  });

  it('lists the group tree depth-first with paths', async () => {
    const { groups: tree } = await h.queries.execute<ListComputerGroupsQuery, ComputerGroupsView>(new ListComputerGroupsQuery(lea));
    expect(tree.map((g) => [g.path.join(' / '), g.depth])).toEqual([
      ['Berlin', 0],
      ['Paris', 0],
      ['Paris / Floor 1', 1],
    ]);
  });
});
