import * as path from 'node:path';
import { defaultDataDir, parseAddComputerLink, parseArgs, parseSupportLink, parseBakedEnrollment, type AgentOptions } from './args';

const DEFAULT_DIR = '/home/u/.config/switchboard-agent';
const ok = (argv: string[]): AgentOptions => {
  const parsed = parseArgs(argv, DEFAULT_DIR);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
};
const error = (argv: string[]): string => {
  const parsed = parseArgs(argv, DEFAULT_DIR);
  if (!('error' in parsed)) throw new Error(`accepted ${JSON.stringify(argv)}`);
  return parsed.error;
};

describe('parseArgs', () => {
  it('reads the run options with defaults', () => {
    expect(ok([])).toEqual({ serverUrl: null, dataDir: DEFAULT_DIR, once: false, service: null, setName: null, name: null, screenshotIntervalMs: null, enrollment: null, support: null, help: false });
    expect(ok(['--server', 'http://sb.example:8080/ignored', '--data-dir', 'rel', '--once', '--name', 'Front desk', '--screenshot-interval=5000'])).toEqual({
      serverUrl: 'http://sb.example:8080',
      dataDir: path.resolve('rel'),
      once: true,
      service: null,
      setName: null,
      name: 'Front desk',
      screenshotIntervalMs: 5000,
      enrollment: null,
      support: null,
      help: false,
    });
  });

  it('enrolls with a username and password on the given server', () => {
    expect(ok(['--server', 'sb.example:3000', '--username', 'a@b.c', '--password', 'p w']).enrollment).toEqual({
      method: 'password',
      serverUrl: 'http://sb.example:3000',
      username: 'a@b.c',
      password: 'p w',
    });
    expect(error(['--username', 'a@b.c', '--password', 'x'])).toMatch(/--server/);
    expect(error(['--server', 'h', '--username', 'a@b.c'])).toMatch(/both --username and --password/);
  });

  it('enrolls with an add-computer link, the server taken from the link', () => {
    const link = 'https://sb.example/add-computer?link=acc-1.AbCdEfGhIjKlMnOpQrStUvWx';
    expect(ok(['--link', link])).toMatchObject({ serverUrl: 'https://sb.example', enrollment: { method: 'add-computer-link', serverUrl: 'https://sb.example', token: 'acc-1.AbCdEfGhIjKlMnOpQrStUvWx' } });
    expect(parseAddComputerLink('http://h:1/api/computers/downloads/linux?link=a%2Eb')).toEqual({ serverUrl: 'http://h:1', token: 'a.b' });
    expect(error(['--link', 'https://sb.example/add-computer'])).toMatch(/no \?link= token/);
    expect(error(['--link', 'not a url'])).toMatch(/not an add-computer link/);
    expect(error(['--link', link, '--server', 'http://other'])).toMatch(/different servers/);
  });

  it('takes the seed’s --create-computer command line', () => {
    const opts = ok(['--create-computer', '--username', 'a@b.c', '--password', 'secret', '--relay-url', 'relay.example', '--relay-port', '8443']);
    expect(opts.enrollment).toEqual({ method: 'cli', serverUrl: 'http://relay.example:8443', username: 'a@b.c', password: 'secret' });
    expect(ok(['--create-computer', '--username', 'a', '--password', 'b', '--relay-url', 'relay.example', '--relay-port', '443']).serverUrl).toBe('https://relay.example');
    expect(ok(['--create-computer', '--username', 'a', '--password', 'b', '--relay-url', 'https://relay.example', '--relay-port', '9000']).serverUrl).toBe('https://relay.example:9000');
    expect(error(['--create-computer', '--username', 'a', '--password', 'b'])).toMatch(/--relay-url/);
    expect(error(['--create-computer', '--relay-url', 'h', '--relay-port', '1'])).toMatch(/--username and --password/);
    expect(error(['--create-computer', '--username', 'a', '--password', 'b', '--relay-url', 'h', '--relay-port', 'x'])).toMatch(/port number/);
  });

  it('takes the slash form, case-insensitive, with quoted values', () => {
    const opts = ok(['/CreateComputer', '/username', '"a@b.c"', '/PASSWORD', '"s p"', '/relayurl', '"127.0.0.1"', '/RelayPort', '"3000"']);
    expect(opts.enrollment).toEqual({ method: 'cli', serverUrl: 'http://127.0.0.1:3000', username: 'a@b.c', password: 's p' });
    expect(ok(['/createcomputer', '/username:a', '/password=b', '/relayurl', 'h', '/relayport', '80']).serverUrl).toBe('http://h');
    expect(ok(['--ONCE']).once).toBe(true);
  });

  it('installs or uninstalls the service, one mode at a time', () => {
    expect(ok(['--install', '--server', 'http://h', '--username', 'a', '--password', 'b'])).toMatchObject({ service: 'install', once: false, enrollment: { method: 'password' } });
    expect(ok(['/Install']).service).toBe('install');
    expect(ok(['--UNINSTALL']).service).toBe('uninstall');
    expect(error(['--install', '--once'])).toMatch(/Choose one of --once, --install/);
    expect(error(['--install', '--uninstall'])).toMatch(/Choose one of --install, --uninstall/);
    expect(error(['--uninstall', '--link', 'https://sb.example/add-computer?link=acc-1.AbCdEfGhIjKlMnOpQrStUvWx'])).toMatch(/--uninstall takes no enrollment options/);
  });

  it('reads the set-name command, which takes only the data directory', () => {
    expect(ok(['set-name', 'Front desk'])).toMatchObject({ setName: 'Front desk', dataDir: DEFAULT_DIR });
    expect(ok(['SET-NAME', '"Quoted PC"', '--data-dir', '/d'])).toMatchObject({ setName: 'Quoted PC', dataDir: path.resolve('/d') });
    expect(error(['set-name'])).toMatch(/Usage: switchboard-agent set-name NAME/);
    expect(error(['set-name', '--data-dir', '/d'])).toMatch(/Usage/);
    expect(error(['set-name', ' '])).toMatch(/1 to 64 characters/);
    expect(error(['set-name', 'x'.repeat(65)])).toMatch(/1 to 64 characters/);
    expect(error(['set-name', 'PC', '--server', 'http://h'])).toMatch(/set-name takes only --data-dir, not --server/);
    expect(error(['set-name', 'PC', 'extra'])).toMatch(/Unexpected argument "extra"/);
    // Only as the first word: elsewhere it is a stray argument.
    expect(error(['--once', 'set-name', 'PC'])).toMatch(/Unexpected argument "set-name"/);
  });

  it('joins a support session by link, the server and a suggested name taken from the link', () => {
    const token = 'AbCdEfGhIjKlMnOpQrStUv';
    expect(ok(['--support-link', `https://sb.example/support/${token}?ticket=T-1&name=Ann%20Lee`, '--name', 'Ann'])).toMatchObject({
      name: 'Ann',
      support: { kind: 'link', serverUrl: 'https://sb.example', token, suggestedName: 'Ann Lee' },
    });
    expect(ok(['/SupportLink', `"http://h:3000/s/${token}"`]).support).toEqual({ kind: 'link', serverUrl: 'http://h:3000', token, suggestedName: null });
    expect(parseSupportLink(`http://h/add-computer?link=${token}`)).toMatchObject({ error: expect.stringMatching(/not a support link/) });
    expect(error(['--support-link', 'nonsense'])).toMatch(/not a support link/);
    expect(error(['--support-link', `https://sb.example/s/${token}`, '--server', 'http://other'])).toMatch(/different servers/);
    expect(error(['--support-link', `https://sb.example/s/${token}`, '--install'])).toMatch(/takes only --name and --server, not --install/);
  });

  it('joins a support session by 6-digit connection ID on the given server', () => {
    expect(ok(['--code', '123 456', '--server', 'sb.example', '--name', 'Bob']).support).toEqual({ kind: 'code', serverUrl: 'http://sb.example', code: '123456' });
    expect(ok(['/code', '"654321"', '/server', '"https://sb.example"']).support).toEqual({ kind: 'code', serverUrl: 'https://sb.example', code: '654321' });
    expect(error(['--code', '12345', '--server', 'h'])).toMatch(/6 digits/);
    expect(error(['--code', '123456'])).toMatch(/--code needs the server/);
    expect(error(['--code', '123456', '--server', 'h', '--support-link', 'https://h/s/AbCdEfGhIjKlMnOpQrStUv'])).toMatch(/not both/);
    expect(error(['--code', '123456', '--server', 'h', '--username', 'a', '--password', 'b'])).toMatch(/not --username/);
  });

  it('refuses what it does not understand, saying what', () => {
    expect(error(['--frobnicate'])).toMatch(/Unknown option --frobnicate/);
    expect(error(['stray'])).toMatch(/Unexpected argument "stray"/);
    expect(error(['--name'])).toMatch(/needs a value/);
    expect(error(['--once=yes'])).toMatch(/takes no value/);
    expect(error(['--screenshot-interval', '10'])).toMatch(/at least 1000/);
    expect(error(['--server', 'ftp://x'])).toMatch(/http or https/);
    expect(error(['--name', 'a', '--name', 'b'])).toMatch(/twice/);
  });
});

