import { assertNever } from '../shared/event';
import type { AccountPlanEvent, EnrollmentTokenKind } from './account-plan.events';

export interface EnrollmentTokenState {
  readonly kind: EnrollmentTokenKind;
  readonly expiresAt: string | null;
  readonly issuedBy: string;
  readonly issuedAt: string;
  readonly uses: number;
  readonly revoked: boolean;
}

/**
 * The computers side of an account. Slots are counted, not listed: a fold over an account with
 * tens of thousands of computers stays linear. Duplicate allocations cannot happen (every
 * enrollment makes a new computer id), and a slot is released only by the removal that ended it.
 */
export interface AccountPlan {
  /** Null until an operator sets one: the default for the account's kind (or the configured one) applies. */
  readonly computerLimit: number | null;
  readonly heldSlots: number;
  /** A computer was once let in as limited: the next one over the limit is disabled. */
  readonly limitedUsed: boolean;
  /** By token hash. */
  readonly tokens: Readonly<Record<string, EnrollmentTokenState>>;
}

export const initialPlan = (): AccountPlan => ({ computerLimit: null, heldSlots: 0, limitedUsed: false, tokens: {} });

function withToken(plan: AccountPlan, tokenHash: string, change: (token: EnrollmentTokenState) => EnrollmentTokenState): AccountPlan {
  const token = plan.tokens[tokenHash];
  return token ? { ...plan, tokens: { ...plan.tokens, [tokenHash]: change(token) } } : plan;
}

export function evolvePlan(plan: AccountPlan, event: AccountPlanEvent): AccountPlan {
  switch (event.type) {
    case 'AccountComputerLimitSet':
      return { ...plan, computerLimit: event.data.limit };
    case 'AccountComputerSlotAllocated':
      return { ...plan, heldSlots: plan.heldSlots + 1, limitedUsed: plan.limitedUsed || event.data.planStatus === 'limited' };
    case 'AccountComputerSlotReleased':
      return { ...plan, heldSlots: Math.max(0, plan.heldSlots - 1) };
    case 'AccountEnrollmentTokenIssued': {
      const d = event.data;
      const token: EnrollmentTokenState = { kind: d.kind, expiresAt: d.expiresAt, issuedBy: d.issuedBy, issuedAt: d.issuedAt, uses: 0, revoked: false };
      return { ...plan, tokens: { ...plan.tokens, [d.tokenHash]: token } };
    }
    case 'AccountEnrollmentTokenUsed':
      return withToken(plan, event.data.tokenHash, (t) => ({ ...t, uses: t.uses + 1 }));
    case 'AccountEnrollmentTokenRevoked':
      return withToken(plan, event.data.tokenHash, (t) => ({ ...t, revoked: true }));
    default:
      return assertNever(event, 'account plan event');
  }
}
