import { composeAgentKey, parseAgentKey } from '../computer/computer-tokens';

/**
 * An end-user's participant key names its session and participant in front of a 256-bit secret
 * (`<sessionId>:<participantId>.<secret>`), like agent keys, so that the session stream is the only
 * authority and no lookup table is needed. Only its SHA-256 is stored (EndUserArrived.keyHash).
 */
export const composeParticipantKey = (sessionId: string, participantId: string, secret: string): string => composeAgentKey(`${sessionId}:${participantId}`, secret);

/** The session and participant a key names, or null when it is not shaped like one. */
export function parseParticipantKey(key: unknown): { sessionId: string; participantId: string } | null {
  const id = parseAgentKey(key)?.computerId;
  const colon = id?.indexOf(':') ?? -1;
  if (!id || colon <= 0 || colon === id.length - 1) return null;
  return { sessionId: id.slice(0, colon), participantId: id.slice(colon + 1) };
}
