import { deciderSpec } from '../../tests/kit/decider-spec';
import type { Principal } from '../shared/event';
import type { AccountEvent } from './account.events';
import { accountDecider } from './account.decide';

const now = '2026-11-21T10:00:00.000Z';
const owner: Principal = { kind: 'user', id: 'u1', tenantId: 'a1', role: 'owner' };
const technician: Principal = { kind: 'user', id: 'u2', tenantId: 'a1', role: 'technician' };
const stranger: Principal = { kind: 'user', id: 'u3', tenantId: 'a2', role: 'owner' };
const registered: AccountEvent = {
  type: 'AccountRegistered',
  data: { accountId: 'a1', name: 'Acme', kind: 'msp', registeredAt: now },
};
const spec = deciderSpec(accountDecider);

describe('Account decider', () => {
  it('registers a new account with a trimmed name', () => {
    spec
      .given([])
      .when({ type: 'RegisterAccount', data: { accountId: 'a1', name: '  Acme ', kind: 'msp' }, context: { now, principal: owner } })
      .then([registered]);
  });

  it('refuses to register an account twice', () => {
    spec
      .given([registered])
      .when({ type: 'RegisterAccount', data: { accountId: 'a1', name: 'Acme', kind: 'msp' }, context: { now, principal: owner } })
      .thenThrows('ACCOUNT_ALREADY_EXISTS');
  });

  it('refuses to register into another tenant', () => {
    spec
      .given([])
      .when({ type: 'RegisterAccount', data: { accountId: 'a1', name: 'Acme', kind: 'msp' }, context: { now, principal: stranger } })
      .thenThrows('ACCOUNT_FORBIDDEN');
  });

  it.each(['', '   ', 'x'.repeat(101)])('refuses the name %j', (name) => {
    spec
      .given([])
      .when({ type: 'RegisterAccount', data: { accountId: 'a1', name, kind: 'msp' }, context: { now, principal: owner } })
      .thenThrows('ACCOUNT_NAME_INVALID');
  });

  it('renames an open account', () => {
    spec
      .given([registered])
      .when({ type: 'RenameAccount', data: { accountId: 'a1', name: 'Acme IT' }, context: { now, principal: owner } })
      .then([{ type: 'AccountRenamed', data: { accountId: 'a1', name: 'Acme IT', renamedAt: now } }]);
  });

  it('records nothing when the name does not change', () => {
    spec
      .given([registered])
      .when({ type: 'RenameAccount', data: { accountId: 'a1', name: 'Acme' }, context: { now, principal: owner } })
      .then([]);
  });

  it('lets neither a technician nor another tenant rename', () => {
    for (const principal of [technician, stranger]) {
      spec
        .given([registered])
        .when({ type: 'RenameAccount', data: { accountId: 'a1', name: 'Mine' }, context: { now, principal } })
        .thenThrows('ACCOUNT_FORBIDDEN');
    }
  });

  it('refuses to rename an unknown or closed account', () => {
    spec
      .given([])
      .when({ type: 'RenameAccount', data: { accountId: 'a1', name: 'X' }, context: { now, principal: owner } })
      .thenThrows('ACCOUNT_NOT_FOUND');
    spec
      .given([registered, { type: 'AccountClosed', data: { accountId: 'a1', closedAt: now } }])
      .when({ type: 'RenameAccount', data: { accountId: 'a1', name: 'X' }, context: { now, principal: owner } })
      .thenThrows('ACCOUNT_CLOSED');
  });

  it('closes an account once', () => {
    spec
      .given([registered])
      .when({ type: 'CloseAccount', data: { accountId: 'a1' }, context: { now, principal: owner } })
      .then([{ type: 'AccountClosed', data: { accountId: 'a1', closedAt: now } }]);
    spec
      .given([registered, { type: 'AccountClosed', data: { accountId: 'a1', closedAt: now } }])
      .when({ type: 'CloseAccount', data: { accountId: 'a1' }, context: { now, principal: owner } })
      .thenThrows('ACCOUNT_CLOSED');
  });
});

