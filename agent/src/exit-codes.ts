/** Exit codes, so that installers and service managers can tell failures apart. */
export const EXIT = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  /** The server refused the enrollment (wrong password, used or expired token or link). */
  ENROLLMENT_REFUSED: 3,
  /** The computer was removed from its account; its key is revoked. */
  REMOVED: 4,
  /** The server no longer speaks this agent's protocol. */
  UPDATE_REQUIRED: 5,
  /** The key file can be written by other users, so it cannot be trusted. */
  UNSAFE_KEY_FILE: 6,
  /** The server refused to let this agent into a support session (unknown, expired or used link or connection ID; too many attempts). */
  SESSION_REFUSED: 7,
} as const;

/** Restarting after these cannot help, a person must act: the service definitions say not to. */
export const FINAL_EXIT_CODES: readonly number[] = [EXIT.USAGE, EXIT.ENROLLMENT_REFUSED, EXIT.REMOVED, EXIT.UPDATE_REQUIRED, EXIT.UNSAFE_KEY_FILE];
