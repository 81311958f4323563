import { deciderSpec } from '../../tests/kit/decider-spec';
import type { Principal } from '../shared/event';
import type { AccountPlanCommand } from './account-plan.commands';
import type { AccountPlanEvent } from './account-plan.events';
import { accountDecider } from './account.decide';
import type { AccountStreamEvent } from './account.state';

const now = '2026-11-21T10:00:00.000Z';
const in10Days = '2026-12-01T10:00:00.000Z';
const in48Hours = '2026-11-23T10:00:00.000Z';
const tech: Principal = { kind: 'user', id: 'u-tech', tenantId: 'a1', role: 'technician' };
const admin: Principal = { kind: 'user', id: 'u-admin', tenantId: 'a1', role: 'admin' };
const colleague: Principal = { kind: 'user', id: 'u-colleague', tenantId: 'a1', role: 'technician' };
const operator: Principal = { kind: 'system', id: 'operator', tenantId: 'a1', role: 'operator' };
const agent: Principal = { kind: 'agent', id: 'c9', tenantId: 'a1' };
const strangerAgent: Principal = { kind: 'agent', id: 'c9', tenantId: 'a2' };
const LINK = 'b'.repeat(64);
const TOKEN = 'c'.repeat(64);

const registered = (kind: 'client-space' | 'msp' = 'client-space'): AccountStreamEvent => ({
  type: 'AccountRegistered',
  data: { accountId: 'a1', name: 'Acme', kind, ownerUserId: 'u-admin', registeredAt: now },
});
const allocated = (computerId: string, planStatus: 'ok' | 'limited' | 'disabled' = 'ok', ownerUserId = 'u-tech'): AccountPlanEvent => ({
  type: 'AccountComputerSlotAllocated',
  data: { accountId: 'a1', computerId, ownerUserId, planStatus, ...(planStatus === 'limited' ? { limitedUntil: in10Days } : {}), allocatedAt: now },
});
const issued = (tokenHash: string, kind: 'enrollment-token' | 'add-computer-link', issuedBy = 'u-tech'): AccountPlanEvent => ({
  type: 'AccountEnrollmentTokenIssued',
  data: { accountId: 'a1', tokenHash, kind, expiresAt: kind === 'add-computer-link' ? in48Hours : null, issuedBy, issuedAt: now },
});
const used = (tokenHash: string, computerId: string, at = now): AccountPlanEvent => ({
  type: 'AccountEnrollmentTokenUsed',
  data: { accountId: 'a1', tokenHash, computerId, usedAt: at },
});

const spec = deciderSpec(accountDecider);
const cmd = (type: AccountPlanCommand['type'], data: Record<string, unknown>, principal: Principal, at = now) =>
  ({ type, data: { accountId: 'a1', ...data }, context: { now: at, principal } }) as AccountPlanCommand;
const allocate = (computerId: string, extra: Record<string, unknown> = { ownerUserId: 'u-tech' }, at = now, principal: Principal = agent) =>
  cmd('AllocateComputerSlot', { computerId, ...extra }, principal, at);

