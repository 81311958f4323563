import { ChangePasswordHandler } from './change-password.command';
import { CompleteRecoveryHandler } from './complete-recovery.command';
import { DeleteAccountHandler } from './delete-account.command';
import { FinishOnboardingHandler } from './finish-onboarding.command';
import { RefreshSessionHandler } from './refresh-session.command';
import { RegisterByEmailHandler } from './register-by-email.command';
import { RegisterBySocialHandler } from './register-by-social.command';
import { RequestRecoveryHandler } from './request-recovery.command';
import { SecurityAttemptRecorder } from './security-attempts';
import { SignInHandler } from './sign-in.command';
import { RevokeAllSessionsHandler, SignOutHandler } from './sign-out.command';
import { UpdateProfileHandler } from './update-profile.command';
import { GetMeHandler, ListUsersHandler } from './user.queries';
import { UserCommandSupport } from './user-command-support';

/**
 * Providers of the identity use cases. They need, besides CommandRunner and the CQRS module:
 * EVENT_STORE, CLOCK, ID_GENERATOR, READ_STORE, READ_MODEL_ACCESS, PASSWORD_HASHER, SECRET_GENERATOR, KEY_STORE.
 */
export const USER_PROVIDERS = [
  UserCommandSupport,
  SecurityAttemptRecorder,
  RegisterByEmailHandler,
  RegisterBySocialHandler,
  SignInHandler,
  RefreshSessionHandler,
  SignOutHandler,
  RevokeAllSessionsHandler,
  RequestRecoveryHandler,
  CompleteRecoveryHandler,
  ChangePasswordHandler,
  UpdateProfileHandler,
  FinishOnboardingHandler,
  DeleteAccountHandler,
  GetMeHandler,
  ListUsersHandler,
];
