import type { Event } from '../shared/event';

/** The tenant of attempts that name no known user (an unknown email, a bad token). */
export const ANONYMOUS_TENANT = 'anonymous';

export type SecurityAction =
  | 'register'
  | 'sign-in'
  | 'refresh'
  | 'recovery'
  | 'change-password'
  | 'delete-account'
  | 'access'
  | 'join-session'
  | 'connection-code'
  | 'permalink'
  | 'support-link'
  /** A malformed or oversized message on a session's viewer or agent link (the link was closed). */
  | 'session-protocol';

/**
 * A refused attempt that belongs to no user's stream: an unknown email, an unverified provider email,
 * a rate-limit trip, a reach into another tenant. Written to `security-<tenant|anonymous>-<yyyy-mm-dd>`
 * so that the audit log shows it. An email is kept only as its SHA-256, never in clear.
 */
export type SecurityAttemptRecorded = Event<
  'SecurityAttemptRecorded',
  {
    action: SecurityAction;
    /** Stable code: unknown_email, email_unverified, rate_limited, forbidden, invalid_token... */
    reason: string;
    at: string;
    emailHash?: string;
    userId?: string;
    /** The tenant the attempt reached for, when it is not the caller's. */
    targetTenantId?: string;
    /** The remote session it reached for (join-session, permalink opens). */
    sessionId?: string;
  }
>;

export const SECURITY_EVENT_TYPES: readonly SecurityAttemptRecorded['type'][] = ['SecurityAttemptRecorded'];

/** `<tenant>-<yyyy-mm-dd>`: one stream per tenant and day keeps each stream short. */
export const securityStreamId = (tenantId: string, now: string): string => `${tenantId}-${now.slice(0, 10)}`;