describe('Account plan: computer slots', () => {
  it('allocates within the limit of a client space (3 by default)', () => {
    spec.given([registered()]).when(allocate('c1')).then([allocated('c1')]);
    spec.given([registered(), allocated('c1'), allocated('c2')]).when(allocate('c3')).then([allocated('c3')]);
  });

  it('limits the first computer over the plan for 10 days, then disables every later one', () => {
    const three = [registered(), allocated('c1'), allocated('c2'), allocated('c3')];
    spec.given(three).when(allocate('c4')).then([allocated('c4', 'limited')]);
    spec.given([...three, allocated('c4', 'limited')]).when(allocate('c5')).then([allocated('c5', 'disabled')]);
  });

  it('counts slots given back: a removed computer frees its place, but the limited grace is used once', () => {
    const released: AccountPlanEvent = { type: 'AccountComputerSlotReleased', data: { accountId: 'a1', computerId: 'c1', releasedAt: now } };
    const base = [registered(), allocated('c1'), allocated('c2'), allocated('c3'), allocated('c4', 'limited'), released];
    spec.given(base).when(allocate('c5')).then([allocated('c5', 'disabled')]);
    spec.given([registered(), allocated('c1'), allocated('c2'), allocated('c3'), released]).when(allocate('c4')).then([allocated('c4')]);
  });

  it('gives an MSP 50 computers, a configured default instead when given, and an operator\'s limit above both', () => {
    const fifty = [registered('msp'), ...Array.from({ length: 50 }, (_, i) => allocated(`c${i}`))];
    spec.given(fifty.slice(0, 50)).when(allocate('c49')).then([allocated('c49')]);
    spec.given(fifty).when(allocate('c50')).then([allocated('c50', 'limited')]);
    spec.given([registered(), allocated('c1')]).when(allocate('c2', { ownerUserId: 'u-tech', defaultLimits: { 'client-space': 1 } })).then([allocated('c2', 'limited')]);
    const raised: AccountPlanEvent = { type: 'AccountComputerLimitSet', data: { accountId: 'a1', limit: 5, setAt: now } };
    spec.given([registered(), allocated('c1'), raised]).when(allocate('c2', { ownerUserId: 'u-tech', defaultLimits: { 'client-space': 1 } })).then([allocated('c2')]);
  });

  it('refuses a slot in another tenant, in a closed account, and with both or neither owner and token', () => {
    spec.given([registered()]).when(allocate('c1', { ownerUserId: 'u-tech' }, now, strangerAgent)).thenThrows('ACCOUNT_FORBIDDEN');
    spec.given([registered(), { type: 'AccountClosed', data: { accountId: 'a1', closedAt: now } }]).when(allocate('c1')).thenThrows('ACCOUNT_CLOSED');
    spec.given([]).when(allocate('c1')).thenThrows('ACCOUNT_NOT_FOUND');
    spec.given([registered()]).when(allocate('c1', {})).thenThrows('ACCOUNT_SLOT_INVALID');
    spec.given([registered(), issued(TOKEN, 'enrollment-token')]).when(allocate('c1', { ownerUserId: 'u', token: { tokenHash: TOKEN, kind: 'enrollment-token' } })).thenThrows('ACCOUNT_SLOT_INVALID');
  });

  it('releases a slot once there is one to release', () => {
    spec
      .given([registered(), allocated('c1')])
      .when(cmd('ReleaseComputerSlot', { computerId: 'c1' }, operator))
      .then([{ type: 'AccountComputerSlotReleased', data: { accountId: 'a1', computerId: 'c1', releasedAt: now } }]);
    spec.given([registered()]).when(cmd('ReleaseComputerSlot', { computerId: 'c1' }, operator)).then([]);
  });
});

describe('Account plan: computer limit', () => {
  it('is set by an operator only, to a whole number; the same limit records nothing', () => {
    spec.given([registered()]).when(cmd('SetAccountComputerLimit', { limit: 10 }, operator)).then([{ type: 'AccountComputerLimitSet', data: { accountId: 'a1', limit: 10, setAt: now } }]);
    spec.given([registered(), { type: 'AccountComputerLimitSet', data: { accountId: 'a1', limit: 10, setAt: now } }]).when(cmd('SetAccountComputerLimit', { limit: 10 }, operator)).then([]);
    spec.given([registered()]).when(cmd('SetAccountComputerLimit', { limit: 10 }, admin)).thenThrows('ACCOUNT_FORBIDDEN');
    for (const limit of [-1, 1.5, Number.NaN, 2_000_000]) {
      spec.given([registered()]).when(cmd('SetAccountComputerLimit', { limit }, operator)).thenThrows('ACCOUNT_COMPUTER_LIMIT_INVALID');
    }
  });
});

