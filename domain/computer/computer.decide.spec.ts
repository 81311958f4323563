import { deciderSpec } from '../../tests/kit/decider-spec';
import type { Principal } from '../shared/event';
import type { ComputerCommand } from './computer.commands';
import { computerDecider, effectivePlanStatus } from './computer.decide';
import type { ComputerEvent, ComputerFacts } from './computer.events';

const now = '2026-11-21T10:00:00.000Z';
const KEY_HASH = 'a'.repeat(64);
const owner: Principal = { kind: 'user', id: 'u-owner', tenantId: 'a1', role: 'technician' };
const admin: Principal = { kind: 'user', id: 'u-admin', tenantId: 'a1', role: 'admin' };
const accountOwner: Principal = { kind: 'user', id: 'u-boss', tenantId: 'a1', role: 'owner' };
const friend: Principal = { kind: 'user', id: 'u-friend', tenantId: 'a1', role: 'technician' };
const colleague: Principal = { kind: 'user', id: 'u-colleague', tenantId: 'a1', role: 'technician' };
const stranger: Principal = { kind: 'user', id: 'u-stranger', tenantId: 'a2', role: 'owner' };
const agent: Principal = { kind: 'agent', id: 'c1', tenantId: 'a1' };
const otherAgent: Principal = { kind: 'agent', id: 'c2', tenantId: 'a1' };
const system: Principal = { kind: 'system', id: 'presence', tenantId: 'a1' };

const linuxFacts: ComputerFacts = {
  os: { platform: 'linux', release: '6.8', arch: 'x64' },
  hostname: 'build-01',
  agentVersion: '1.0.0',
  loggedInUser: 'jo',
  installed: true,
};
const windowsFacts: ComputerFacts = { ...linuxFacts, os: { platform: 'win32', release: '10.0.22631', arch: 'x64' } };

const enrolled = (facts: ComputerFacts = linuxFacts, extra: Partial<Extract<ComputerEvent, { type: 'ComputerEnrolled' }>['data']> = {}): ComputerEvent => ({
  type: 'ComputerEnrolled',
  data: {
    computerId: 'c1',
    accountId: 'a1',
    ownerUserId: 'u-owner',
    method: 'password',
    agentKeyHash: KEY_HASH,
    name: 'build-01',
    facts,
    planStatus: 'ok',
    enrolledAt: now,
    ...extra,
  },
});
const sharedWithFriend: ComputerEvent = { type: 'ComputerShared', data: { computerId: 'c1', userId: 'u-friend', sharedBy: 'u-owner', sharedAt: now } };
const everyone: ComputerEvent = { type: 'ComputerVisibilityChanged', data: { computerId: 'c1', visibility: 'everyone', changedAt: now } };
const online: ComputerEvent = { type: 'ComputerWentOnline', data: { computerId: 'c1', ip: '198.51.100.4', city: 'Lyon', country: 'FR', wentOnlineAt: now } };
const removed: ComputerEvent = { type: 'ComputerRemoved', data: { computerId: 'c1', removedBy: 'u-owner', removedAt: now } };

const spec = deciderSpec(computerDecider);
const cmd = <C extends ComputerCommand>(type: C['type'], data: C['data'], principal: Principal, at = now): ComputerCommand =>
  ({ type, data, context: { now: at, principal } }) as ComputerCommand;

