import { checkPassword } from '../../domain/shared/password-policy';
import { NodeSecretGenerator } from './node-secret-generator.adapter';

describe('NodeSecretGenerator', () => {
  const secrets = new NodeSecretGenerator();

  it('generates 16-character passwords of every class, all different', () => {
    const passwords = Array.from({ length: 200 }, () => secrets.password(16));
    expect(new Set(passwords).size).toBe(200);
    for (const pw of passwords) {
      expect(pw).toHaveLength(16);
      expect(pw).toMatch(/[a-z]/);
      expect(pw).toMatch(/[A-Z]/);
      expect(pw).toMatch(/[2-9]/);
      expect(pw).not.toMatch(/[0O1lI]/);
      expect(checkPassword(pw).filter((r) => r !== 'common_pattern')).toEqual([]);
    }
  });

  it('makes 256-bit base64url tokens', () => {
    const token = secrets.token();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(secrets.token()).not.toBe(token);
  });

  it('digests as SHA-256 hex', () => {
    expect(secrets.digest('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('refuses a password too short to hold every class', () => {
    expect(() => secrets.password(3)).toThrow(RangeError);
  });
});
