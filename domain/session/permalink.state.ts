import { assertNever } from '../shared/event';
import type { PermalinkEvent } from './session.events';

export interface ActivePermalink {
  readonly status: 'active';
  readonly accountId: string;
  readonly path: string;
  readonly computerId: string;
  readonly public: boolean;
  readonly passwordHash: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
}

/** A removed permalink's path is free again. */
export type PermalinkState = { readonly status: 'none' } | ActivePermalink;

export const initialPermalinkState = (): PermalinkState => ({ status: 'none' });

export function evolvePermalink(state: PermalinkState, event: PermalinkEvent): PermalinkState {
  switch (event.type) {
    case 'PermalinkCreated': {
      const d = event.data;
      return { status: 'active', accountId: d.accountId, path: d.path, computerId: d.computerId, public: d.public, passwordHash: d.passwordHash, createdBy: d.createdBy, createdAt: d.at };
    }
    case 'PermalinkChanged':
      return state.status === 'active' ? { ...state, public: event.data.public, passwordHash: event.data.passwordHash, computerId: event.data.computerId } : state;
    case 'PermalinkRemoved':
      return { status: 'none' };
    default:
      return assertNever(event, 'permalink event');
  }
}
