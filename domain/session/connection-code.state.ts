import { assertNever } from '../shared/event';
import type { ConnectionCodeEvent } from './session.events';

/** The latest claim of a code: a code is reused once its previous claim was redeemed or expired. */
export type ConnectionCodeState =
  | { readonly status: 'free' }
  | {
      readonly status: 'issued' | 'redeemed';
      readonly code: string;
      readonly sessionId: string;
      readonly accountId: string;
      readonly expiresAt: string;
    };

export const initialConnectionCodeState = (): ConnectionCodeState => ({ status: 'free' });

export function evolveConnectionCode(state: ConnectionCodeState, event: ConnectionCodeEvent): ConnectionCodeState {
  switch (event.type) {
    case 'ConnectionCodeIssued': {
      const { code, sessionId, accountId, expiresAt } = event.data;
      return { status: 'issued', code, sessionId, accountId, expiresAt };
    }
    case 'ConnectionCodeRedeemed':
      return state.status === 'issued' ? { ...state, status: 'redeemed' } : state;
    default:
      return assertNever(event, 'connection code event');
  }
}
