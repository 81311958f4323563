import { Inject, Injectable } from '@nestjs/common';
import type { SecurityAction } from '../../domain/user/security-attempt';
import { ApplicationError } from '../errors';
import type { CommandMeta } from '../handle-command';
import { RATE_LIMITER, type BackoffRule, type RateLimiter } from '../ports/rate-limiter.port';
import { SessionCommandSupport } from './session-command-support';

/** Guessing codes, links and permalink passwords: 5 free failures, then 1 s, 2 s, 4 s … up to 15 minutes; forgotten after a quiet hour. */
export const SESSION_GUESS_BACKOFF: BackoffRule = {
  freeFailures: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  windowMs: 60 * 60_000,
};

/** 429 with the wait, which the HTTP adapter sends as Retry-After. */
export class TooManyAttemptsError extends ApplicationError {
  constructor(retryAfterMs: number) {
    const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super('TOO_MANY_ATTEMPTS', `Too many failed attempts: try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

/**
 * Back-off on the guessable doors of sessions (connection IDs per address; permalink passwords per
 * address and per permalink; support links per address). A blocked try is refused before anything
 * is looked up, and recorded for the audit.
 */
@Injectable()
export class SessionThrottle {
  constructor(
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    private readonly sessions: SessionCommandSupport,
  ) {}

  /** Throws TOO_MANY_ATTEMPTS while any key is blocked; the refusal is audited in `tenantId` (anonymous when null). */
  async assertAllowed(keys: readonly string[], tenantId: string | null, action: SecurityAction, meta: CommandMeta): Promise<void> {
    const checks = await Promise.all(keys.map((key) => this.limiter.check(key)));
    const blocked = checks.filter((c) => !c.allowed);
    if (blocked.length === 0) return;
    await this.sessions.refused(tenantId, action, 'rate_limited', meta);
    throw new TooManyAttemptsError(Math.max(...blocked.map((c) => c.retryAfterMs)));
  }

  /** Counts one failure on every key. */
  async failed(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.limiter.fail(key, SESSION_GUESS_BACKOFF)));
  }
}
