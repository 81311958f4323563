import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { IdentityFlowChecks } from '../../application/ports/identity-providers.port';

/** The cookie that carries a started sign-in from /start to /callback; scoped to those routes. */
export const FLOW_COOKIE = 'sb_oidc_flow';
export const FLOW_COOKIE_PATH = '/api/auth/oidc';
/** Long enough to sign in at the provider (and type a second factor); short enough that a stale tab fails. */
export const FLOW_TTL_MS = 10 * 60 * 1000;

/** A sign-in in progress: the provider it went to and what must come back. */
export interface PendingFlow extends IdentityFlowChecks {
  readonly provider: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A key for flow cookies only, derived from the auth secret: the HS256 key itself never encrypts anything. */
export function deriveFlowCookieKey(authSecret: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', authSecret, Buffer.alloc(0), 'switchboard/oidc-flow-cookie/v1', 32));
}

/**
 * Seals a pending flow into a cookie value with AES-256-GCM: the browser carries the state, nonce and PKCE
 * verifier but can neither read nor change them, and any node of the deployment (same auth secret) can open it.
 */
export class FlowCookieSealer {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the flow cookie key must be 32 bytes');
  }

  seal(flow: PendingFlow): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(FLOW_COOKIE));
    const body = Buffer.concat([cipher.update(JSON.stringify(flow), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The flow, or undefined when the value was not sealed by this key, was changed, or has expired at `nowMs`. */
  open(value: string | undefined, nowMs: number): PendingFlow | undefined {
    if (!value || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
    const raw = Buffer.from(value, 'base64url');
    if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
    let flow: PendingFlow;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(FLOW_COOKIE));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      flow = JSON.parse(text) as PendingFlow;
    } catch {
      return undefined;
    }
    if (typeof flow.expiresAt !== 'number' || flow.expiresAt <= nowMs) return undefined;
    return flow;
  }
}

/** One cookie's value from a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
