import type { AccountEvent } from '../../domain/account/account.events';
import type { Event } from '../../domain/shared/event';
import type { EmailClaimEvent } from '../../domain/user/email-claim';
import type { SecurityAction, SecurityAttemptRecorded } from '../../domain/user/security-attempt';
import type { PasswordSetReason, RefusedAction, SessionRevocationReason, SignInMethod, UserEvent } from '../../domain/user/user.events';

/** One summary function per event type of a union: a type added to the union without one fails to compile. */
export type SummariesOf<E extends Event> = {
  readonly [T in E['type']]: (data: Extract<E, { type: T }>['data']) => string;
};

type AnySummary = (data: Readonly<Record<string, unknown>>) => string;

const QUOTED_MAX = 80;
const MAX_KEYS = 8;

/**
 * A value shown inside a summary: quoted, on one line, cut to a readable length. A value erased by
 * crypto-shredding (null) says so instead of showing nothing.
 */
export function quoted(value: unknown): string {
  if (value === null || value === undefined) return '(erased)';
  const text = String(value).replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return `"${text.length > QUOTED_MAX ? `${text.slice(0, QUOTED_MAX - 1)}…` : text}"`;
}

/**
 * Summaries of the account events. Only fields that are not personal data and never a secret:
 * a summary is copied into the read model, where crypto-shredding of the events cannot reach it.
 */
const ACCOUNT_SUMMARIES: SummariesOf<AccountEvent> = {
  AccountRegistered: (d) => `${d.kind === 'msp' ? 'MSP account' : 'Client space'} ${quoted(d.name)} registered`,
  AccountRenamed: (d) => `Account renamed to ${quoted(d.name)}`,
  AccountClosed: (d) => (d.reason === 'deleted' ? 'Account deleted by its owner' : 'Account closed'),
  SessionRecordingChanged: (d) => (d.enabled ? 'Session recording turned on' : 'Session recording turned off'),
};

const METHODS: Readonly<Record<SignInMethod, string>> = {
  email: 'with a password',
  google: 'with Google',
  facebook: 'with Facebook',
  oidc: 'with single sign-on',
};

const PASSWORD_SET: Readonly<Record<PasswordSetReason, string>> = {
  generated: 'Password generated and emailed, to be changed at first sign-in',
  changed: 'Password changed',
  recovered: 'Password reset with a recovery link',
};

const REVOCATIONS: Readonly<Record<SessionRevocationReason, string>> = {
  token_reused: 'Session revoked: an old refresh token was used again',
  password_changed: 'Session revoked after a password change',
  revoke_all: 'Session revoked: signed out everywhere',
  account_deleted: 'Session revoked: account deleted',
};

const ACTIONS: Readonly<Record<RefusedAction | SecurityAction, string>> = {
  register: 'registration',
  'sign-in': 'sign-in',
  refresh: 'session refresh',
  recovery: 'password recovery',
  'change-password': 'password change',
  'delete-account': 'account deletion',
  access: 'access',
  'join-session': 'joining a session',
  'connection-code': 'connection ID',
  permalink: 'permalink',
  'support-link': 'support link',
  'session-protocol': 'a session link',
};

/** A stable code from a closed list, in words; an unknown one (a newer writer) is still shown, readably. */
const phrase = (table: Readonly<Record<string, string>>, code: unknown): string =>
  typeof code === 'string' ? (Object.prototype.hasOwnProperty.call(table, code) ? table[code] : code.replace(/[_-]+/g, ' ')) : 'unknown';

const refusal = (action: unknown, reason: unknown): string => `Refused ${phrase(ACTIONS, action)}: ${phrase({}, reason)}`;

/**
 * Summaries of the user events: roles, methods and reasons only. Emails, names, profiles, password
 * and token hashes never appear; they are personal data or secrets.
 */
const USER_SUMMARIES: SummariesOf<UserEvent> = {
  UserRegistered: (d) =>
    `User registered as ${phrase({}, d.role)}, signs in ${phrase(METHODS, d.method)}${d.activated ? '' : '; pending until the first sign-in'}`,
  UserPasswordSet: (d) => phrase(PASSWORD_SET, d.reason),
  UserActivated: () => 'User activated',
  UserSignedIn: (d) => `Signed in ${phrase(METHODS, d.method)}`,
  UserSessionRefreshed: () => 'Session refreshed',
  UserSignedOut: () => 'Signed out',
  UserSessionRevoked: (d) => phrase(REVOCATIONS, d.reason),
  UserAttemptRefused: (d) => refusal(d.action, d.reason),
  UserRecoveryRequested: () => 'Password recovery link sent',
  UserRecoveryCompleted: () => 'Password recovery link used',
  UserProfileUpdated: () => 'Profile updated',
  UserOnboardingFinished: (d) => (d.outcome === 'completed' ? 'Onboarding tour completed' : 'Onboarding tour dismissed'),
  UserDeleted: (d) => (d.reason === 'account_deleted' ? 'User deleted with their account' : 'User deleted at their own request'),
};

const EMAIL_CLAIM_SUMMARIES: SummariesOf<EmailClaimEvent> = {
  EmailClaimed: () => 'Email address registered to a new user',
  EmailReleased: () => 'Email address released',
};

const SECURITY_SUMMARIES: SummariesOf<SecurityAttemptRecorded> = {
  SecurityAttemptRecorded: (d) =>
    `${refusal(d.action, d.reason)}${typeof d.targetTenantId === 'string' ? ` (reached for account ${quoted(d.targetTenantId)})` : ''}`,
};

const table = <E extends Event>(summaries: SummariesOf<E>): Readonly<Record<string, AnySummary>> =>
  summaries as unknown as Readonly<Record<string, AnySummary>>;

/**
 * Every event type with a summary of its own. Add the summaries of a new aggregate's events here
 * (as a `SummariesOf<ItsEvent>` object): never a password hash, token hash, key or personal field.
 */
export const AUDIT_SUMMARIES: Readonly<Record<string, AnySummary>> = {
  ...table(ACCOUNT_SUMMARIES),
  ...table(USER_SUMMARIES),
  ...table(EMAIL_CLAIM_SUMMARIES),
  ...table(SECURITY_SUMMARIES),
};

/** `ComputerRenamed` → `Computer renamed`. */
export function typeInWords(type: string): string {
  const words = type
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter((w) => w.length > 0);
  if (words.length === 0) return 'Event';
  const [first, ...rest] = words;
  const lower = (w: string) => (/^[A-Z0-9]+$/.test(w) && w.length > 1 ? w : w.toLowerCase());
  return [first.charAt(0).toUpperCase() + first.slice(1), ...rest.map(lower)].join(' ');
}

/** An event type without a summary of its own: its name in words and the names (never the values) of its fields. */
export function genericSummary(type: string, data: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(data ?? {});
  if (keys.length === 0) return typeInWords(type);
  const shown = keys.slice(0, MAX_KEYS).join(', ');
  return `${typeInWords(type)} (${shown}${keys.length > MAX_KEYS ? ', …' : ''})`;
}

/** The readable summary of one event. Never throws: a payload a summary cannot read gets the generic one. */
export function summarize(type: string, data: Readonly<Record<string, unknown>>): string {
  const own = Object.prototype.hasOwnProperty.call(AUDIT_SUMMARIES, type) ? AUDIT_SUMMARIES[type] : undefined;
  if (own) {
    try {
      return own(data ?? {});
    } catch {
      return genericSummary(type, data);
    }
  }
  return genericSummary(type, data);
}