describe('parseBakedEnrollment', () => {
  it('reads what the downloads bake', () => {
    expect(parseBakedEnrollment(JSON.stringify({ serverUrl: 'http://h:1', method: 'enrollment-token', token: 't.x' }), 'e.json')).toEqual({
      method: 'enrollment-token',
      serverUrl: 'http://h:1',
      token: 't.x',
    });
    expect(parseBakedEnrollment('{', 'e.json')).toEqual({ error: 'e.json is not JSON' });
    expect(parseBakedEnrollment(JSON.stringify({ serverUrl: 'http://h', method: 'password', token: 't' }), 'e.json')).toMatchObject({ error: expect.stringMatching(/method/) });
  });
});

describe('defaultDataDir', () => {
  it('is the user’s own configuration folder, and %ProgramData% on Windows where the service runs as SYSTEM', () => {
    expect(defaultDataDir('linux', {}, '/home/u')).toBe('/home/u/.config/switchboard-agent');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/x' }, '/home/u')).toBe('/x/switchboard-agent');
    expect(defaultDataDir('darwin', {}, '/Users/u')).toBe('/Users/u/Library/Application Support/Switchboard Agent');
    expect(defaultDataDir('win32', { ProgramData: 'D:\\PD', LOCALAPPDATA: 'C:\\L' }, 'C:\\U')).toBe('D:\\PD\\Switchboard');
    expect(defaultDataDir('win32', {}, 'C:\\U')).toBe('C:\\ProgramData\\Switchboard');
  });
});
