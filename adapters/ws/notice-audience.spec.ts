import type { Doc } from '../../application/ports/read-store.port';
import { ALL_PROJECTIONS } from '../../read-models';
import { NOTICE_AUDIENCE, type NoticeViewer } from './notice-audience';

const TENANT = 'acct-1';
const user = (id: string, role: NoticeViewer['role']): NoticeViewer => ({ kind: 'user', id, tenantId: TENANT, role });
const owner = user('u-owner', 'owner');
const admin = user('u-admin', 'admin');
const tech = user('u-tech', 'technician');
const other = user('u-other', 'technician');

/** Whether the rule of `projection` lets `viewer` see document `id` read as `doc`. */
function allows(projection: string, viewer: NoticeViewer, id: string, doc?: Record<string, unknown>): boolean {
  const rule = NOTICE_AUDIENCE[projection];
  const facts = doc && rule.facts ? rule.facts({ id, tenantId: TENANT, ...doc } as Doc) : undefined;
  return rule.allows(viewer, id, facts);
}

describe('notice audience', () => {
  it('has a rule for every projection the server runs', () => {
    expect(ALL_PROJECTIONS.map((p) => p.name).filter((name) => !NOTICE_AUDIENCE[name])).toEqual([]);
  });

  describe('computer-list', () => {
    const computer = (over: Record<string, unknown> = {}) => ({ accountId: TENANT, ownerUserId: tech.id, visibility: 'owner', sharedWith: [], ...over });

    it('tells an owner-only computer to its owner and the account admins, not to another technician', () => {
      expect(allows('computer-list', tech, 'c1', computer())).toBe(true);
      expect(allows('computer-list', owner, 'c1', computer())).toBe(true);
      expect(allows('computer-list', admin, 'c1', computer())).toBe(true);
      expect(allows('computer-list', other, 'c1', computer())).toBe(false);
    });

    it('tells the users it is shared with, and everyone when visible to everyone', () => {
      expect(allows('computer-list', other, 'c1', computer({ sharedWith: [other.id] }))).toBe(true);
      expect(allows('computer-list', other, 'c1', computer({ visibility: 'everyone' }))).toBe(true);
    });

    it('tells a document it cannot read (deleted, not remembered) to the admins only', () => {
      expect(allows('computer-list', admin, 'c1')).toBe(true);
      expect(allows('computer-list', owner, 'c1')).toBe(true);
      expect(allows('computer-list', tech, 'c1')).toBe(false);
    });

    it('keeps only the access facts of the document', () => {
      const facts = NOTICE_AUDIENCE['computer-list'].facts?.({ id: 'c1', tenantId: TENANT, name: 'Reception', ...computer({ sharedWith: ['x'] }) });
      expect(facts).toEqual({ accountId: TENANT, ownerUserId: tech.id, visibility: 'owner', sharedWith: ['x'] });
    });
  });

  it('tells a session to its owner, the technicians who joined it and the admins', () => {
    const session = { ownerUserId: tech.id, technicianIds: [tech.id, 'u-helper'], endUsers: [{ name: 'Bob' }] };
    expect(allows('session-history', tech, 's1', session)).toBe(true);
    expect(allows('session-history', user('u-helper', 'technician'), 's1', session)).toBe(true);
    expect(allows('session-history', admin, 's1', session)).toBe(true);
    expect(allows('session-history', other, 's1', session)).toBe(false);
    expect(allows('session-history', tech, 's1')).toBe(false);
    expect(NOTICE_AUDIENCE['session-history'].facts?.({ id: 's1', tenantId: TENANT, ...session })).toEqual({ ownerUserId: tech.id, technicianIds: [tech.id, 'u-helper'] });
  });

  it('tells the audit log to owners and admins only', () => {
    expect(allows('audit-log', owner, 'e1')).toBe(true);
    expect(allows('audit-log', admin, 'e1')).toBe(true);
    expect(allows('audit-log', tech, 'e1')).toBe(false);
  });

  it("tells a user's row to the user and the admins", () => {
    expect(allows('user-list', tech, tech.id)).toBe(true);
    expect(allows('user-list', admin, tech.id)).toBe(true);
    expect(allows('user-list', other, tech.id)).toBe(false);
  });

  it('tells a sign-in session to its user and the admins', () => {
    expect(allows('auth-sessions', tech, 's1', { userId: tech.id })).toBe(true);
    expect(allows('auth-sessions', owner, 's1', { userId: tech.id })).toBe(true);
    expect(allows('auth-sessions', other, 's1', { userId: tech.id })).toBe(false);
    expect(allows('auth-sessions', tech, 's1')).toBe(false);
  });

  it("tells the account's row and group tree to everyone of the account", () => {
    for (const viewer of [owner, admin, tech]) {
      expect(allows('account-list', viewer, TENANT)).toBe(true);
      expect(allows('computer-groups', viewer, TENANT)).toBe(true);
    }
  });

  it('tells a projection without a rule to nobody but the operator', () => {
    expect(NOTICE_AUDIENCE['some-future-view']).toBeUndefined();
  });
});
