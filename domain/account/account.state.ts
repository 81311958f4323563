import { assertNever } from '../shared/event';
import type { AccountPlanEvent } from './account-plan.events';
import { evolvePlan, initialPlan, type AccountPlan } from './account-plan.state';
import type { AccountEvent } from './account.events';

/** Everything written to an account stream: its lifecycle and its computers plan. */
export type AccountStreamEvent = AccountEvent | AccountPlanEvent;

export type AccountKind = 'client-space' | 'msp';

export type AccountState =
  | { readonly status: 'none' }
  | {
      readonly status: 'open';
      readonly accountId: string;
      readonly name: string;
      readonly kind: AccountKind;
      readonly ownerUserId: string | null;
      readonly plan: AccountPlan;
      readonly sessionRecording: boolean;
    }
  | {
      readonly status: 'closed';
      readonly accountId: string;
      readonly name: string;
      readonly kind: AccountKind;
      readonly ownerUserId: string | null;
      readonly deleted: boolean;
      readonly plan: AccountPlan;
    };

export const initialState = (): AccountState => ({ status: 'none' });

export function evolve(state: AccountState, event: AccountStreamEvent): AccountState {
  switch (event.type) {
    case 'AccountRegistered':
      return {
        status: 'open',
        accountId: event.data.accountId,
        name: event.data.name,
        kind: event.data.kind,
        ownerUserId: event.data.ownerUserId ?? null,
        plan: initialPlan(),
        sessionRecording: false,
      };
    case 'AccountRenamed':
      return state.status === 'none' ? state : { ...state, name: event.data.name };
    case 'AccountClosed':
      return state.status === 'none'
        ? state
        : {
            status: 'closed',
            accountId: state.accountId,
            name: state.name,
            kind: state.kind,
            ownerUserId: state.ownerUserId,
            deleted: event.data.reason === 'deleted',
            plan: state.plan,
          };
    case 'SessionRecordingChanged':
      return state.status === 'open' ? { ...state, sessionRecording: event.data.enabled } : state;
    case 'AccountComputerLimitSet':
    case 'AccountComputerSlotAllocated':
    case 'AccountComputerSlotReleased':
    case 'AccountEnrollmentTokenIssued':
    case 'AccountEnrollmentTokenUsed':
    case 'AccountEnrollmentTokenRevoked':
      return state.status === 'none' ? state : { ...state, plan: evolvePlan(state.plan, event) };
    default:
      return assertNever(event, 'account event');
  }
}
