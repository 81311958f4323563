import { CryptoOpaqueTokens, hashToken, newOpaqueToken } from './opaque-tokens.adapter';

describe('opaque tokens', () => {
  it('are 256 random bits in base64url', () => {
    const token = newOpaqueToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('do not repeat', () => {
    const tokens = new Set(Array.from({ length: 1_000 }, () => newOpaqueToken()));
    expect(tokens.size).toBe(1_000);
  });

  it('hash to SHA-256 hex', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashToken(newOpaqueToken())).toMatch(/^[0-9a-f]{64}$/);
  });

  it('are served through the OpaqueTokens port', () => {
    const port = new CryptoOpaqueTokens();
    const token = port.newToken();
    expect(port.hash(token)).toBe(hashToken(token));
    expect(port.hash(token)).not.toBe(port.hash(port.newToken()));
  });
});
