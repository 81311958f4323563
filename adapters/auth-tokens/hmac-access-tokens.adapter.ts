import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  type AccessTokenClaims,
  AccessTokenError,
  type AccessTokens,
  type VerifiedAccessToken,
} from '../../application/ports/access-tokens.port';
import type { Clock } from '../../application/ports/clock.port';
import { type AuthSecretSource, MIN_SECRET_BYTES, resolveAuthSecret } from './auth-secret';

/** Clock skew forgiven on exp, nbf and iat. More than a minute would stretch a 15-minute token noticeably. */
export const MAX_LEEWAY_SECONDS = 60;
const DEFAULT_LEEWAY_SECONDS = 30;

/** Far above any token we issue; refuses absurd inputs before any work. */
const MAX_TOKEN_LENGTH = 4_096;
const SIGNATURE_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The only header we issue and accept: pinning the algorithm closes `alg: none` and algorithm confusion. */
const HEADER = { alg: 'HS256', typ: 'JWT' } as const;
const ENCODED_HEADER = Buffer.from(JSON.stringify(HEADER)).toString('base64url');

export interface HmacAccessTokensOptions {
  /** Seconds of clock skew forgiven (0 to 60; 30 by default). */
  readonly leewaySeconds?: number;
}

/** Access tokens as JWTs signed with HMAC-SHA256 (RFC 7519 / 7518 HS256), made and checked with node:crypto. */
export class HmacAccessTokens implements AccessTokens {
  private readonly leeway: number;

  constructor(
    private readonly secret: Buffer,
    private readonly clock: Clock,
    options: HmacAccessTokensOptions = {},
  ) {
    if (secret.length < MIN_SECRET_BYTES) {
      throw new RangeError(`The access-token secret must be at least ${MIN_SECRET_BYTES} bytes; it has ${secret.length}`);
    }
    this.leeway = options.leewaySeconds ?? DEFAULT_LEEWAY_SECONDS;
    if (!Number.isInteger(this.leeway) || this.leeway < 0 || this.leeway > MAX_LEEWAY_SECONDS) {
      throw new RangeError(`leewaySeconds must be an integer from 0 to ${MAX_LEEWAY_SECONDS}, got ${this.leeway}`);
    }
  }

  issue(claims: AccessTokenClaims, ttlSeconds: number): string {
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
      throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
    }
    const checked = readClaims(claims);
    if (!checked) throw new TypeError('Access-token claims need non-empty sub, tid, role and sid, and a boolean pwc if any');
    const iat = this.nowSeconds();
    const payload: VerifiedAccessToken = { ...checked, iat, exp: iat + ttlSeconds };
    const signingInput = `${ENCODED_HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return `${signingInput}.${this.sign(signingInput).toString('base64url')}`;
  }

  verify(token: string): VerifiedAccessToken {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw invalid('malformed token');
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw invalid('malformed token');
    const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];

    const header = parseJson(encodedHeader);
    if (!isRecord(header) || header.alg !== HEADER.alg || (header.typ !== undefined && header.typ !== HEADER.typ)) {
      throw invalid('unsupported token algorithm');
    }
    if ('crit' in header) throw invalid('unsupported critical header');

    const signature = Buffer.from(encodedSignature, 'base64url');
    // Only the canonical encoding of a 32-byte MAC is accepted, so one token has exactly one spelling.
    if (signature.length !== SIGNATURE_BYTES || signature.toString('base64url') !== encodedSignature) {
      throw invalid('bad signature');
    }
    if (!timingSafeEqual(signature, this.sign(`${encodedHeader}.${encodedPayload}`))) throw invalid('bad signature');

    const payload = parseJson(encodedPayload);
    if (!isRecord(payload)) throw invalid('malformed claims');
    const claims = readClaims(payload);
    const { iat, exp, nbf } = payload;
    if (!claims || !isSeconds(iat) || !isSeconds(exp) || (nbf !== undefined && !isSeconds(nbf))) {
      throw invalid('malformed claims');
    }

    const now = this.nowSeconds();
    if (nbf !== undefined && now + this.leeway < nbf) throw invalid('token not yet valid');
    if (now + this.leeway < iat) throw invalid('token issued in the future');
    if (now >= exp + this.leeway) throw new AccessTokenError('TOKEN_EXPIRED', 'The access token has expired');
    return { ...claims, iat, exp };
  }

  private sign(signingInput: string): Buffer {
    return createHmac('sha256', this.secret).update(signingInput, 'ascii').digest();
  }

  private nowSeconds(): number {
    return Math.floor(Date.parse(this.clock.now()) / 1000);
  }
}

function invalid(reason: string): AccessTokenError {
  return new AccessTokenError('TOKEN_INVALID', `The access token is invalid: ${reason}`);
}

function parseJson(encoded: string): unknown {
  try {
    return JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** The known claims only, so that nothing unexpected rides along in either direction. */
function readClaims(source: Readonly<Record<string, unknown>> | AccessTokenClaims): AccessTokenClaims | undefined {
  const { sub, tid, role, sid, pwc } = source as Record<string, unknown>;
  if (!nonEmpty(sub) || !nonEmpty(tid) || !nonEmpty(role) || !nonEmpty(sid)) return undefined;
  if (pwc !== undefined && typeof pwc !== 'boolean') return undefined;
  return pwc === undefined ? { sub, tid, role, sid } : { sub, tid, role, sid, pwc };
}

/** The signer of a running server: key from AUTH_SECRET or DATA_DIR/auth-secret, reported for the boot log. */
export async function openHmacAccessTokens(
  dataDir: string,
  clock: Clock,
  authSecret?: string,
  options: HmacAccessTokensOptions = {},
): Promise<{ tokens: HmacAccessTokens; origin: AuthSecretSource['origin'] }> {
  const { secret, origin } = await resolveAuthSecret(dataDir, authSecret);
  return { tokens: new HmacAccessTokens(secret, clock, options), origin };
}