describe('Computer decider: enrollment', () => {
  const enroll = (data: Partial<Extract<ComputerCommand, { type: 'EnrollComputer' }>['data']> = {}, principal: Principal = agent) =>
    cmd(
      'EnrollComputer',
      { computerId: 'c1', accountId: 'a1', ownerUserId: 'u-owner', method: 'password', agentKeyHash: KEY_HASH, facts: linuxFacts, planStatus: 'ok', ...data },
      principal,
    );

  it('enrolls with the hostname as name, the key hash, the facts and the plan status of its slot', () => {
    spec.given([]).when(enroll()).then([enrolled()]);
  });

  it.each(['password', 'enrollment-token', 'add-computer-link', 'cli'] as const)('records the method %s', (method) => {
    spec.given([]).when(enroll({ method })).then([enrolled(linuxFacts, { method })]);
  });

  it('takes the name the agent gave, trimmed, and records the public address it came from', () => {
    spec.given([]).when(enroll({ name: '  Reception PC ', ip: '203.0.113.9' })).then([enrolled(linuxFacts, { name: 'Reception PC', ip: '203.0.113.9' })]);
  });

  it('cuts a long hostname to a valid name', () => {
    const facts = { ...linuxFacts, hostname: `${'h'.repeat(80)}.example.com` };
    spec.given([]).when(enroll({ facts })).then([enrolled(facts, { name: 'h'.repeat(64) })]);
  });

  it('records a limited computer with the end of its grace period', () => {
    const limitedUntil = '2026-12-01T10:00:00.000Z';
    spec.given([]).when(enroll({ planStatus: 'limited', limitedUntil })).then([enrolled(linuxFacts, { planStatus: 'limited', limitedUntil })]);
    spec.given([]).when(enroll({ planStatus: 'limited' })).thenThrows('COMPUTER_PLAN_INVALID');
  });

  it('refuses a second enrollment, another tenant, a key that is not a SHA-256 and an invalid name', () => {
    spec.given([enrolled()]).when(enroll()).thenThrows('COMPUTER_ALREADY_EXISTS');
    spec.given([]).when(enroll({}, { kind: 'agent', id: 'c1', tenantId: 'a2' })).thenThrows('COMPUTER_FORBIDDEN');
    spec.given([]).when(enroll({ agentKeyHash: 'the-key-itself' })).thenThrows('COMPUTER_KEY_INVALID');
    spec.given([]).when(enroll({ name: 'x'.repeat(65) })).thenThrows('COMPUTER_NAME_INVALID');
  });
});

describe('Computer decider: names', () => {
  const rename = (principal: Principal, name = 'Front desk') => cmd('RenameComputer', { computerId: 'c1', name }, principal);

  it('lets the owner, admins, the account owner and users it is shared with rename it from the console', () => {
    for (const principal of [owner, admin, accountOwner, friend]) {
      spec
        .given([enrolled(), sharedWithFriend])
        .when(rename(principal))
        .then([{ type: 'ComputerRenamed', data: { computerId: 'c1', name: 'Front desk', source: 'console', renamedAt: now } }]);
    }
  });

  it('refuses a colleague who only sees it, and hides it from another tenant', () => {
    spec.given([enrolled(), everyone]).when(rename(colleague)).thenThrows('COMPUTER_FORBIDDEN');
    spec.given([enrolled()]).when(rename(stranger)).thenThrows('COMPUTER_NOT_FOUND');
  });

  it('records nothing for the same name and refuses empty, long or control-character names', () => {
    spec.given([enrolled()]).when(rename(owner, ' build-01 ')).then([]);
    for (const name of ['', '   ', 'x'.repeat(65), 'bad\nname']) spec.given([enrolled()]).when(rename(owner, name)).thenThrows('COMPUTER_NAME_INVALID');
  });

  it('lets only its own agent set its name from the agent settings', () => {
    spec
      .given([enrolled()])
      .when(cmd('SetAgentName', { computerId: 'c1', name: 'Laptop' }, agent))
      .then([{ type: 'ComputerRenamed', data: { computerId: 'c1', name: 'Laptop', source: 'agent', renamedAt: now } }]);
    for (const principal of [otherAgent, owner, system]) {
      spec.given([enrolled()]).when(cmd('SetAgentName', { computerId: 'c1', name: 'Laptop' }, principal)).thenThrows('COMPUTER_FORBIDDEN');
    }
    spec.given([enrolled()]).when(cmd('SetAgentName', { computerId: 'c1', name: 'build-01' }, agent)).then([]);
  });
});

