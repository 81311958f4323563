import { ApplicationError } from '../../application/errors';
import { DomainError } from '../../domain/shared/domain-error';

/** RFC 9457 problem details, the body of every error answer. `errors` lists field problems of a bad DTO. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly instance: string;
  readonly errors?: readonly string[];
  /** Stable reason codes of a refusal (the weaknesses of a refused password), for clients to translate. */
  readonly reasons?: readonly string[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A failure of the HTTP layer itself (authentication, body, route) with a stable code, like ApplicationError. */
export class HttpProblem extends ApplicationError {
  constructor(code: string, message: string, readonly status: number, details?: Readonly<Record<string, unknown>>) {
    super(code, message, details);
  }
}

export const problemType = (code: string): string => `urn:switchboard:problem:${code.toLowerCase().replace(/_/g, '-')}`;

const EXACT: Readonly<Record<string, number>> = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  STREAM_REVISION_CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  EVENT_TOO_LARGE: 413,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  READ_MODEL_BEHIND: 503,
  // Sign-in and sessions: the credential is missing, wrong or over.
  INVALID_CREDENTIALS: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REUSED: 401,
  SESSION_REVOKED: 401,
  SESSION_EXPIRED: 401,
  SESSION_UNKNOWN: 401,
  // Signed in, but this credential check or this state refuses the action.
  WRONG_CURRENT_PASSWORD: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  EMAIL_NOT_VERIFIED: 403,
  EMAIL_ALREADY_REGISTERED: 409,
  PASSWORD_NOT_SET: 409,
  WEAK_PASSWORD: 400,
  PASSWORD_UNCHANGED: 400,
  RECOVERY_LINK_INVALID: 400,
  RECOVERY_LINK_EXPIRED: 410,
  RECOVERY_LINK_USED: 410,
  TOO_MANY_ATTEMPTS: 429,
  // Remote sessions: a link, code or session that is over is gone; a wrong permalink password is a bad credential.
  SESSION_ENDED: 410,
  SESSION_LINK_EXPIRED: 410,
  CONNECTION_CODE_UNKNOWN: 404,
  CONNECTION_CODE_USED: 410,
  CONNECTION_CODE_EXPIRED: 410,
  CONNECTION_CODE_TAKEN: 409,
  SESSION_NOT_JOINABLE: 409,
  SESSION_FULL: 409,
  SESSION_PARTICIPANT_EXISTS: 409,
  SESSION_PROMPT_EXISTS: 409,
  SESSION_NOT_EXPIRED: 409,
  PERMALINK_TAKEN: 409,
  PERMALINK_PASSWORD_WRONG: 401,
  // The mail relay refused or could not be reached: not the client's fault, and not ours alone.
  MAIL_DELIVERY_FAILED: 502,
};

/**
 * The one place where error codes become HTTP statuses. Exact codes first, then the naming
 * conventions of domain codes (`*_NOT_FOUND`, `*_FORBIDDEN`, `*_ALREADY_EXISTS`, `*_CLOSED`,
 * `*_INVALID`, `INVALID_*`). A domain rule with no convention is a 422: the request was
 * understood and refused.
 */
export function statusForCode(code: string, domain: boolean): number {
  const exact = EXACT[code];
  if (exact !== undefined) return exact;
  if (code.endsWith('_NOT_FOUND')) return 404;
  if (code.endsWith('_FORBIDDEN')) return 403;
  if (code.endsWith('_ALREADY_EXISTS') || code.endsWith('_CLOSED') || code.endsWith('_CONFLICT')) return 409;
  if (code.startsWith('INVALID_')) return 400;
  if (code.endsWith('_INVALID')) return 422;
  return domain ? 422 : 500;
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  410: 'Gone',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export const titleFor = (status: number): string => TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');

export interface MappedError {
  readonly problem: ProblemDetails;
  /** Extra headers (Retry-After, WWW-Authenticate). */
  readonly headers: Readonly<Record<string, string>>;
  /** Whether it is our fault (logged as an error) rather than the client's. */
  readonly serverFault: boolean;
}

/** Seconds a client waits before asking again when a read model is behind. */
export const READ_MODEL_RETRY_AFTER_SECONDS = 1;

/** Maps anything thrown while serving `instance` to a problem. Unknown errors say nothing of their internals. */
export function toProblem(error: unknown, instance: string): MappedError {
  let status: number;
  let code: string;
  let detail: string;
  let errors: readonly string[] | undefined;
  if (error instanceof HttpProblem) {
    ({ status, code } = error);
    detail = error.message;
    errors = fieldErrors(error.details);
  } else if (error instanceof DomainError || error instanceof ApplicationError) {
    code = error.code;
    status = statusForCode(code, error instanceof DomainError);
    detail = status >= 500 && !(error instanceof ApplicationError && code === 'READ_MODEL_BEHIND') ? 'The server failed to handle the request' : error.message;
    errors = fieldErrors(error.details);
  } else if (isHttpLike(error)) {
    status = error.getStatus();
    code = status === 404 ? 'NOT_FOUND' : status === 413 ? 'PAYLOAD_TOO_LARGE' : status < 500 ? 'BAD_REQUEST' : 'INTERNAL';
    detail = status < 500 ? error.message : 'The server failed to handle the request';
  } else {
    status = 500;
    code = 'INTERNAL';
    detail = 'The server failed to handle the request';
  }
  const reasons = stringList((error as { details?: Readonly<Record<string, unknown>> } | undefined)?.details?.reasons);
  const headers: Record<string, string> = {};
  if (code === 'READ_MODEL_BEHIND') headers['Retry-After'] = String(READ_MODEL_RETRY_AFTER_SECONDS);
  const retryAfter = (error as { details?: { retryAfterSeconds?: unknown } } | undefined)?.details?.retryAfterSeconds;
  if (status === 429 && typeof retryAfter === 'number' && Number.isFinite(retryAfter)) headers['Retry-After'] = String(Math.max(1, Math.ceil(retryAfter)));
  if (status === 401) headers['WWW-Authenticate'] = 'Bearer realm="switchboard"';
  return {
    problem: {
      type: problemType(code),
      title: titleFor(status),
      status,
      code,
      detail,
      instance,
      ...(errors ? { errors } : {}),
      ...(reasons && status < 500 ? { reasons } : {}),
    },
    headers,
    serverFault: status >= 500 && code !== 'READ_MODEL_BEHIND',
  };
}

function stringList(value: unknown): readonly string[] | undefined {
  return Array.isArray(value) && value.every((e) => typeof e === 'string') ? value : undefined;
}

function fieldErrors(details: Readonly<Record<string, unknown>> | undefined): readonly string[] | undefined {
  const errors = details?.errors;
  return Array.isArray(errors) && errors.every((e) => typeof e === 'string') ? errors : undefined;
}

function isHttpLike(error: unknown): error is Error & { getStatus(): number } {
  return error instanceof Error && typeof (error as { getStatus?: unknown }).getStatus === 'function';
}
