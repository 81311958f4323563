import { deciderSpec } from '../../tests/kit/decider-spec';
import type { Principal } from '../shared/event';
import { emailClaimDecider, type EmailClaimEvent } from './email-claim';

const now = '2026-11-21T10:00:00.000Z';
const newcomer: Principal = { kind: 'user', id: 'u1', tenantId: 'a1', role: 'owner' };
const other: Principal = { kind: 'user', id: 'u2', tenantId: 'a2', role: 'owner' };
const claimed: EmailClaimEvent = { type: 'EmailClaimed', data: { emailHash: 'e', userId: 'u1', accountId: 'a1', claimedAt: now } };
const released: EmailClaimEvent = { type: 'EmailReleased', data: { emailHash: 'e', userId: 'u1', releasedAt: now } };
const spec = deciderSpec(emailClaimDecider);

describe('Email claim decider', () => {
  it('claims a free email for the new user', () => {
    spec.given([]).when({ type: 'ClaimEmail', data: { emailHash: 'e', userId: 'u1', accountId: 'a1' }, context: { now, principal: newcomer } }).then([claimed]);
  });

  it('refuses an email already held, from any tenant', () => {
    spec
      .given([claimed])
      .when({ type: 'ClaimEmail', data: { emailHash: 'e', userId: 'u2', accountId: 'a2' }, context: { now, principal: other } })
      .thenThrows('EMAIL_ALREADY_REGISTERED');
  });

  it('lets a released email be claimed again', () => {
    const again: EmailClaimEvent = { type: 'EmailClaimed', data: { emailHash: 'e', userId: 'u2', accountId: 'a2', claimedAt: now } };
    spec.given([claimed, released]).when({ type: 'ClaimEmail', data: { emailHash: 'e', userId: 'u2', accountId: 'a2' }, context: { now, principal: other } }).then([again]);
  });

  it('claims only into the caller’s tenant', () => {
    spec.given([]).when({ type: 'ClaimEmail', data: { emailHash: 'e', userId: 'u1', accountId: 'a1' }, context: { now, principal: other } }).thenThrows('USER_FORBIDDEN');
  });

  it('is released by the holder’s tenant only, once', () => {
    spec.given([claimed]).when({ type: 'ReleaseEmail', data: { emailHash: 'e', userId: 'u1' }, context: { now, principal: newcomer } }).then([released]);
    spec.given([claimed]).when({ type: 'ReleaseEmail', data: { emailHash: 'e', userId: 'u1' }, context: { now, principal: other } }).thenThrows('USER_FORBIDDEN');
    spec.given([claimed, released]).when({ type: 'ReleaseEmail', data: { emailHash: 'e', userId: 'u1' }, context: { now, principal: newcomer } }).then([]);
  });
});