describe('Computer decider: groups and favourites', () => {
  it('moves into a group and out of every group; the same place records nothing', () => {
    spec
      .given([enrolled()])
      .when(cmd('MoveComputerToGroup', { computerId: 'c1', groupId: 'g1' }, owner))
      .then([{ type: 'ComputerMovedToGroup', data: { computerId: 'c1', groupId: 'g1', movedAt: now } }]);
    const inG1: ComputerEvent = { type: 'ComputerMovedToGroup', data: { computerId: 'c1', groupId: 'g1', movedAt: now } };
    spec
      .given([enrolled(), inG1])
      .when(cmd('MoveComputerToGroup', { computerId: 'c1', groupId: null }, friend))
      .thenThrows('COMPUTER_NOT_FOUND');
    spec
      .given([enrolled(), inG1, everyone])
      .when(cmd('MoveComputerToGroup', { computerId: 'c1', groupId: null }, friend))
      .thenThrows('COMPUTER_FORBIDDEN');
    spec
      .given([enrolled(), inG1, sharedWithFriend])
      .when(cmd('MoveComputerToGroup', { computerId: 'c1', groupId: null }, friend))
      .then([{ type: 'ComputerMovedToGroup', data: { computerId: 'c1', groupId: null, movedAt: now } }]);
    spec.given([enrolled(), inG1]).when(cmd('MoveComputerToGroup', { computerId: 'c1', groupId: 'g1' }, owner)).then([]);
  });

  it('keeps favourites per user, for every user who can see the computer', () => {
    spec
      .given([enrolled(), everyone])
      .when(cmd('FavouriteComputer', { computerId: 'c1' }, colleague))
      .then([{ type: 'ComputerFavourited', data: { computerId: 'c1', userId: 'u-colleague', favouritedAt: now } }]);
    const favourite: ComputerEvent = { type: 'ComputerFavourited', data: { computerId: 'c1', userId: 'u-colleague', favouritedAt: now } };
    spec.given([enrolled(), everyone, favourite]).when(cmd('FavouriteComputer', { computerId: 'c1' }, colleague)).then([]);
    spec
      .given([enrolled(), everyone, favourite])
      .when(cmd('FavouriteComputer', { computerId: 'c1' }, owner))
      .then([{ type: 'ComputerFavourited', data: { computerId: 'c1', userId: 'u-owner', favouritedAt: now } }]);
    spec
      .given([enrolled(), everyone, favourite])
      .when(cmd('UnfavouriteComputer', { computerId: 'c1' }, colleague))
      .then([{ type: 'ComputerUnfavourited', data: { computerId: 'c1', userId: 'u-colleague', unfavouritedAt: now } }]);
    spec.given([enrolled(), everyone]).when(cmd('UnfavouriteComputer', { computerId: 'c1' }, colleague)).then([]);
  });

  it('refuses favourites on a computer the user cannot see, and to non-users', () => {
    spec.given([enrolled()]).when(cmd('FavouriteComputer', { computerId: 'c1' }, colleague)).thenThrows('COMPUTER_NOT_FOUND');
    spec.given([enrolled(), everyone]).when(cmd('FavouriteComputer', { computerId: 'c1' }, agent)).thenThrows('COMPUTER_FORBIDDEN');
  });
});

