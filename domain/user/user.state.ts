import { assertNever } from '../shared/event';
import type { SignInMethod, UserEvent, UserRole } from './user.events';
import type { UserProfile } from './user.profile';

/** An open session: its current refresh token hash and the hashes it rotated away from (to spot reuse). */
export type SessionState = {
  readonly refreshTokenHash: string;
  readonly expiresAt: string;
  readonly previousHashes: readonly string[];
};

export type LiveUser = {
  readonly status: 'pending' | 'active';
  readonly userId: string;
  readonly accountId: string;
  /** Null once the subject key is shredded. */
  readonly email: string | null;
  readonly role: UserRole;
  readonly method: SignInMethod;
  readonly passwordHash: string | null;
  readonly mustChangePassword: boolean;
  readonly sessions: Readonly<Record<string, SessionState>>;
  /** Sessions that were signed out or revoked: a refresh on them is refused, never reopened. */
  readonly endedSessions: readonly string[];
  readonly recovery: { readonly tokenHash: string; readonly expiresAt: string } | null;
  /** Recovery tokens that can no longer be used, and why. */
  readonly spentRecoveries: Readonly<Record<string, 'used' | 'superseded'>>;
  readonly profile: UserProfile | null;
  readonly onboarding: 'pending' | 'dismissed' | 'completed';
};

export type UserState =
  | { readonly status: 'none' }
  | LiveUser
  | { readonly status: 'deleted'; readonly userId: string; readonly accountId: string };

export const initialState = (): UserState => ({ status: 'none' });

function live(state: UserState, change: (user: LiveUser) => UserState): UserState {
  return state.status === 'pending' || state.status === 'active' ? change(state) : state;
}

function withoutSession(user: LiveUser, sessionId: string): LiveUser {
  const { [sessionId]: _ended, ...sessions } = user.sessions;
  return { ...user, sessions, endedSessions: [...user.endedSessions, sessionId] };
}

export function evolve(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserRegistered':
      return {
        status: event.data.activated ? 'active' : 'pending',
        userId: event.data.userId,
        accountId: event.data.accountId,
        email: event.data.email,
        role: event.data.role,
        method: event.data.method,
        passwordHash: null,
        mustChangePassword: false,
        sessions: {},
        endedSessions: [],
        recovery: null,
        spentRecoveries: {},
        profile: null,
        onboarding: 'pending',
      };
    case 'UserPasswordSet':
      return live(state, (u) => ({ ...u, passwordHash: event.data.passwordHash, mustChangePassword: event.data.mustChange }));
    case 'UserActivated':
      return live(state, (u) => ({ ...u, status: 'active' }));
    case 'UserSignedIn':
      return live(state, (u) => ({
        ...u,
        sessions: {
          ...u.sessions,
          [event.data.sessionId]: { refreshTokenHash: event.data.refreshTokenHash, expiresAt: event.data.expiresAt, previousHashes: [] },
        },
      }));
    case 'UserSessionRefreshed':
      return live(state, (u) => {
        const session = u.sessions[event.data.sessionId];
        if (!session) return u;
        const refreshed: SessionState = {
          refreshTokenHash: event.data.refreshTokenHash,
          expiresAt: event.data.expiresAt,
          previousHashes: [...session.previousHashes, session.refreshTokenHash],
        };
        return { ...u, sessions: { ...u.sessions, [event.data.sessionId]: refreshed } };
      });
    case 'UserSignedOut':
    case 'UserSessionRevoked':
      return live(state, (u) => withoutSession(u, event.data.sessionId));
    case 'UserAttemptRefused':
      return state;
    case 'UserRecoveryRequested':
      return live(state, (u) => ({
        ...u,
        recovery: { tokenHash: event.data.tokenHash, expiresAt: event.data.expiresAt },
        spentRecoveries: u.recovery ? { ...u.spentRecoveries, [u.recovery.tokenHash]: 'superseded' } : u.spentRecoveries,
      }));
    case 'UserRecoveryCompleted':
      return live(state, (u) => ({ ...u, recovery: null, spentRecoveries: { ...u.spentRecoveries, [event.data.tokenHash]: 'used' } }));
    case 'UserProfileUpdated':
      return live(state, (u) => ({ ...u, profile: event.data.profile }));
    case 'UserOnboardingFinished':
      return live(state, (u) => ({ ...u, onboarding: event.data.outcome }));
    case 'UserDeleted':
      return state.status === 'none' ? state : { status: 'deleted', userId: state.userId, accountId: state.accountId };
    default:
      return assertNever(event, 'user event');
  }
}
