import type { SessionViewerInfo, ViewerServerMessage } from '../../application/contracts/session.protocol';

/**
 * Texts the gateways exchange on a session's viewer side of the relay, beside the ones meant for the
 * viewers themselves (`ended`, `prompt-exit`, forwarded as they are):
 * - `agent-state`: the node holding the agent's socket started serving the session (`arrived`: the
 *   agent has just come, nodes with viewers start it), or lost that socket;
 * - `sharer-changed`: a technician chose another end-user's screen; nodes re-read the session;
 * - `roster`: a node's viewers of the session (`ask`: a node that just got its first one asks the
 *   others for theirs), so that every viewer sees every viewer and the last one out stops the agent.
 */
export type SessionRelayNotice =
  | { readonly type: 'agent-state'; readonly agent: 'connected' | 'lost'; readonly endpoint: string; readonly arrived: boolean }
  | { readonly type: 'sharer-changed' }
  | { readonly type: 'roster'; readonly node: string; readonly viewers: readonly SessionViewerInfo[]; readonly ask: boolean };

export type ViewerBoundText = Extract<ViewerServerMessage, { type: 'ended' | 'prompt-exit' }>;

/** A text from the viewer side of the relay; null when it is none of ours (ignored). Published only by this server's nodes. */
export function parseRelayText(text: string): SessionRelayNotice | ViewerBoundText | null {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof message !== 'object' || message === null) return null;
  switch ((message as { type?: unknown }).type) {
    case 'agent-state':
    case 'sharer-changed':
    case 'roster':
      return message as SessionRelayNotice;
    case 'ended':
    case 'prompt-exit':
      return message as ViewerBoundText;
    default:
      return null;
  }
}

export const relayText = (message: SessionRelayNotice | ViewerBoundText): { readonly text: string } => ({ text: JSON.stringify(message) });
