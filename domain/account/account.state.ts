import { assertNever } from '../shared/event';
import type { AccountEvent } from './account.events';

export type AccountState =
  | { readonly status: 'none' }
  | { readonly status: 'open'; readonly accountId: string; readonly name: string; readonly ownerUserId: string | null }
  | {
      readonly status: 'closed';
      readonly accountId: string;
      readonly name: string;
      readonly ownerUserId: string | null;
      readonly deleted: boolean;
    };

export const initialState = (): AccountState => ({ status: 'none' });

export function evolve(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'AccountRegistered':
      return { status: 'open', accountId: event.data.accountId, name: event.data.name, ownerUserId: event.data.ownerUserId ?? null };
    case 'AccountRenamed':
      return state.status === 'none' ? state : { ...state, name: event.data.name };
    case 'AccountClosed':
      return state.status === 'none'
        ? state
        : {
            status: 'closed',
            accountId: state.accountId,
            name: state.name,
            ownerUserId: state.ownerUserId,
            deleted: event.data.reason === 'deleted',
          };
    default:
      return assertNever(event, 'account event');
  }
}