describe('Account plan: enrollment tokens and add-computer links', () => {
  const withLink = (tokenHash = LINK) => ({ token: { tokenHash, kind: 'add-computer-link' } });
  const withToken = (tokenHash = TOKEN) => ({ token: { tokenHash, kind: 'enrollment-token' } });

  it('issues a link valid 48 hours and a download token valid until revoked, to any user of the account', () => {
    spec.given([registered()]).when(cmd('IssueEnrollmentToken', { tokenHash: LINK, kind: 'add-computer-link' }, tech)).then([issued(LINK, 'add-computer-link')]);
    spec.given([registered()]).when(cmd('IssueEnrollmentToken', { tokenHash: TOKEN, kind: 'enrollment-token' }, tech)).then([issued(TOKEN, 'enrollment-token')]);
  });

  it('refuses tokens from an agent, a malformed hash or kind, and a hash issued twice', () => {
    spec.given([registered()]).when(cmd('IssueEnrollmentToken', { tokenHash: LINK, kind: 'add-computer-link' }, agent)).thenThrows('ACCOUNT_FORBIDDEN');
    spec.given([registered()]).when(cmd('IssueEnrollmentToken', { tokenHash: 'raw-token', kind: 'add-computer-link' }, tech)).thenThrows('ENROLLMENT_TOKEN_INVALID');
    spec.given([registered()]).when(cmd('IssueEnrollmentToken', { tokenHash: LINK, kind: 'forever' }, tech)).thenThrows('ENROLLMENT_TOKEN_INVALID');
    spec.given([registered(), issued(LINK, 'add-computer-link')]).when(cmd('IssueEnrollmentToken', { tokenHash: LINK, kind: 'add-computer-link' }, tech)).thenThrows('ENROLLMENT_TOKEN_ALREADY_EXISTS');
  });

  it('enrolls with a link once, for its issuer, recording the use in the same append', () => {
    spec.given([registered(), issued(LINK, 'add-computer-link')]).when(allocate('c1', withLink())).then([used(LINK, 'c1'), allocated('c1')]);
    spec.given([registered(), issued(LINK, 'add-computer-link'), used(LINK, 'c1'), allocated('c1')]).when(allocate('c2', withLink())).thenThrows('ENROLLMENT_TOKEN_USED');
  });

  it('refuses a link after 48 hours', () => {
    spec.given([registered(), issued(LINK, 'add-computer-link')]).when(allocate('c1', withLink(), '2026-11-23T09:59:59.999Z')).then([
      used(LINK, 'c1', '2026-11-23T09:59:59.999Z'),
      { ...allocated('c1'), data: { ...allocated('c1').data, allocatedAt: '2026-11-23T09:59:59.999Z' } } as AccountPlanEvent,
    ]);
    spec.given([registered(), issued(LINK, 'add-computer-link')]).when(allocate('c1', withLink(), in48Hours)).thenThrows('ENROLLMENT_TOKEN_EXPIRED');
  });

  it('enrolls any number of computers with a download token until it is revoked', () => {
    const many = [registered('msp'), issued(TOKEN, 'enrollment-token', 'u-admin'), used(TOKEN, 'c1'), allocated('c1', 'ok', 'u-admin')];
    spec.given(many).when(allocate('c2', withToken())).then([used(TOKEN, 'c2'), allocated('c2', 'ok', 'u-admin')]);
    const revoked: AccountPlanEvent = { type: 'AccountEnrollmentTokenRevoked', data: { accountId: 'a1', tokenHash: TOKEN, revokedBy: 'u-admin', revokedAt: now } };
    spec.given([...many, revoked]).when(allocate('c2', withToken())).thenThrows('ENROLLMENT_TOKEN_REVOKED');
  });

  it('refuses an unknown token and a token presented as the other kind', () => {
    spec.given([registered()]).when(allocate('c1', withToken())).thenThrows('ENROLLMENT_TOKEN_INVALID');
    spec.given([registered(), issued(TOKEN, 'enrollment-token')]).when(allocate('c1', { token: { tokenHash: TOKEN, kind: 'add-computer-link' } })).thenThrows('ENROLLMENT_TOKEN_INVALID');
    spec.given([registered(), issued(TOKEN, 'enrollment-token')]).when(allocate('c1', withToken('toString'))).thenThrows('ENROLLMENT_TOKEN_INVALID');
  });

  it('is revoked by its issuer or an admin, once', () => {
    const revoked = (by: string): AccountPlanEvent => ({ type: 'AccountEnrollmentTokenRevoked', data: { accountId: 'a1', tokenHash: TOKEN, revokedBy: by, revokedAt: now } });
    spec.given([registered(), issued(TOKEN, 'enrollment-token')]).when(cmd('RevokeEnrollmentToken', { tokenHash: TOKEN }, tech)).then([revoked('u-tech')]);
    spec.given([registered(), issued(TOKEN, 'enrollment-token')]).when(cmd('RevokeEnrollmentToken', { tokenHash: TOKEN }, admin)).then([revoked('u-admin')]);
    spec.given([registered(), issued(TOKEN, 'enrollment-token')]).when(cmd('RevokeEnrollmentToken', { tokenHash: TOKEN }, colleague)).thenThrows('ACCOUNT_FORBIDDEN');
    spec.given([registered(), issued(TOKEN, 'enrollment-token'), revoked('u-tech')]).when(cmd('RevokeEnrollmentToken', { tokenHash: TOKEN }, tech)).then([]);
    spec.given([registered()]).when(cmd('RevokeEnrollmentToken', { tokenHash: TOKEN }, tech)).thenThrows('ENROLLMENT_TOKEN_NOT_FOUND');
  });
});
