import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CommandMeta } from '../../../application/handle-command';
import { CLOCK, type Clock } from '../../../application/ports/clock.port';
import {
  LOGIN_BACKOFF,
  RATE_LIMITER,
  type BackoffRule,
  type RateLimitFailure,
  type RateLimitStatus,
  type RateLimiter,
} from '../../../application/ports/rate-limiter.port';
import { SecurityAttemptRecorder } from '../../../application/user/security-attempts';
import { HttpProblem } from '../problem-details';

/**
 * Per source address: many people may share one (an office behind NAT), so more free failures than
 * per account and forgotten after a quiet hour, then the same doubling back-off.
 */
export const LOGIN_IP_BACKOFF: BackoffRule = { ...LOGIN_BACKOFF, freeFailures: 20, windowMs: 60 * 60_000 };

/**
 * Recovery mails to one address: three in a row freely, then one more per doubling delay, so that
 * nobody can bury an inbox under links.
 */
export const RECOVERY_MAIL_BACKOFF: BackoffRule = { freeFailures: 3, baseDelayMs: 60_000, maxDelayMs: 60 * 60_000, windowMs: 60 * 60_000 };

const HOUR_MS = 60 * 60_000;

/**
 * How many times an hour one client address may use an anonymous route that creates an account or sends
 * a mail (many people may share an address, so these are generous; TRUST_PROXY must be right behind a proxy).
 */
export interface AddressLimits {
  readonly registrationsPerHour: number;
  readonly recoveriesPerHour: number;
}

export const ADDRESS_LIMITS = Symbol('AddressLimits');
export const DEFAULT_ADDRESS_LIMITS: AddressLimits = { registrationsPerHour: 10, recoveriesPerHour: 20 };

/**
 * `perHour` requests as a back-off rule, every request counted as a "failure": the first `perHour` are
 * free as long as each comes within an hour of the one before; the next one blocks the address for an
 * hour, after which its count starts again from zero.
 */
export const hourlyLimit = (perHour: number): BackoffRule => ({ freeFailures: perHour, baseDelayMs: HOUR_MS, maxDelayMs: HOUR_MS, windowMs: HOUR_MS });

/** The anonymous routes limited per address. */
export type AddressLimitedAction = 'register' | 'recovery';

/** Blocked attempts recorded per key and block: one event tells the story, a flood of them would fill the log. */
const MAX_REMEMBERED_BLOCKS = 10_000;

export interface LoginKeys {
  readonly account: string;
  readonly ip: string | undefined;
}