describe('Computer decider: sharing and visibility', () => {
  it('lets the owner or an admin share with a user, once', () => {
    for (const principal of [owner, admin]) {
      spec
        .given([enrolled()])
        .when(cmd('ShareComputer', { computerId: 'c1', userId: 'u-friend' }, principal))
        .then([{ type: 'ComputerShared', data: { computerId: 'c1', userId: 'u-friend', sharedBy: principal.id, sharedAt: now } }]);
    }
    spec.given([enrolled(), sharedWithFriend]).when(cmd('ShareComputer', { computerId: 'c1', userId: 'u-friend' }, owner)).then([]);
  });

  it('refuses sharing by a user it is shared with or who only sees it, and sharing with the owner', () => {
    spec.given([enrolled(), sharedWithFriend]).when(cmd('ShareComputer', { computerId: 'c1', userId: 'u-colleague' }, friend)).thenThrows('COMPUTER_FORBIDDEN');
    spec.given([enrolled(), everyone]).when(cmd('ShareComputer', { computerId: 'c1', userId: 'u-friend' }, colleague)).thenThrows('COMPUTER_FORBIDDEN');
    spec.given([enrolled()]).when(cmd('ShareComputer', { computerId: 'c1', userId: 'u-owner' }, admin)).thenThrows('COMPUTER_SHARE_INVALID');
  });

  it('refuses more than 100 shares', () => {
    const shares: ComputerEvent[] = Array.from({ length: 100 }, (_, i) => ({
      type: 'ComputerShared',
      data: { computerId: 'c1', userId: `u${i}`, sharedBy: 'u-owner', sharedAt: now },
    }));
    spec.given([enrolled(), ...shares]).when(cmd('ShareComputer', { computerId: 'c1', userId: 'u-friend' }, owner)).thenThrows('COMPUTER_SHARE_INVALID');
  });

  it('revokes a share (owner, admin, or the user giving it up); not shared records nothing', () => {
    for (const principal of [owner, admin, friend]) {
      spec
        .given([enrolled(), sharedWithFriend])
        .when(cmd('UnshareComputer', { computerId: 'c1', userId: 'u-friend' }, principal))
        .then([{ type: 'ComputerUnshared', data: { computerId: 'c1', userId: 'u-friend', unsharedBy: principal.id, unsharedAt: now } }]);
    }
    spec.given([enrolled()]).when(cmd('UnshareComputer', { computerId: 'c1', userId: 'u-friend' }, owner)).then([]);
    spec.given([enrolled(), sharedWithFriend, everyone]).when(cmd('UnshareComputer', { computerId: 'c1', userId: 'u-friend' }, colleague)).thenThrows('COMPUTER_FORBIDDEN');
  });

  it('lets only the owner change the visibility, not even an admin', () => {
    spec.given([enrolled()]).when(cmd('SetComputerVisibility', { computerId: 'c1', visibility: 'everyone' }, owner)).then([everyone]);
    spec.given([enrolled(), everyone]).when(cmd('SetComputerVisibility', { computerId: 'c1', visibility: 'everyone' }, owner)).then([]);
    for (const principal of [admin, accountOwner, friend, agent]) {
      spec.given([enrolled(), sharedWithFriend]).when(cmd('SetComputerVisibility', { computerId: 'c1', visibility: 'everyone' }, principal)).thenThrows('COMPUTER_VISIBILITY_OWNER_ONLY');
    }
    spec
      .given([enrolled()])
      .when(cmd('SetComputerVisibility', { computerId: 'c1', visibility: 'public' as 'everyone' }, owner))
      .thenThrows('COMPUTER_VISIBILITY_INVALID');
  });
});

describe('Computer decider: agent configuration policy', () => {
  const policy = (allowWithoutAdmin: boolean, principal: Principal = owner) => cmd('SetAgentConfigPolicy', { computerId: 'c1', allowWithoutAdmin }, principal);

  it('is a setting of the installed Windows agent', () => {
    spec
      .given([enrolled(windowsFacts)])
      .when(policy(true))
      .then([{ type: 'ComputerAgentConfigPolicyChanged', data: { computerId: 'c1', allowWithoutAdmin: true, changedAt: now } }]);
    spec.given([enrolled(windowsFacts)]).when(policy(false)).then([]);
  });

  it('is unsupported on Linux and macOS, and on an agent run without installing', () => {
    spec.given([enrolled(linuxFacts)]).when(policy(true)).thenThrows('COMPUTER_SETTING_UNSUPPORTED');
    spec.given([enrolled({ ...windowsFacts, os: { ...windowsFacts.os, platform: 'darwin' } })]).when(policy(true)).thenThrows('COMPUTER_SETTING_UNSUPPORTED');
    spec.given([enrolled({ ...windowsFacts, installed: false })]).when(policy(true)).thenThrows('COMPUTER_SETTING_UNSUPPORTED');
  });

  it('is changed by those who manage the computer only', () => {
    spec.given([enrolled(windowsFacts), everyone]).when(policy(true, colleague)).thenThrows('COMPUTER_FORBIDDEN');
  });
});

