import type { SignInMethod, UserRole } from '../../domain/user/user.events';
import type { UserProfile } from '../../domain/user/user.profile';

/** One user of a tenant. A deleted user has no row; their history stays in the audit log. */
export type UserView = {
  readonly id: string;
  readonly tenantId: string;
  readonly accountId: string;
  /** Null only while replaying the events of a user whose personal data was erased. */
  readonly email: string | null;
  readonly role: UserRole;
  readonly method: SignInMethod;
  readonly status: 'pending' | 'active';
  readonly mustChangePassword: boolean;
  readonly profile: UserProfile | null;
  /** The onboarding tour: offered while pending. */
  readonly onboarding: 'pending' | 'dismissed' | 'completed';
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly _pos?: string;
};
