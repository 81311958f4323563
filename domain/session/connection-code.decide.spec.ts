import { deciderSpec } from '../../tests/kit/decider-spec';
import type { Principal } from '../shared/event';
import type { ConnectionCodeCommand } from './connection-code.commands';
import { connectionCodeDecider } from './connection-code.decide';
import type { ConnectionCodeEvent } from './session.events';

const t0 = '2026-11-21T10:00:00.000Z';
const beforeExpiry = '2026-11-21T10:09:59.000Z';
const expiry = '2026-11-21T10:10:00.000Z';
const tech: Principal = { kind: 'user', id: 'u1', tenantId: 'a1', role: 'technician' };
const joiner: Principal = { kind: 'system', id: 'support-join', tenantId: 'anonymous' };

const spec = deciderSpec(connectionCodeDecider);
const issue = (data: Partial<Extract<ConnectionCodeCommand, { type: 'IssueConnectionCode' }>['data']> = {}, principal = tech, now = t0): ConnectionCodeCommand => ({
  type: 'IssueConnectionCode',
  data: { code: '123456', sessionId: 's1', accountId: 'a1', expiresAt: expiry, ...data },
  context: { now, principal },
});
const redeem = (now = t0): ConnectionCodeCommand => ({ type: 'RedeemConnectionCode', data: { code: '123456', participantId: 'p1' }, context: { now, principal: joiner } });
const issued = (sessionId = 's1', at = t0, expiresAt = expiry): ConnectionCodeEvent => ({
  type: 'ConnectionCodeIssued',
  data: { code: '123456', sessionId, accountId: 'a1', issuedBy: 'u1', expiresAt, at },
});
const redeemed = (now = t0): ConnectionCodeEvent => ({ type: 'ConnectionCodeRedeemed', data: { code: '123456', sessionId: 's1', participantId: 'p1', at: now } });

describe('Connection code decider', () => {
  it('claims a free code for a session of the caller\'s account', () => {
    spec.given([]).when(issue()).then([issued()]);
  });

  it('refuses a code whose claim is live, and frees it once used or expired', () => {
    spec.given([issued()]).when(issue({ sessionId: 's2' })).thenThrows('CONNECTION_CODE_TAKEN');
    const later = '2026-11-21T11:00:00.000Z';
    const laterExpiry = '2026-11-21T11:10:00.000Z';
    spec.given([issued()]).when(issue({ sessionId: 's2', expiresAt: laterExpiry }, tech, later)).then([issued('s2', later, laterExpiry)]);
    spec.given([issued(), redeemed()]).when(issue({ sessionId: 's2' })).then([issued('s2')]);
  });

  it('refuses codes that are not 6 digits, already expired, or for another account', () => {
    spec.given([]).when(issue({ code: '12345' })).thenThrows('CONNECTION_CODE_INVALID');
    spec.given([]).when(issue({ code: '12345a' })).thenThrows('CONNECTION_CODE_INVALID');
    spec.given([]).when(issue({ expiresAt: t0 })).thenThrows('CONNECTION_CODE_INVALID');
    spec.given([]).when(issue({ accountId: 'a2' })).thenThrows('CONNECTION_CODE_FORBIDDEN');
  });

  it('redeems a live code once, naming its session', () => {
    spec.given([issued()]).when(redeem(beforeExpiry)).then([redeemed(beforeExpiry)]);
  });

  it('refuses an unknown, used or expired code', () => {
    spec.given([]).when(redeem()).thenThrows('CONNECTION_CODE_UNKNOWN');
    spec.given([issued(), redeemed()]).when(redeem()).thenThrows('CONNECTION_CODE_USED');
    spec.given([issued()]).when(redeem(expiry)).thenThrows('CONNECTION_CODE_EXPIRED');
  });
});