describe('Computer decider: presence and facts', () => {
  const goOnline = (principal: Principal, ip = '198.51.100.4') => cmd('MarkComputerOnline', { computerId: 'c1', ip, city: 'Lyon', country: 'FR' }, principal);

  it('goes online from its agent or the server, with the address and where it geolocates', () => {
    spec.given([enrolled()]).when(goOnline(agent)).then([online]);
    spec.given([enrolled()]).when(goOnline(system)).then([online]);
  });

  it('records nothing when already online from the same address, and a new address when it changed', () => {
    spec.given([enrolled(), online]).when(goOnline(agent)).then([]);
    spec
      .given([enrolled(), online])
      .when(goOnline(agent, '198.51.100.99'))
      .then([{ type: 'ComputerWentOnline', data: { computerId: 'c1', ip: '198.51.100.99', city: 'Lyon', country: 'FR', wentOnlineAt: now } }]);
  });

  it('goes offline once; offline when offline records nothing', () => {
    const offline: ComputerEvent = { type: 'ComputerWentOffline', data: { computerId: 'c1', reason: 'missed-heartbeats', wentOfflineAt: now } };
    spec.given([enrolled(), online]).when(cmd('MarkComputerOffline', { computerId: 'c1', reason: 'missed-heartbeats' }, system)).then([offline]);
    spec.given([enrolled(), online, offline]).when(cmd('MarkComputerOffline', { computerId: 'c1', reason: 'disconnected' }, agent)).then([]);
    spec.given([enrolled()]).when(cmd('MarkComputerOffline', { computerId: 'c1', reason: 'disconnected' }, agent)).then([]);
  });

  it('takes presence and facts from its own agent or the server only', () => {
    for (const principal of [otherAgent, owner, admin]) {
      spec.given([enrolled()]).when(goOnline(principal)).thenThrows('COMPUTER_FORBIDDEN');
      spec.given([enrolled(), online]).when(cmd('MarkComputerOffline', { computerId: 'c1', reason: 'disconnected' }, principal)).thenThrows('COMPUTER_FORBIDDEN');
      spec.given([enrolled()]).when(cmd('UpdateComputerFacts', { computerId: 'c1', facts: windowsFacts }, principal)).thenThrows('COMPUTER_FORBIDDEN');
    }
  });

  it('records facts that changed, and nothing for the same facts', () => {
    const facts = { ...linuxFacts, loggedInUser: null };
    spec
      .given([enrolled()])
      .when(cmd('UpdateComputerFacts', { computerId: 'c1', facts }, agent))
      .then([{ type: 'ComputerFactsChanged', data: { computerId: 'c1', facts, changedAt: now } }]);
    spec.given([enrolled()]).when(cmd('UpdateComputerFacts', { computerId: 'c1', facts: { ...linuxFacts } }, agent)).then([]);
  });

  it('keeps a disabled computer offline', () => {
    spec.given([enrolled(linuxFacts, { planStatus: 'disabled' })]).when(goOnline(agent)).thenThrows('COMPUTER_DISABLED');
  });
});

