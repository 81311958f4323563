import { deciderSpec } from '../../tests/kit/decider-spec';
import type { Principal } from '../shared/event';
import type { PermalinkCommand } from './permalink.commands';
import { permalinkDecider } from './permalink.decide';
import type { PermalinkEvent } from './session.events';

const t0 = '2026-11-21T10:00:00.000Z';
const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA';
const creator: Principal = { kind: 'user', id: 'u1', tenantId: 'a1', role: 'technician' };
const colleague: Principal = { kind: 'user', id: 'u2', tenantId: 'a1', role: 'technician' };
const admin: Principal = { kind: 'user', id: 'u3', tenantId: 'a1', role: 'admin' };
const stranger: Principal = { kind: 'user', id: 'u9', tenantId: 'a2', role: 'owner' };

const spec = deciderSpec(permalinkDecider);
const cmd = <C extends PermalinkCommand>(type: C['type'], data: C['data'], principal: Principal = creator): PermalinkCommand =>
  ({ type, data, context: { now: t0, principal } }) as PermalinkCommand;
const create = (data: Partial<Extract<PermalinkCommand, { type: 'CreatePermalink' }>['data']> = {}, principal = creator) =>
  cmd('CreatePermalink', { accountId: 'a1', path: 'front-desk', computerId: 'c1', public: false, passwordHash: null, ...data }, principal);
const created = (data: Partial<Extract<PermalinkEvent, { type: 'PermalinkCreated' }>['data']> = {}): PermalinkEvent => ({
  type: 'PermalinkCreated',
  data: { accountId: 'a1', path: 'front-desk', computerId: 'c1', public: false, passwordHash: null, createdBy: 'u1', at: t0, ...data },
});
const removed: PermalinkEvent = { type: 'PermalinkRemoved', data: { at: t0 } };

describe('Permalink decider', () => {
  it('creates a private permalink, or a public one behind a password', () => {
    spec.given([]).when(create()).then([created()]);
    spec.given([]).when(create({ public: true, passwordHash: HASH })).then([created({ public: true, passwordHash: HASH })]);
  });

  it('refuses a public permalink without password, a bad path, a taken path, another tenant', () => {
    spec.given([]).when(create({ public: true })).thenThrows('PERMALINK_PASSWORD_REQUIRED');
    for (const path of ['ab', 'Front-Desk', 'front desk', 'a/b', 'x'.repeat(65)]) {
      spec.given([]).when(create({ path })).thenThrows('PERMALINK_PATH_INVALID');
    }
    spec.given([created()]).when(create()).thenThrows('PERMALINK_TAKEN');
    spec.given([]).when(create({}, stranger)).thenThrows('PERMALINK_FORBIDDEN');
  });

  it('frees the path of a removed permalink', () => {
    spec.given([created(), removed]).when(create({ computerId: 'c2' })).then([created({ computerId: 'c2' })]);
  });

  it('changes what is given and keeps the rest; no change records nothing', () => {
    const change = cmd('ChangePermalink', { public: true, passwordHash: HASH });
    spec.given([created()]).when(change).then([{ type: 'PermalinkChanged', data: { public: true, passwordHash: HASH, computerId: 'c1', at: t0 } }]);
    spec.given([created()]).when(cmd('ChangePermalink', { computerId: 'c1' })).then([]);
    spec.given([created({ public: true, passwordHash: HASH })]).when(cmd('ChangePermalink', { passwordHash: null })).thenThrows('PERMALINK_PASSWORD_REQUIRED');
  });

  it('lets the creator or an admin change or remove it, nobody else', () => {
    spec.given([created()]).when(cmd('RemovePermalink', {}, admin)).then([removed]);
    spec.given([created()]).when(cmd('RemovePermalink', {}, colleague)).thenThrows('PERMALINK_FORBIDDEN');
    spec.given([created()]).when(cmd('ChangePermalink', { public: false }, stranger)).thenThrows('PERMALINK_NOT_FOUND');
    spec.given([]).when(cmd('RemovePermalink', {})).thenThrows('PERMALINK_NOT_FOUND');
  });
});
