/**
 * The viewer link's error codes (`ViewerErrorCode` of adapters/ws/session.gateway.ts), each explained
 * under `sessions.viewer.errors`; any other code is shown as the server said it.
 */
export const VIEWER_ERROR_CODES = [
  'BINARY_NOT_SUPPORTED',
  'ENDED',
  'FORBIDDEN',
  'HELLO_REQUIRED',
  'HELLO_TIMEOUT',
  'MALFORMED_MESSAGE',
  'MESSAGE_TOO_LARGE',
  'NOT_FOUND',
  'NO_AGENT',
  'PROMPT_IN_USE',
  'PROTOCOL_UNSUPPORTED',
  'TOO_MANY_MESSAGES',
  'TOO_MANY_PROMPTS',
  'TOO_SLOW',
  'UNAUTHORIZED',
  'UNAVAILABLE',
  'UNKNOWN_PROMPT',
] as const;

/** Refusals of the hello itself: the session cannot be joined at all, which `sessions.viewer.refused` says. */
const JOIN_REFUSALS = new Set<string>(['FORBIDDEN', 'NOT_FOUND', 'UNAUTHORIZED']);
const explained = new Set<string>(VIEWER_ERROR_CODES);

/** Why the viewer was refused or closed: the join refusal, the explained error, or the generic text with the code. */
export function refusalKey(code: string | null): string {
  if (code && JOIN_REFUSALS.has(code)) return `sessions.viewer.refused.${code}`;
  return code && explained.has(code) ? `sessions.viewer.errors.${code}` : 'sessions.viewer.refused.other';
}

/** An `error` the server sent on the open link (a prompt refused, a message too large…). */
export function errorKey(code: string): string {
  return explained.has(code) ? `sessions.viewer.errors.${code}` : 'sessions.viewer.serverError';
}