/**
 * Sign-in back-off per account (the email's hash) and per source address. A blocked attempt is refused
 * with 429 and Retry-After before any password is checked; the first refusal of each block, and each
 * failure that starts a block, are recorded in the anonymous security stream.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger('login-throttle');
  private readonly recordedBlocks = new Map<string, number>();

  constructor(
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    private readonly security: SecurityAttemptRecorder,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ADDRESS_LIMITS) private readonly addressLimits: AddressLimits,
  ) {}

  keys(emailHash: string, ip: string | undefined): LoginKeys {
    return { account: `login:account:${emailHash}`, ip: ip ? `login:ip:${ip}` : undefined };
  }

  /** Throws 429 TOO_MANY_ATTEMPTS (Retry-After) while either key is blocked. */
  async assertAllowed(keys: LoginKeys, emailHash: string, meta: CommandMeta): Promise<void> {
    const checks = await this.unlessDown<(RateLimitStatus | undefined)[]>(
      () => Promise.all([this.limiter.check(keys.account), keys.ip ? this.limiter.check(keys.ip) : undefined]),
      [undefined, undefined],
    );
    const blocked = checks.filter((c) => c !== undefined && !c.allowed);
    if (blocked.length === 0) return;
    const retryAfterMs = Math.max(...blocked.map((c) => c?.retryAfterMs ?? 0));
    const scope = checks[0]?.allowed === false ? 'account' : 'ip';
    if (this.firstRefusalOfBlock(scope === 'account' ? keys.account : (keys.ip as string), retryAfterMs)) {
      await this.security.record(null, { action: 'sign-in', reason: `rate_limited_${scope}`, emailHash }, meta);
    }
    throw tooMany(retryAfterMs);
  }

  /** Counts a failed sign-in on both keys; records the failure that starts a block. */
  async failed(keys: LoginKeys, emailHash: string, meta: CommandMeta): Promise<void> {
    const [account, ip] = await this.unlessDown<(RateLimitFailure | undefined)[]>(
      () => Promise.all([this.limiter.fail(keys.account, LOGIN_BACKOFF), keys.ip ? this.limiter.fail(keys.ip, LOGIN_IP_BACKOFF) : undefined]),
      [undefined, undefined],
    );
    const tripped = [account && account.blockedForMs > 0 ? 'account' : undefined, ip && ip.blockedForMs > 0 ? 'ip' : undefined].filter(Boolean);
    if (tripped.length > 0) {
      await this.security.record(null, { action: 'sign-in', reason: `rate_limit_tripped_${tripped.join('_')}`, emailHash }, meta);
    }
  }

  /** A success forgets the account's failures (the address keeps its count: it may be guessing at many accounts). */
  async succeeded(keys: LoginKeys): Promise<void> {
    await this.unlessDown(() => this.limiter.reset(keys.account), undefined);
  }

  /**
   * Whether another recovery mail may go to this address now; counts this request. A refused one is
   * recorded once per block. The caller answers 202 either way: the limit must not reveal the account.
   */
  async recoveryMailAllowed(emailHash: string, meta: CommandMeta): Promise<boolean> {
    const key = `recovery:account:${emailHash}`;
    const status = await this.unlessDown(() => this.limiter.check(key), undefined);
    if (status && !status.allowed) {
      if (this.firstRefusalOfBlock(key, status.retryAfterMs)) {
        await this.security.record(null, { action: 'recovery', reason: 'rate_limited', emailHash }, meta);
      }
      return false;
    }
    await this.unlessDown(() => this.limiter.fail(key, RECOVERY_MAIL_BACKOFF), undefined);
    return true;
  }

  /**
   * Counts one `action` request from the address; over the address's hourly limit, throws 429
   * TOO_MANY_ATTEMPTS (Retry-After) before anything is done, and records the first refusal of each block.
   * A request without an address (no socket address) is not limited here.
   */
  async assertAddressWithinLimit(action: AddressLimitedAction, ip: string | undefined, meta: CommandMeta): Promise<void> {
    if (!ip) return;
    const key = `${action}:ip:${ip}`;
    const perHour = action === 'register' ? this.addressLimits.registrationsPerHour : this.addressLimits.recoveriesPerHour;
    const status = await this.unlessDown(() => this.limiter.check(key), undefined);
    let retryAfterMs = status && !status.allowed ? status.retryAfterMs : 0;
    // Only a request that is let through counts: waiting out a block is not lengthened by knocking.
    if (retryAfterMs === 0) retryAfterMs = (await this.unlessDown(() => this.limiter.fail(key, hourlyLimit(perHour)), undefined))?.blockedForMs ?? 0;
    if (retryAfterMs === 0) return;
    if (this.firstRefusalOfBlock(key, retryAfterMs)) {
      await this.security.record(null, { action, reason: 'rate_limited_ip' }, meta);
    }
    throw tooMany(retryAfterMs, action === 'register' ? 'registrations' : 'recovery requests');
  }

  /**
   * A limiter that cannot be reached (Redis down) does not stop people from signing in: the attempt
   * goes on unthrottled (argon2 still makes each guess slow) and the outage is logged loudly.
   */
  private async unlessDown<T>(run: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await run();
    } catch (error) {
      this.logger.error({ err: error }, 'the rate limiter failed; the request goes on without it');
      return fallback;
    }
  }

  private firstRefusalOfBlock(key: string, retryAfterMs: number): boolean {
    // The block's end identifies it: a later failure makes a new block with a later end.
    const endsAt = Date.parse(this.clock.now()) + retryAfterMs;
    const known = this.recordedBlocks.get(key);
    // The limiter read its own clock: allow for the milliseconds between the two reads.
    if (known !== undefined && Math.abs(known - endsAt) < 1_000) return false;
    if (this.recordedBlocks.size >= MAX_REMEMBERED_BLOCKS) this.recordedBlocks.clear();
    this.recordedBlocks.set(key, endsAt);
    return true;
  }
}

export function tooMany(retryAfterMs: number, what = 'failed sign-ins'): HttpProblem {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new HttpProblem('TOO_MANY_ATTEMPTS', `Too many ${what}: try again in ${retryAfterSeconds} s`, 429, { retryAfterSeconds });
}
