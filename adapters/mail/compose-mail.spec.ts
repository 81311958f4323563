import { isMailAddress, newMessageIdLocalPart, parseMailSender } from './compose-mail';

describe('isMailAddress', () => {
  it.each([
    'ann@example.com',
    'ann.smith+tag@mail.example.co.uk',
    "o'brien@example.ie",
    'chloé@exämple.fr',
    'user@xn--exmple-cua.fr',
    '1@example.io',
  ])('accepts %s', (address) => {
    expect(isMailAddress(address)).toBe(true);
  });

  it.each([
    '',
    'ann',
    '@example.com',
    'ann@',
    'ann@example',
    'ann@@example.com',
    'ann@exa_mple.com',
    'ann@-example.com',
    'ann@example.c',
    'ann@example.123',
    '.ann@example.com',
    'ann.@example.com',
    'a b@example.com',
    '"ann"@example.com',
    'ann@example.com\n',
    'ann@example.com,bob@example.com',
    `${'a'.repeat(65)}@example.com`,
    `ann@${'a'.repeat(250)}.com`,
  ])('refuses %j', (address) => {
    expect(isMailAddress(address)).toBe(false);
  });
});

describe('parseMailSender', () => {
  it('reads a bare address and a display name', () => {
    expect(parseMailSender('no-reply@example.com')).toEqual({ address: 'no-reply@example.com' });
    expect(parseMailSender(' Switchboard <no-reply@example.com> ')).toEqual({ name: 'Switchboard', address: 'no-reply@example.com' });
    expect(parseMailSender('"Switchboard Support" <help@example.com>')).toEqual({
      name: 'Switchboard Support',
      address: 'help@example.com',
    });
  });

  it.each(['', 'Switchboard', 'Switchboard <>', 'S <a@b>', 'Evil\r\nBcc: x <a@example.com>'])('refuses %j', (from) => {
    expect(() => parseMailSender(from)).toThrow(expect.objectContaining({ code: 'MAIL_ADDRESS_INVALID' }));
  });
});

describe('newMessageIdLocalPart', () => {
  it('sorts in creation order, also within one millisecond', () => {
    const ids = Array.from({ length: 50 }, () => newMessageIdLocalPart());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(50);
  });
});