describe('Account decider: owner and deletion', () => {
  const ownedBy = (userId: string): AccountEvent => ({
    type: 'AccountRegistered',
    data: { accountId: 'a1', name: 'Acme', kind: 'client-space', ownerUserId: userId, registeredAt: now },
  });
  const del = (principal: Principal, passwordConfirmed = true) =>
    ({ type: 'DeleteAccount', data: { accountId: 'a1', passwordConfirmed }, context: { now, principal } }) as const;

  it('records the user who registers the account as its owner', () => {
    spec
      .given([])
      .when({
        type: 'RegisterAccount',
        data: { accountId: 'a1', name: 'Acme', kind: 'client-space', ownerUserId: 'u1' },
        context: { now, principal: owner },
      })
      .then([ownedBy('u1')]);
  });

  it('refuses a user registering an account owned by someone else', () => {
    spec
      .given([])
      .when({
        type: 'RegisterAccount',
        data: { accountId: 'a1', name: 'Acme', kind: 'client-space', ownerUserId: 'u9' },
        context: { now, principal: owner },
      })
      .thenThrows('ACCOUNT_FORBIDDEN');
  });

  it('lets the owner delete the account after confirming the password', () => {
    spec
      .given([ownedBy('u1')])
      .when(del(owner))
      .then([{ type: 'AccountClosed', data: { accountId: 'a1', closedAt: now, reason: 'deleted', deletedBy: 'u1' } }]);
  });

  it('refuses a deletion without the password', () => {
    spec.given([ownedBy('u1')]).when(del(owner, false)).thenThrows('ACCOUNT_DELETION_UNCONFIRMED');
  });

  it('lets neither an admin, a technician, another owner-role user nor another tenant delete it', () => {
    const admin: Principal = { kind: 'user', id: 'u4', tenantId: 'a1', role: 'admin' };
    const secondOwner: Principal = { kind: 'user', id: 'u5', tenantId: 'a1', role: 'owner' };
    const operator: Principal = { kind: 'system', id: 'operator', tenantId: 'a1', role: 'operator' };
    for (const principal of [admin, technician, secondOwner, stranger, operator]) {
      spec.given([ownedBy('u1')]).when(del(principal)).thenThrows('ACCOUNT_FORBIDDEN');
    }
  });

  it('falls back to the owner role for accounts registered without an owner', () => {
    spec
      .given([registered])
      .when(del(owner))
      .then([{ type: 'AccountClosed', data: { accountId: 'a1', closedAt: now, reason: 'deleted', deletedBy: 'u1' } }]);
    spec.given([registered]).when(del(technician)).thenThrows('ACCOUNT_FORBIDDEN');
  });

  it('records nothing more for an account already closed, so an interrupted deletion can finish', () => {
    const deleted: AccountEvent = { type: 'AccountClosed', data: { accountId: 'a1', closedAt: now, reason: 'deleted', deletedBy: 'u1' } };
    spec.given([ownedBy('u1'), deleted]).when(del(owner)).then([]);
  });

  it('refuses to delete an unknown account', () => {
    spec.given([]).when(del(owner)).thenThrows('ACCOUNT_NOT_FOUND');
  });
});

describe('Account decider: session recording', () => {
  const admin: Principal = { kind: 'user', id: 'u4', tenantId: 'a1', role: 'admin' };
  const set = (enabled: boolean, principal: Principal) => ({ type: 'SetSessionRecording' as const, data: { accountId: 'a1', enabled }, context: { now, principal } });
  const recordingOn: AccountEvent = { type: 'SessionRecordingChanged', data: { accountId: 'a1', enabled: true, changedAt: now } };

  it('lets the owner or an admin turn recording on and off', () => {
    spec.given([registered]).when(set(true, owner)).then([recordingOn]);
    spec.given([registered, recordingOn]).when(set(false, admin)).then([{ type: 'SessionRecordingChanged', data: { accountId: 'a1', enabled: false, changedAt: now } }]);
  });

  it('records nothing when the setting does not change', () => {
    spec.given([registered]).when(set(false, owner)).then([]);
    spec.given([registered, recordingOn]).when(set(true, owner)).then([]);
  });

  it('refuses technicians, other tenants and closed accounts', () => {
    spec.given([registered]).when(set(true, technician)).thenThrows('ACCOUNT_FORBIDDEN');
    spec.given([registered]).when(set(true, stranger)).thenThrows('ACCOUNT_FORBIDDEN');
    spec.given([registered, { type: 'AccountClosed', data: { accountId: 'a1', closedAt: now } }]).when(set(true, owner)).thenThrows('ACCOUNT_CLOSED');
  });
});
