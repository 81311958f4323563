import { checkPassword } from './password-policy';

describe('password policy', () => {
  it('accepts a long mixed password unrelated to the email', () => {
    expect(checkPassword('Tr0mbone-Quilt-88', { email: 'jean.dupont@example.com' })).toEqual([]);
  });

  it('refuses fewer than 10 characters', () => {
    expect(checkPassword('Ab3$efgh9')).toEqual(['too_short']);
    expect(checkPassword('Ab3$efgh9x')).toEqual([]);
  });

  it('refuses more than 128 characters', () => {
    expect(checkPassword(`Ab3$${'x'.repeat(125)}`)).toEqual(['too_long']);
  });

  it.each(['abcxyzmnopq', 'ABCXYZMNOPQ', '9081726354', '!?#%&*()[]{}'])('refuses a single character class: %s', (pw) => {
    expect(checkPassword(pw)).toContain('single_class');
  });

  it('refuses a password that contains the email local part or a piece of it', () => {
    expect(checkPassword('xJean.Dupont42', { email: 'Jean.Dupont@example.com' })).toEqual(['contains_email']);
    expect(checkPassword('Dupont-River-9', { email: 'jean.dupont@example.com' })).toEqual(['contains_email']);
    expect(checkPassword('Dupont-River-9', { email: 'someone@example.com' })).toEqual([]);
  });

  it.each(['Password2024!', 'Welcome2025', 'P@ssw0rd!!99', 'Qwerty123456', 'Letmein-1999', 'myL3tm31n!xx', '1234567890ab'])(
    'refuses the breached pattern %s',
    (pw) => {
      expect(checkPassword(pw)).toContain('common_pattern');
    },
  );

  it('lists every reason in a stable order', () => {
    expect(checkPassword('password')).toEqual(['too_short', 'single_class', 'common_pattern']);
  });
});
