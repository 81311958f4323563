import { createHmac, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AccessTokenError, type AccessTokenClaims } from '../../application/ports/access-tokens.port';
import { ManualClock } from '../../tests/kit/counter-projection';
import { HmacAccessTokens, openHmacAccessTokens } from './hmac-access-tokens.adapter';

const SECRET = randomBytes(32);
const CLAIMS: AccessTokenClaims = { sub: 'user-1', tid: 'account-1', role: 'technician', sid: 'session-1' };
const START_SECONDS = Date.parse('2025-01-01T00:00:00.000Z') / 1000;
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A token built by hand, signed with `key` and `algorithm`, to present what our issuer never would. */
function forge(header: unknown, payload: unknown, key = SECRET, algorithm = 'sha256'): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(algorithm, key).update(input).digest('base64url')}`;
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof AccessTokenError) return error.code;
    throw error;
  }
  throw new Error('expected an AccessTokenError');
}

describe('HmacAccessTokens', () => {
  let clock: ManualClock;
  let tokens: HmacAccessTokens;

  beforeEach(() => {
    clock = new ManualClock();
    tokens = new HmacAccessTokens(SECRET, clock, { leewaySeconds: 30 });
  });

  describe('round trip', () => {
    it('gives back the claims it signed, with iat and exp in seconds', () => {
      const token = tokens.issue(CLAIMS, 900);
      expect(token.split('.')).toHaveLength(3);
      expect(tokens.verify(token)).toEqual({ ...CLAIMS, iat: START_SECONDS, exp: START_SECONDS + 900 });
    });

    it('carries the password-change flag when set, either way', () => {
      expect(tokens.verify(tokens.issue({ ...CLAIMS, pwc: true }, 60)).pwc).toBe(true);
      expect(tokens.verify(tokens.issue({ ...CLAIMS, pwc: false }, 60)).pwc).toBe(false);
      expect(tokens.verify(tokens.issue(CLAIMS, 60))).not.toHaveProperty('pwc');
    });

    it('is a standard HS256 JWT', () => {
      const [header, payload] = tokens.issue(CLAIMS, 60).split('.') as [string, string];
      expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
      expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({
        ...CLAIMS,
        iat: START_SECONDS,
        exp: START_SECONDS + 60,
      });
    });

    it('accepts a token that any HS256 JWT library would make with the same key', () => {
      const token = forge({ alg: 'HS256', typ: 'JWT' }, { ...CLAIMS, iat: START_SECONDS, exp: START_SECONDS + 60 });
      expect(tokens.verify(token).sub).toBe('user-1');
    });

    it('drops claims it does not know', () => {
      const token = forge({ alg: 'HS256' }, { ...CLAIMS, admin: true, iat: START_SECONDS, exp: START_SECONDS + 60 });
      expect(tokens.verify(token)).not.toHaveProperty('admin');
    });
  });

  describe('forgery', () => {
    it('refuses a tampered signature', () => {
      const token = tokens.issue(CLAIMS, 900);
      const last = token.at(-2) === 'A' ? 'B' : 'A';
      expect(codeOf(() => tokens.verify(`${token.slice(0, -2)}${last}${token.at(-1)}`))).toBe('TOKEN_INVALID');
    });

    it('refuses a payload changed after signing', () => {
      const [header, , signature] = tokens.issue(CLAIMS, 900).split('.');
      const payload = b64({ ...CLAIMS, role: 'owner', iat: START_SECONDS, exp: START_SECONDS + 900 });
      expect(codeOf(() => tokens.verify(`${header}.${payload}.${signature}`))).toBe('TOKEN_INVALID');
    });

    it('refuses a token signed with another key', () => {
      const other = new HmacAccessTokens(randomBytes(32), clock);
      expect(codeOf(() => tokens.verify(other.issue(CLAIMS, 900)))).toBe('TOKEN_INVALID');
    });

    it('refuses a second spelling of the same signature', () => {
      const token = tokens.issue(CLAIMS, 900);
      // 43 base64url characters hold 258 bits: the last one has 2 bits that decoding ignores.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const lastIndex = alphabet.indexOf(token.at(-1) as string);
      const twin = `${token.slice(0, -1)}${alphabet[lastIndex ^ 1]}`;
      expect(Buffer.from(twin.split('.')[2] as string, 'base64url')).toEqual(Buffer.from(token.split('.')[2] as string, 'base64url'));
      expect(codeOf(() => tokens.verify(twin))).toBe('TOKEN_INVALID');
    });

    it.each([
      ['alg none, empty signature', `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...CLAIMS, iat: START_SECONDS, exp: START_SECONDS + 60 })}.`],
      ['alg none, our signature', forge({ alg: 'none' }, { ...CLAIMS, iat: START_SECONDS, exp: START_SECONDS + 60 })],
      ['alg HS512 signed with our key', forge({ alg: 'HS512' }, { ...CLAIMS, iat: START_SECONDS, exp: START_SECONDS + 60 }, SECRET, 'sha512')],
      ['alg RS256', forge({ alg: 'RS256' }, { ...CLAIMS, iat: START_SECONDS, exp: START_SECONDS + 60 })],
      ['alg in lower case', forge({ alg: 'hs256' }, { ...CLAIMS, iat: START_SECONDS, exp: START_SECONDS + 60 })],
      ['no alg', forge({ typ: 'JWT' }, { ...CLAIMS, iat: START_SECONDS, exp: START_SECONDS + 60 })],
      ['another typ', forge({ alg: 'HS256', typ: 'at+jwt+x' }, { ...CLAIMS, iat: START_SECONDS, exp: START_SECONDS + 60 })],
      ['a critical extension', forge({ alg: 'HS256', crit: ['b64'], b64: false }, { ...CLAIMS, iat: START_SECONDS, exp: START_SECONDS + 60 })],
    ])('refuses a wrong header: %s', (_name, token) => {
      expect(codeOf(() => tokens.verify(token))).toBe('TOKEN_INVALID');
    });

    it.each([
      ['empty', ''],
      ['one part', 'abc'],
      ['two parts', 'abc.def'],
      ['four parts', 'a.b.c.d'],
      ['padding', 'x.y=.z'],
      ['oversized', 'a'.repeat(5_000)],
      ['not JSON', forge('{"alg":"HS256"}', 'not json')],
      ['an array payload', forge({ alg: 'HS256' }, [1, 2])],
      ['missing exp', forge({ alg: 'HS256' }, { ...CLAIMS, iat: START_SECONDS })],
      ['missing iat', forge({ alg: 'HS256' }, { ...CLAIMS, exp: START_SECONDS + 60 })],
      ['exp as a string', forge({ alg: 'HS256' }, { ...CLAIMS, iat: START_SECONDS, exp: String(START_SECONDS + 60) })],
      ['empty sub', forge({ alg: 'HS256' }, { ...CLAIMS, sub: '', iat: START_SECONDS, exp: START_SECONDS + 60 })],
      ['missing sid', forge({ alg: 'HS256' }, { sub: 'u', tid: 't', role: 'owner', iat: START_SECONDS, exp: START_SECONDS + 60 })],
      ['pwc as a string', forge({ alg: 'HS256' }, { ...CLAIMS, pwc: 'yes', iat: START_SECONDS, exp: START_SECONDS + 60 })],
    ])('refuses a malformed token: %s', (_name, token) => {
      expect(codeOf(() => tokens.verify(token))).toBe('TOKEN_INVALID');
    });
  });

  describe('time', () => {
    it('is valid until exp plus the leeway, then expired', () => {
      const token = tokens.issue(CLAIMS, 900);
      clock.advance((900 + 30 - 1) * 1000);
      expect(tokens.verify(token).sub).toBe('user-1');
      clock.advance(1000);
      expect(codeOf(() => tokens.verify(token))).toBe('TOKEN_EXPIRED');
    });

    it('without leeway, expires exactly at exp', () => {
      const strict = new HmacAccessTokens(SECRET, clock, { leewaySeconds: 0 });
      const token = strict.issue(CLAIMS, 60);
      clock.advance(59_999);
      expect(strict.verify(token).sub).toBe('user-1');
      clock.advance(1);
      expect(codeOf(() => strict.verify(token))).toBe('TOKEN_EXPIRED');
    });

    it('says invalid, not expired, for an expired token that is also forged', () => {
      const other = new HmacAccessTokens(randomBytes(32), clock);
      const token = other.issue(CLAIMS, 60);
      clock.advance(3_600_000);
      expect(codeOf(() => tokens.verify(token))).toBe('TOKEN_INVALID');
    });

    it('refuses a token whose nbf is beyond the leeway, and accepts it within', () => {
      const early = forge({ alg: 'HS256' }, { ...CLAIMS, iat: START_SECONDS, nbf: START_SECONDS + 31, exp: START_SECONDS + 600 });
      expect(codeOf(() => tokens.verify(early))).toBe('TOKEN_INVALID');
      const skewed = forge({ alg: 'HS256' }, { ...CLAIMS, iat: START_SECONDS, nbf: START_SECONDS + 30, exp: START_SECONDS + 600 });
      expect(tokens.verify(skewed).sub).toBe('user-1');
      clock.advance(1000);
      expect(tokens.verify(early).sub).toBe('user-1');
    });

    it('refuses a token issued in the future beyond the leeway', () => {
      const future = forge({ alg: 'HS256' }, { ...CLAIMS, iat: START_SECONDS + 31, exp: START_SECONDS + 600 });
      expect(codeOf(() => tokens.verify(future))).toBe('TOKEN_INVALID');
    });

    it('counts from the injected clock', () => {
      clock.advance(86_400_000);
      expect(tokens.verify(tokens.issue(CLAIMS, 1)).iat).toBe(START_SECONDS + 86_400);
    });
  });

  describe('configuration', () => {
    it('refuses a key shorter than 256 bits', () => {
      expect(() => new HmacAccessTokens(randomBytes(31), clock)).toThrow(RangeError);
    });

    it('refuses a leeway over 60 seconds or below 0', () => {
      expect(() => new HmacAccessTokens(SECRET, clock, { leewaySeconds: 61 })).toThrow(RangeError);
      expect(() => new HmacAccessTokens(SECRET, clock, { leewaySeconds: -1 })).toThrow(RangeError);
      expect(() => new HmacAccessTokens(SECRET, clock, { leewaySeconds: 60 })).not.toThrow();
    });

    it('refuses a lifetime that is not a positive whole number of seconds', () => {
      expect(() => tokens.issue(CLAIMS, 0)).toThrow(RangeError);
      expect(() => tokens.issue(CLAIMS, 1.5)).toThrow(RangeError);
    });

    it('refuses to sign incomplete claims', () => {
      expect(() => tokens.issue({ ...CLAIMS, tid: '' }, 60)).toThrow(TypeError);
    });
  });

  describe('openHmacAccessTokens', () => {
    it('keeps tokens valid across a restart on the same data directory, and not on another', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-access-tokens-'));
      try {
        const first = await openHmacAccessTokens(path.join(dir, 'a'), clock);
        expect(first.origin).toEqual({ file: path.join(dir, 'a', 'auth-secret'), generated: true });
        const token = first.tokens.issue(CLAIMS, 900);
        const restarted = await openHmacAccessTokens(path.join(dir, 'a'), clock);
        expect(restarted.tokens.verify(token).sub).toBe('user-1');
        const elsewhere = await openHmacAccessTokens(path.join(dir, 'b'), clock);
        expect(codeOf(() => elsewhere.tokens.verify(token))).toBe('TOKEN_INVALID');
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });

    it('uses AUTH_SECRET when given, so that several nodes share one key', async () => {
      const secret = 'a shared secret of at least 32 bytes';
      const nodeA = await openHmacAccessTokens('/nonexistent-not-used', clock, secret);
      const nodeB = await openHmacAccessTokens('/nonexistent-not-used', clock, secret);
      expect(nodeA.origin).toBe('env');
      expect(nodeB.tokens.verify(nodeA.tokens.issue(CLAIMS, 60)).sid).toBe('session-1');
    });
  });
});
