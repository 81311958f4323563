import { computerHarness, type ComputerHarness } from '../../tests/kit/computer-harness';
import type { ComputerFacts } from '../../domain/computer/computer.events';
import type { Principal } from '../../domain/shared/event';
import type { CommandResult } from '../handle-command';
import { agentPrincipal, systemPrincipal } from './computer-command-support';
import { AddComputerGroupCommand, DeleteComputerGroupCommand, type AddComputerGroupResult } from './computer-groups.commands';
import { MarkComputerOfflineCommand, MarkComputerOnlineCommand } from './computer-presence.command';
import { EnrollComputerCommand, type EnrollComputerResult } from './enroll-computer.command';
import { EnforceAccountPlanCommand, type EnforceAccountPlanResult } from './enforce-computer-plan.command';
import { IssueAddComputerLinkCommand, type IssuedEnrollmentToken } from './enrollment-tokens.command';
import { FavouriteComputerCommand } from './favourite-computer.command';
import { MoveComputerToGroupCommand } from './move-computer-to-group.command';
import { RenameComputerCommand } from './rename-computer.command';
import { SetAgentConfigPolicyCommand } from './set-agent-config-policy.command';
import { SetAgentNameCommand } from './set-agent-name.command';
import { SetComputerVisibilityCommand } from './set-computer-visibility.command';
import { ShareComputerCommand, UnshareComputerCommand } from './share-computer.command';

const DAY = 24 * 60 * 60 * 1000;
const windows: ComputerFacts = { os: { platform: 'win32', release: '10.0', arch: 'x64' }, hostname: 'DESK-7', agentVersion: '1.0.0', loggedInUser: null, installed: true };

