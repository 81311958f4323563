import { HttpErrorResponse } from '@angular/common/http';

/** What the console needs from a problem+json answer (or from a failure that never reached the server). */
export interface Problem {
  readonly status: number;
  /** The server's stable code; NETWORK when the server could not be reached, UNKNOWN without a code. */
  readonly code: string;
  /** Seconds to wait, from Retry-After (seconds or an HTTP date) or a `retryAfterSeconds` field. */
  readonly retryAfterSeconds?: number;
  /** Reason codes the server gave (WEAK_PASSWORD: too_short, common_pattern...). */
  readonly reasons: readonly string[];
  /** Fields the server named as invalid (USER_PROFILE_INVALID). */
  readonly fields: readonly string[];
}

type ProblemBody = {
  code?: unknown;
  reasons?: unknown;
  weaknesses?: unknown;
  errors?: unknown;
  fields?: unknown;
  retryAfterSeconds?: unknown;
};

function bodyOf(error: HttpErrorResponse): ProblemBody {
  let body: unknown = error.error;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return {};
    }
  }
  return typeof body === 'object' && body !== null ? (body as ProblemBody) : {};
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

function retryAfter(error: HttpErrorResponse, body: ProblemBody, now: number): number | undefined {
  const header = error.headers?.get('Retry-After');
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - now) / 1000));
  }
  return typeof body.retryAfterSeconds === 'number' ? Math.max(0, Math.ceil(body.retryAfterSeconds)) : undefined;
}

export function problemOf(error: unknown, now = Date.now()): Problem {
  if (!(error instanceof HttpErrorResponse)) return { status: 0, code: 'UNKNOWN', reasons: [], fields: [] };
  if (error.status === 0) return { status: 0, code: 'NETWORK', reasons: [], fields: [] };
  const body = bodyOf(error);
  const code = typeof body.code === 'string' && body.code ? body.code : 'UNKNOWN';
  const seconds = retryAfter(error, body, now);
  // The reasons of a refused password travel as `reasons`, `weaknesses` or the problem's `errors` list.
  const reasons = [...strings(body.reasons), ...strings(body.weaknesses), ...strings(body.errors)];
  return {
    status: error.status,
    code,
    reasons: [...new Set(reasons)],
    fields: strings(body.fields),
    ...(seconds !== undefined ? { retryAfterSeconds: seconds } : {}),
  };
}
