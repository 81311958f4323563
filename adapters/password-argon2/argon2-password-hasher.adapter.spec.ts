import { Argon2PasswordHasher } from './argon2-password-hasher.adapter';

describe('Argon2PasswordHasher', () => {
  // Cheap parameters: the spec checks behaviour, not cost.
  const hasher = new Argon2PasswordHasher({ memoryCost: 1024, timeCost: 1 });

  it('hashes with argon2id and verifies the right password only', async () => {
    const hash = await hasher.hash('Tr0mbone-Quilt-88');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$/);
    expect(await hasher.verify(hash, 'Tr0mbone-Quilt-88')).toBe(true);
    expect(await hasher.verify(hash, 'tr0mbone-Quilt-88')).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hasher.hash('same password 1'), hasher.hash('same password 1')]);
    expect(a).not.toBe(b);
  });

  it('answers false for a hash it cannot read instead of throwing', async () => {
    expect(await hasher.verify('', 'x')).toBe(false);
    expect(await hasher.verify('$argon2id$v=19$broken', 'x')).toBe(false);
    expect(await hasher.verify('$2b$10$abcdefghijklmnopqrstuv', 'x')).toBe(false);
  });

  it('uses the OWASP baseline by default', async () => {
    expect(await new Argon2PasswordHasher().hash('Tr0mbone-Quilt-88')).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });
});