describe('Computer decider: plan', () => {
  const limitedUntil = '2026-12-01T10:00:00.000Z';
  const limited = enrolled(linuxFacts, { planStatus: 'limited', limitedUntil });
  const enforce = (at: string, principal: Principal = system) => cmd('EnforceComputerPlan', { computerId: 'c1' }, principal, at);

  it('keeps a limited computer until its grace period ends, then disables it', () => {
    spec.given([limited]).when(enforce('2026-11-30T10:00:00.000Z')).then([]);
    spec
      .given([limited])
      .when(enforce(limitedUntil))
      .then([{ type: 'ComputerPlanStatusChanged', data: { computerId: 'c1', planStatus: 'disabled', changedAt: limitedUntil } }]);
    expect(effectivePlanStatus({ planStatus: 'limited', limitedUntil }, '2026-11-30T23:59:59.999Z')).toBe('limited');
    expect(effectivePlanStatus({ planStatus: 'limited', limitedUntil }, limitedUntil)).toBe('disabled');
  });

  it('records nothing for computers within the plan or already disabled', () => {
    spec.given([enrolled()]).when(enforce('2030-01-01T00:00:00.000Z')).then([]);
    const disabled: ComputerEvent = { type: 'ComputerPlanStatusChanged', data: { computerId: 'c1', planStatus: 'disabled', changedAt: limitedUntil } };
    spec.given([limited, disabled]).when(enforce('2030-01-01T00:00:00.000Z')).then([]);
  });

  it('refuses to let a limited computer come online after its deadline', () => {
    spec
      .given([limited])
      .when(cmd('MarkComputerOnline', { computerId: 'c1', ip: null, city: null, country: null }, agent, '2026-12-02T00:00:00.000Z'))
      .thenThrows('COMPUTER_DISABLED');
  });

  it('is enforced by the server, an admin or the agent itself, not by a technician', () => {
    spec.given([limited]).when(enforce(limitedUntil, owner)).thenThrows('COMPUTER_FORBIDDEN');
    spec.given([limited]).when(enforce(limitedUntil, admin)).then([{ type: 'ComputerPlanStatusChanged', data: { computerId: 'c1', planStatus: 'disabled', changedAt: limitedUntil } }]);
  });
});

describe('Computer decider: removal', () => {
  it('lets the owner or an admin remove it', () => {
    for (const principal of [owner, admin]) {
      spec
        .given([enrolled()])
        .when(cmd('RemoveComputer', { computerId: 'c1' }, principal))
        .then([{ type: 'ComputerRemoved', data: { computerId: 'c1', removedBy: principal.id, removedAt: now } }]);
    }
  });

  it('refuses users it is shared with and colleagues, and another tenant cannot find it', () => {
    spec.given([enrolled(), sharedWithFriend]).when(cmd('RemoveComputer', { computerId: 'c1' }, friend)).thenThrows('COMPUTER_FORBIDDEN');
    spec.given([enrolled(), everyone]).when(cmd('RemoveComputer', { computerId: 'c1' }, colleague)).thenThrows('COMPUTER_FORBIDDEN');
    spec.given([enrolled()]).when(cmd('RemoveComputer', { computerId: 'c1' }, stranger)).thenThrows('COMPUTER_NOT_FOUND');
  });

  it('records nothing when removed again, and a removed computer takes no other command', () => {
    spec.given([enrolled(), removed]).when(cmd('RemoveComputer', { computerId: 'c1' }, owner)).then([]);
    spec.given([enrolled(), removed]).when(cmd('RemoveComputer', { computerId: 'c1' }, friend)).thenThrows('COMPUTER_NOT_FOUND');
    spec.given([enrolled(), removed]).when(cmd('RenameComputer', { computerId: 'c1', name: 'x' }, owner)).thenThrows('COMPUTER_NOT_FOUND');
    spec.given([enrolled(), removed]).when(cmd('MarkComputerOnline', { computerId: 'c1', ip: null, city: null, country: null }, agent)).thenThrows('COMPUTER_NOT_FOUND');
    spec.given([]).when(cmd('RenameComputer', { computerId: 'c1', name: 'x' }, owner)).thenThrows('COMPUTER_NOT_FOUND');
  });
});
