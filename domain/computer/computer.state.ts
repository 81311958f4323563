import { assertNever } from '../shared/event';
import type { ComputerEvent, ComputerFacts, ComputerVisibility, EnrollmentMethod, NameSource, PlanStatus } from './computer.events';

export interface ActiveComputer {
  readonly status: 'active';
  readonly computerId: string;
  readonly accountId: string;
  readonly ownerUserId: string;
  readonly method: EnrollmentMethod;
  readonly agentKeyHash: string;
  readonly name: string;
  readonly nameSource: NameSource;
  readonly groupId: string | null;
  readonly favouriteOf: readonly string[];
  readonly sharedWith: readonly string[];
  readonly visibility: ComputerVisibility;
  readonly allowAgentConfigWithoutAdmin: boolean;
  readonly facts: ComputerFacts;
  readonly online: boolean;
  readonly ip: string | null;
  readonly planStatus: PlanStatus;
  readonly limitedUntil: string | null;
  readonly enrolledAt: string;
}

export type ComputerState =
  | { readonly status: 'none' }
  | ActiveComputer
  | { readonly status: 'removed'; readonly computerId: string; readonly accountId: string; readonly ownerUserId: string };

export const initialState = (): ComputerState => ({ status: 'none' });

const without = (list: readonly string[], item: string): readonly string[] => list.filter((x) => x !== item);
const withItem = (list: readonly string[], item: string): readonly string[] => (list.includes(item) ? list : [...list, item]);

/** Changes an active computer; events after removal (never written by the decider) leave the state as it is. */
function active(state: ComputerState, change: (computer: ActiveComputer) => ActiveComputer): ComputerState {
  return state.status === 'active' ? change(state) : state;
}

export function evolve(state: ComputerState, event: ComputerEvent): ComputerState {
  switch (event.type) {
    case 'ComputerEnrolled': {
      const d = event.data;
      return {
        status: 'active',
        computerId: d.computerId,
        accountId: d.accountId,
        ownerUserId: d.ownerUserId,
        method: d.method,
        agentKeyHash: d.agentKeyHash,
        name: d.name,
        nameSource: 'agent',
        groupId: null,
        favouriteOf: [],
        sharedWith: [],
        visibility: 'owner',
        allowAgentConfigWithoutAdmin: false,
        facts: d.facts,
        online: false,
        ip: d.ip ?? null,
        planStatus: d.planStatus,
        limitedUntil: d.limitedUntil ?? null,
        enrolledAt: d.enrolledAt,
      };
    }
    case 'ComputerRenamed':
      return active(state, (c) => ({ ...c, name: event.data.name, nameSource: event.data.source }));
    case 'ComputerMovedToGroup':
      return active(state, (c) => ({ ...c, groupId: event.data.groupId }));
    case 'ComputerFavourited':
      return active(state, (c) => ({ ...c, favouriteOf: withItem(c.favouriteOf, event.data.userId) }));
    case 'ComputerUnfavourited':
      return active(state, (c) => ({ ...c, favouriteOf: without(c.favouriteOf, event.data.userId) }));
    case 'ComputerShared':
      return active(state, (c) => ({ ...c, sharedWith: withItem(c.sharedWith, event.data.userId) }));
    case 'ComputerUnshared':
      return active(state, (c) => ({ ...c, sharedWith: without(c.sharedWith, event.data.userId) }));
    case 'ComputerVisibilityChanged':
      return active(state, (c) => ({ ...c, visibility: event.data.visibility }));
    case 'ComputerAgentConfigPolicyChanged':
      return active(state, (c) => ({ ...c, allowAgentConfigWithoutAdmin: event.data.allowWithoutAdmin }));
    case 'ComputerWentOnline':
      return active(state, (c) => ({ ...c, online: true, ip: event.data.ip }));
    case 'ComputerWentOffline':
      return active(state, (c) => ({ ...c, online: false }));
    case 'ComputerFactsChanged':
      return active(state, (c) => ({ ...c, facts: event.data.facts }));
    case 'ComputerPlanStatusChanged':
      return active(state, (c) => ({ ...c, planStatus: event.data.planStatus, limitedUntil: event.data.limitedUntil ?? null }));
    case 'ComputerRemoved':
      return state.status === 'active'
        ? { status: 'removed', computerId: state.computerId, accountId: state.accountId, ownerUserId: state.ownerUserId }
        : state;
    default:
      return assertNever(event, 'computer event');
  }
}