describe('Managing computers', () => {
  let h: ComputerHarness;
  let owner: Principal;
  let admin: Principal;
  let tech: Principal;
  let other: Principal;
  let computerId: string;
  let password: string;

  beforeEach(async () => {
    h = await computerHarness();
    const registered = await h.registerOwner('ann@example.com');
    password = registered.password;
    admin = registered.principal;
    owner = await h.addUser(admin, 'tom@example.com');
    tech = await h.addUser(admin, 'lea@example.com');
    other = (await h.registerOwner('zed@example.com')).principal;
    const link = await h.commands.execute<IssueAddComputerLinkCommand, IssuedEnrollmentToken>(new IssueAddComputerLinkCommand(owner, h.meta()));
    const enrolled = await h.commands.execute<EnrollComputerCommand, EnrollComputerResult>(
      new EnrollComputerCommand({ method: 'add-computer-link', token: link.token }, windows, undefined, h.meta()),
    );
    computerId = enrolled.computerId;
    await h.settle();
  });
  afterEach(() => h.close());

  const run = (command: object) => h.commands.execute<object, CommandResult>(command);
  const expectRefused = async (command: object, code: string) => {
    const before = (await h.allEvents()).length;
    await expect(run(command)).rejects.toMatchObject({ code });
    expect((await h.allEvents()).length).toBe(before);
  };

  it('renames from the console for the owner, and refuses someone else\'s computer with nothing changed', async () => {
    const renamed = await run(new RenameComputerCommand(owner, { computerId, name: 'Front desk' }, h.meta()));
    expect(renamed.events).toEqual([expect.objectContaining({ type: 'ComputerRenamed', data: expect.objectContaining({ name: 'Front desk', source: 'console' }) })]);
    // A colleague who cannot see it learns nothing of it, as someone of another account.
    await expectRefused(new RenameComputerCommand(tech, { computerId, name: 'Mine now' }, h.meta()), 'COMPUTER_NOT_FOUND');
    await expectRefused(new RenameComputerCommand(other, { computerId, name: 'Mine now' }, h.meta()), 'COMPUTER_NOT_FOUND');
  });

  it('lets the agent set its own name', async () => {
    const result = await run(new SetAgentNameCommand(agentPrincipal(computerId, owner.tenantId), { computerId, name: 'Desk seven' }, h.meta()));
    expect(result.events[0]).toMatchObject({ data: { source: 'agent', name: 'Desk seven' } });
  });

  it('shares by email with a user of the account, who may then rename; an unknown user is a 404 and nothing changes', async () => {
    await run(new ShareComputerCommand(owner, { computerId, user: ' LEA@example.com ' }, h.meta()));
    expect((await h.events(`computer-${computerId}`)).at(-1)).toMatchObject({ type: 'ComputerShared', data: { userId: tech.id } });
    await run(new RenameComputerCommand(tech, { computerId, name: 'Shared desk' }, h.meta()));
    await expectRefused(new ShareComputerCommand(owner, { computerId, user: 'nobody@example.com' }, h.meta()), 'USER_NOT_FOUND');
    await expectRefused(new ShareComputerCommand(owner, { computerId, user: 'zed@example.com' }, h.meta()), 'USER_NOT_FOUND');
    await run(new UnshareComputerCommand(owner, { computerId, user: tech.id }, h.meta()));
    await expectRefused(new RenameComputerCommand(tech, { computerId, name: 'Again' }, h.meta()), 'COMPUTER_NOT_FOUND');
  });

  it('lets only the owner change the visibility', async () => {
    await expectRefused(new SetComputerVisibilityCommand(admin, { computerId, visibility: 'everyone' }, h.meta()), 'COMPUTER_VISIBILITY_OWNER_ONLY');
    const result = await run(new SetComputerVisibilityCommand(owner, { computerId, visibility: 'everyone' }, h.meta()));
    expect(result.events).toHaveLength(1);
  });

  it('sets the agent configuration policy of an installed Windows agent', async () => {
    const result = await run(new SetAgentConfigPolicyCommand(owner, { computerId, allowWithoutAdmin: true }, h.meta()));
    expect(result.events[0]).toMatchObject({ type: 'ComputerAgentConfigPolicyChanged', data: { allowWithoutAdmin: true } });
  });

  it('moves into existing groups only, and deletes a group only when empty', async () => {
    await expectRefused(new MoveComputerToGroupCommand(owner, { computerId, groupId: 'nope' }, h.meta()), 'COMPUTER_GROUP_NOT_FOUND');
    const { groupId } = await h.commands.execute<AddComputerGroupCommand, AddComputerGroupResult>(new AddComputerGroupCommand(tech, { name: 'Paris', parentId: null }, h.meta()));
    await run(new MoveComputerToGroupCommand(owner, { computerId, groupId }, h.meta()));
    await h.settle();
    await expectRefused(new DeleteComputerGroupCommand(tech, { groupId }, h.meta()), 'COMPUTER_GROUP_NOT_EMPTY');
    await run(new MoveComputerToGroupCommand(owner, { computerId, groupId: null }, h.meta()));
    await h.settle();
    const deleted = await run(new DeleteComputerGroupCommand(tech, { groupId }, h.meta()));
    expect(deleted.events).toEqual([expect.objectContaining({ type: 'ComputerGroupDeleted' })]);
  });

  it('keeps favourites per user', async () => {
    await run(new SetComputerVisibilityCommand(owner, { computerId, visibility: 'everyone' }, h.meta()));
    await run(new FavouriteComputerCommand(tech, { computerId }, h.meta()));
    expect((await h.events(`computer-${computerId}`)).at(-1)).toMatchObject({ type: 'ComputerFavourited', data: { userId: tech.id } });
    await expectRefused(new FavouriteComputerCommand(other, { computerId }, h.meta()), 'COMPUTER_NOT_FOUND');
  });

  it('records online and offline transitions once each', async () => {
    const agent = agentPrincipal(computerId, owner.tenantId);
    const online = { computerId, ip: '198.51.100.4', city: 'Lyon', country: 'FR' };
    expect((await run(new MarkComputerOnlineCommand(agent, online, h.meta()))).events).toHaveLength(1);
    expect((await run(new MarkComputerOnlineCommand(agent, online, h.meta()))).events).toHaveLength(0);
    const sweeper = systemPrincipal(owner.tenantId, 'presence');
    expect((await run(new MarkComputerOfflineCommand(sweeper, { computerId, reason: 'missed-heartbeats' }, h.meta()))).events).toHaveLength(1);
    expect((await run(new MarkComputerOfflineCommand(sweeper, { computerId, reason: 'missed-heartbeats' }, h.meta()))).events).toHaveLength(0);
  });

  it('disables every limited computer of an account whose 10 days are over', async () => {
    const credentials = { method: 'password' as const, username: 'ann@example.com', password };
    const enrolled: EnrollComputerResult[] = [];
    for (let i = 0; i < 3; i++) enrolled.push(await h.commands.execute(new EnrollComputerCommand(credentials, windows, undefined, h.meta())));
    expect(enrolled.map((e) => e.planStatus)).toEqual(['ok', 'ok', 'limited']);
    await h.settle();
    const sweep = () =>
      h.commands.execute<EnforceAccountPlanCommand, EnforceAccountPlanResult>(
        new EnforceAccountPlanCommand(systemPrincipal(owner.tenantId), { accountId: owner.tenantId }, h.meta()),
      );
    expect((await sweep()).disabled).toEqual([]);
    h.clock.advance(10 * DAY);
    expect((await sweep()).disabled).toEqual([enrolled[2].computerId]);
    await h.settle();
    expect((await sweep()).disabled).toEqual([]);
  });
});
