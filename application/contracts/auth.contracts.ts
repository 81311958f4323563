/**
 * Sign-in, registration, recovery and profile over HTTP: request and response shapes shared by the
 * server controllers and the Angular console. Errors are problem+json with a stable `code`.
 */
export const SUPPORTED_LANGUAGES = ['en', 'fr', 'de', 'es', 'it'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];
export type TimeFormat = '12h' | '24h';
export type Role = 'owner' | 'admin' | 'technician';

/** POST /api/auth/register → 202 RegisterResponse (the password arrives by mail). */
export interface RegisterRequest {
  readonly email: string;
  readonly accountName?: string;
  readonly language?: Language;
}
export interface RegisterResponse {
  readonly status: 'mail-sent';
}

/** POST /api/auth/login → 200 TokenPair | 401 INVALID_CREDENTIALS | 429 TOO_MANY_ATTEMPTS (Retry-After). */
export interface LoginRequest {
  readonly email: string;
  readonly password: string;
}
export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Seconds until the access token expires. */
  readonly expiresIn: number;
  /** The first sign-in after an emailed password: only POST /api/me/password is allowed until changed. */
  readonly mustChangePassword: boolean;
}

/** POST /api/auth/refresh → 200 TokenPair (rotated) | 401 TOKEN_REUSED | 401 SESSION_REVOKED | 401 SESSION_EXPIRED. */
export interface RefreshRequest {
  readonly refreshToken: string;
}

/** POST /api/auth/logout (current session) and POST /api/auth/logout-all (every session) → 204. */

/** POST /api/auth/recovery → 202 always (no account enumeration). */
export interface RecoveryRequest {
  readonly email: string;
}
/** POST /api/auth/recovery/complete → 204 | 400 WEAK_PASSWORD | 410 RECOVERY_LINK_EXPIRED | 410 RECOVERY_LINK_USED | 400 RECOVERY_LINK_INVALID. */
export interface CompleteRecoveryRequest {
  readonly token: string;
  readonly newPassword: string;
}

/** POST /api/me/password → 200 TokenPair (a fresh session; others are revoked) | 400 WEAK_PASSWORD | 403 WRONG_CURRENT_PASSWORD. */
export interface ChangePasswordRequest {
  readonly currentPassword: string;
  readonly newPassword: string;
}

export interface Profile {
  readonly firstName: string;
  readonly lastName: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  readonly language: Language;
  /** IANA time zone, e.g. Europe/Paris. */
  readonly timeZone: string;
  readonly timeFormat: TimeFormat;
  /** Technician title and contact email shown to end users. */
  readonly title?: string;
  readonly technicianEmail?: string;
}

/** GET /api/me → MeView; PUT /api/me/profile (Profile) → 200 MeView. */
export interface MeView {
  readonly id: string;
  readonly accountId: string;
  readonly email: string;
  readonly role: Role;
  readonly status: 'pending' | 'active';
  readonly mustChangePassword: boolean;
  readonly profile: Profile | null;
  /** Offer the tour at first sign-in until it is dismissed or completed. */
  readonly onboarding: 'pending' | 'dismissed' | 'completed';
}

/** POST /api/me/onboarding → 204. */
export interface OnboardingRequest {
  readonly outcome: 'dismissed' | 'completed';
}

/** DELETE /api/me/account → 204 | 403 WRONG_CURRENT_PASSWORD. The owner deleting closes the whole account. */
export interface DeleteAccountRequest {
  readonly currentPassword: string;
}

/** GET /api/auth/providers → the social sign-in buttons to show. */
export interface IdentityProviderView {
  readonly id: string;
  readonly label: string;
  /** GET this URL (a browser navigation) to start the flow; the callback lands on /auth/callback#tokens. */
  readonly startUrl: string;
}

/** GET /api/audit → AuditPage; GET /api/audit.csv streams the same filter as CSV. */
export interface AuditEntryView {
  readonly id: string;
  readonly at: string;
  readonly actor: { readonly kind: string; readonly id: string };
  readonly type: string;
  readonly aggregate: string;
  readonly ip?: string;
  readonly summary: string;
}
export interface AuditPage {
  readonly entries: readonly AuditEntryView[];
  /** Pass as `before` for the next (older) page; null at the end. */
  readonly nextCursor: string | null;
}
