import { COMPUTER_NAME_MAX, parseAgentFacts, type AgentFacts } from '../../../application/contracts/agent.protocol';
import type { EnrollCredentials } from '../../../application/computer/enroll-computer.command';

export interface ParsedEnrollRequest {
  readonly credentials: EnrollCredentials;
  readonly facts: AgentFacts;
  readonly name?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/**
 * Runtime check of `POST /api/agent/enroll` (EnrollRequest in the agent protocol). `cli` is the
 * password method as the agent's command line sends it. Unknown fields are refused, as DTOs do.
 */
export function parseEnrollRequest(body: unknown): ParsedEnrollRequest | { readonly errors: string[] } {
  if (!isObject(body)) return { errors: ['body: must be a JSON object'] };
  const errors: string[] = [];
  const allowed = new Set(['method', 'facts', 'name']);
  let credentials: EnrollCredentials | null = null;
  switch (body.method) {
    case 'password':
    case 'cli':
      allowed.add('username').add('password');
      if (!text(body.username, 254)) errors.push('username: must be the account’s username (email), at most 254 characters');
      if (!text(body.password, 1024)) errors.push('password: must be a non-empty string');
      if (errors.length === 0) credentials = { method: body.method, username: body.username as string, password: body.password as string };
      break;
    case 'enrollment-token':
    case 'add-computer-link':
      allowed.add('token');
      if (!text(body.token, 300)) errors.push('token: must be the token of the download or link');
      else credentials = { method: body.method, token: body.token };
      break;
    default:
      errors.push('method: must be password, cli, enrollment-token or add-computer-link');
  }
  for (const key of Object.keys(body)) if (!allowed.has(key)) errors.push(`${key}: property ${key} should not exist`);
  const facts = parseAgentFacts(body.facts);
  if ('error' in facts) errors.push(facts.error);
  if (body.name !== undefined && (!text(body.name, COMPUTER_NAME_MAX) || body.name.trim().length === 0)) {
    errors.push(`name: must have 1 to ${COMPUTER_NAME_MAX} characters`);
  }
  if (errors.length > 0 || !credentials || 'error' in facts) return { errors };
  return { credentials, facts, ...(body.name !== undefined ? { name: body.name as string } : {}) };
}
