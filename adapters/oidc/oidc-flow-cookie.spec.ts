import { randomBytes } from 'node:crypto';
import { deriveFlowCookieKey, FlowCookieSealer, readCookie, type PendingFlow } from './oidc-flow-cookie';

const flow: PendingFlow = { provider: 'google', state: 'st', nonce: 'no', codeVerifier: 'cv', expiresAt: 1_000_000 };

describe('FlowCookieSealer', () => {
  const key = deriveFlowCookieKey(randomBytes(32));
  const sealer = new FlowCookieSealer(key);

  it('opens what it sealed until it expires, and hides its content', () => {
    const sealed = sealer.seal(flow);
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain('"st"');
    expect(sealer.open(sealed, 999_999)).toEqual(flow);
    expect(sealer.open(sealed, 1_000_000)).toBeUndefined();
  });

  it('refuses a changed value, another key’s value and garbage', () => {
    const sealed = sealer.seal(flow);
    const raw = Buffer.from(sealed, 'base64url');
    raw[raw.length - 1] ^= 1;
    expect(sealer.open(raw.toString('base64url'), 0)).toBeUndefined();
    expect(new FlowCookieSealer(deriveFlowCookieKey(randomBytes(32))).open(sealed, 0)).toBeUndefined();
    expect(sealer.open('', 0)).toBeUndefined();
    expect(sealer.open('not base64url!', 0)).toBeUndefined();
    expect(sealer.open('AAAA', 0)).toBeUndefined();
  });

  it('derives one key per secret, different from the secret', () => {
    const secret = randomBytes(32);
    expect(deriveFlowCookieKey(secret).equals(deriveFlowCookieKey(secret))).toBe(true);
    expect(deriveFlowCookieKey(secret).equals(secret)).toBe(false);
  });
});

describe('readCookie', () => {
  it('finds a cookie by exact name', () => {
    expect(readCookie('a=1; sb_oidc_flow=xyz; sb_oidc_flow2=no', 'sb_oidc_flow')).toBe('xyz');
    expect(readCookie('x_sb_oidc_flow=1', 'sb_oidc_flow')).toBeUndefined();
    expect(readCookie(undefined, 'a')).toBeUndefined();
  });
});
