import * as path from 'node:path';
import { CONNECTION_CODE_PATTERN } from '../../application/contracts/session.protocol';

/** How this run enrolls the computer when it has no key yet. */
export type Enrollment =
  | { readonly method: 'password' | 'cli'; readonly serverUrl: string; readonly username: string; readonly password: string }
  | { readonly method: 'enrollment-token' | 'add-computer-link'; readonly serverUrl: string; readonly token: string };

/**
 * An end-user joining one support session (no enrollment, no key kept): by a technician's support
 * link, or by the 6-digit connection ID the technician read out, on a given server.
 */
export type SupportJoin =
  | { readonly kind: 'link'; readonly serverUrl: string; readonly token: string; readonly suggestedName: string | null }
  | { readonly kind: 'code'; readonly serverUrl: string; readonly code: string };

export interface AgentOptions {
  /** Server base URL (http[s]://host[:port]); from --server, --link, --relay-url/--relay-port. */
  readonly serverUrl: string | null;
  readonly dataDir: string;
  /** Run without installing: the console shows the computer as "Not installed". */
  readonly once: boolean;
  /** --install: enroll if needed, register the service that runs the agent, and exit; --uninstall: remove it. */
  readonly service: 'install' | 'uninstall' | null;
  /** `switchboard-agent set-name NAME`: write the name into the settings file that the running agent watches. */
  readonly setName: string | null;
  readonly name: string | null;
  /** Overrides the interval the server asks for. */
  readonly screenshotIntervalMs: number | null;
  readonly enrollment: Enrollment | null;
  /** --support-link / --code: join a support session and share this screen until it ends. */
  readonly support: SupportJoin | null;
  readonly help: boolean;
}

export const USAGE = `Usage: switchboard-agent [options]
       switchboard-agent set-name NAME [--data-dir DIR]

  --server URL                 the Switchboard server (http://host:port)
  --data-dir DIR               where the agent keeps its key (agent.json) and settings (settings.json)
  --name NAME                  the computer's name in the console
  --once                       run without installing (shown as "Not installed")
  --install                    enroll if needed, then install and start the service
                               (systemd on Linux, launchd on macOS, a boot task on Windows; needs root/administrator)
  --uninstall                  stop and remove the service (the key stays in the data directory)
  --screenshot-interval MS     screenshot interval instead of the server's

  set-name NAME                rename this computer; a running agent sends the new name to the server

Join a support session (share this screen with a technician until the session ends or Ctrl-C):
  --support-link URL [--name NAME]              the link the technician sent (https://host/support/...)
  --code 123456 --server URL [--name NAME]      the 6-digit connection ID the technician gave you
  /supportlink "URL" /name "NAME"   or   /code "123456" /server "URL" /name "NAME"

Enroll this computer (first run only), one of:
  --server URL --username EMAIL --password PASSWORD
  --link URL                   a technician's add-computer link
  --create-computer --username EMAIL --password PASSWORD --relay-url HOST --relay-port PORT
  /createcomputer /username "EMAIL" /password "PASSWORD" /relayurl "HOST" /relayport "PORT"
  enrollment.json beside the agent or in the data directory (auto-connect downloads)
`;

type Parsed<T> = T | { readonly error: string };

/** Option names as the user may type them, folded to one spelling; the slash form has no hyphens. */
const ALIASES: Readonly<Record<string, string>> = {
  server: 'server',
  'data-dir': 'data-dir',
  datadir: 'data-dir',
  once: 'once',
  install: 'install',
  uninstall: 'uninstall',
  name: 'name',
  'screenshot-interval': 'screenshot-interval',
  screenshotinterval: 'screenshot-interval',
  username: 'username',
  password: 'password',
  link: 'link',
  'support-link': 'support-link',
  supportlink: 'support-link',
  code: 'code',
  'create-computer': 'create-computer',
  createcomputer: 'create-computer',
  'relay-url': 'relay-url',
  relayurl: 'relay-url',
  'relay-port': 'relay-port',
  relayport: 'relay-port',
  help: 'help',
  h: 'help',
  '?': 'help',
};
const FLAGS = new Set(['once', 'install', 'uninstall', 'create-computer', 'help']);

/** Quotes a Windows shell left around a value of the slash form. */
const unquote = (v: string): string => (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) ? v.slice(1, -1) : v);

function optionName(arg: string): string | null {
  if (arg.startsWith('--')) return arg.slice(2);
  // A single-dash or slash option; a bare "/" or a path like /home/x is a value, which the caller sees by position.
  if (/^[-/][A-Za-z?][A-Za-z-]*([=:].*)?$/.test(arg)) return arg.slice(1);
  return null;
}

/** The server's base URL from what the user typed: a scheme is added when missing, the path dropped. */
export function normalizeServerUrl(raw: string): Parsed<string> {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    return { error: `${JSON.stringify(raw)} is not a server address` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: `${JSON.stringify(raw)}: the server address must be http or https` };
  return url.origin;
}

/** Server and token of an add-computer link (`<origin>/add-computer?link=<token>`, or a download URL with `?link=`). */
export function parseAddComputerLink(raw: string): Parsed<{ serverUrl: string; token: string }> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { error: `${JSON.stringify(raw)} is not an add-computer link (copy the whole link from the console)` };
  }
  const token = url.searchParams.get('link');
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !token) {
    return { error: `${JSON.stringify(raw)} is not an add-computer link: it has no ?link= token (copy the whole link from the console)` };
  }
  return { serverUrl: url.origin, token };
}

/** Server, token and suggested name of a support link: `<origin>/support/<token>?ticket=..&name=..` or the short `<origin>/s/<token>`. */
export function parseSupportLink(raw: string): Parsed<Extract<SupportJoin, { kind: 'link' }>> {
  const refusal = { error: `${JSON.stringify(raw)} is not a support link (copy the whole link the technician sent)` };
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return refusal;
  }
  const match = /^\/(?:support|s)\/([A-Za-z0-9_.~-]{16,256})\/?$/.exec(url.pathname);
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !match) return refusal;
  const name = url.searchParams.get('name')?.trim() ?? '';
  return { kind: 'link', serverUrl: url.origin, token: match[1], suggestedName: name !== '' && name.length <= 64 ? name : null };
}

/** The relay of the seed's command line: HOST or URL, and a port; https on 443 when no scheme is given. */
function relayServer(host: string, port: string | undefined): Parsed<string> {
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host);
  if (port !== undefined && !/^[0-9]{1,5}$/.test(port)) return { error: `--relay-port ${JSON.stringify(port)} must be a port number` };
  if (hasScheme || port === undefined) {
    const base = normalizeServerUrl(host);
    if (typeof base !== 'string') return base;
    if (port === undefined) return base;
    const url = new URL(base);
    url.port = port;
    return url.origin;
  }
  return normalizeServerUrl(`${port === '443' ? 'https' : 'http'}://${host}:${port}`);
}

/**
 * The agent's command line. Options are case-insensitive and take `--opt value`, `--opt=value`,
 * or the slash form `/opt "value"` of the seed's installers.
 */
export function parseArgs(argv: readonly string[], defaultDataDir: string): Parsed<AgentOptions> {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  let setName: string | null = null;
  let first = 0;
  if (argv[0]?.toLowerCase() === 'set-name') {
    const name = argv[1];
    if (name === undefined || optionName(name) !== null) return { error: 'Usage: switchboard-agent set-name NAME [--data-dir DIR]' };
    setName = unquote(name).trim();
    if (setName === '' || setName.length > 64) return { error: 'The name must have 1 to 64 characters' };
    first = 2;
  }
  for (let i = first; i < argv.length; i++) {
    const arg = argv[i];
    const raw = optionName(arg);
    if (raw === null) return { error: `Unexpected argument ${JSON.stringify(arg)}` };
    const split = raw.search(/[=:]/);
    const name = ALIASES[(split >= 0 ? raw.slice(0, split) : raw).toLowerCase()];
    if (!name) return { error: `Unknown option ${arg}` };
    if (FLAGS.has(name)) {
      if (split >= 0) return { error: `${arg}: ${name} takes no value` };
      flags.add(name);
      continue;
    }
    let value: string | undefined = split >= 0 ? raw.slice(split + 1) : argv[++i];
    if (value === undefined) return { error: `Option ${arg} needs a value` };
    value = unquote(value);
    if (values.has(name)) return { error: `Option --${name} is given twice` };
    values.set(name, value);
  }
  const get = (k: string) => values.get(k);
  if (setName !== null) {
    const other = [...values.keys(), ...flags].find((k) => k !== 'data-dir' && k !== 'help');
    if (other !== undefined) return { error: `set-name takes only --data-dir, not --${other}` };
  }
  const modes = ['once', 'install', 'uninstall'].filter((f) => flags.has(f));
  if (modes.length > 1) return { error: `Choose one of --${modes.join(', --')}` };

  let serverUrl: string | null = null;
  if (get('server') !== undefined) {
    const s = normalizeServerUrl(get('server')!);
    if (typeof s !== 'string') return s;
    serverUrl = s;
  }
  let screenshotIntervalMs: number | null = null;
  if (get('screenshot-interval') !== undefined) {
    const ms = get('screenshot-interval')!;
    if (!/^[0-9]+$/.test(ms) || Number(ms) < 1000) return { error: '--screenshot-interval must be a number of milliseconds, at least 1000' };
    screenshotIntervalMs = Number(ms);
  }
  const name = get('name');
  if (name !== undefined && (name.trim() === '' || name.length > 64)) return { error: '--name must have 1 to 64 characters' };

  let enrollment: Enrollment | null = null;
  const username = get('username');
  const password = get('password');
  if ((username === undefined) !== (password === undefined)) return { error: 'Give both --username and --password' };
  const link = get('link');
  const relay = get('relay-url');
  const createComputer = flags.has('create-computer');
  if (link !== undefined && username !== undefined) return { error: 'Enroll with --link or with --username/--password, not both' };
  if (createComputer && username === undefined) return { error: '--create-computer needs --username and --password' };
  if (createComputer && relay === undefined && serverUrl === null) return { error: '--create-computer needs --relay-url and --relay-port (or --server)' };
  if (relay !== undefined || get('relay-port') !== undefined) {
    if (relay === undefined) return { error: '--relay-port needs --relay-url' };
    const s = relayServer(relay, get('relay-port'));
    if (typeof s !== 'string') return s;
    if (serverUrl !== null && serverUrl !== s) return { error: '--server and --relay-url name different servers' };
    serverUrl = s;
  }
  if (flags.has('uninstall') && (link !== undefined || username !== undefined)) return { error: '--uninstall takes no enrollment options' };
  const support = supportJoin(get('support-link'), get('code'), serverUrl);
  if (support !== null && 'error' in support) return support;
  if (support !== null) {
    const other = ['username', 'link', 'relay-url', 'create-computer', 'install', 'uninstall', 'once', 'screenshot-interval'].find((k) => values.has(k) || flags.has(k));
    if (other !== undefined) return { error: `Joining a support session takes only --name and --server, not --${other}` };
  }
  if (link !== undefined) {
    const parsed = parseAddComputerLink(link);
    if ('error' in parsed) return parsed;
    if (serverUrl !== null && serverUrl !== parsed.serverUrl) return { error: '--server and --link name different servers' };
    serverUrl = parsed.serverUrl;
    enrollment = { method: 'add-computer-link', serverUrl, token: parsed.token };
  } else if (username !== undefined && password !== undefined) {
    if (serverUrl === null) return { error: 'Give the server (--server URL) to enroll with a username and password' };
    enrollment = { method: createComputer || relay !== undefined ? 'cli' : 'password', serverUrl, username, password };
  }

  return {
    serverUrl,
    dataDir: path.resolve(get('data-dir') ?? defaultDataDir),
    once: flags.has('once'),
    service: flags.has('install') ? 'install' : flags.has('uninstall') ? 'uninstall' : null,
    setName,
    name: name ?? null,
    screenshotIntervalMs,
    enrollment,
    support,
    help: flags.has('help'),
  };
}

function supportJoin(link: string | undefined, code: string | undefined, serverUrl: string | null): Parsed<SupportJoin> | null {
  if (link !== undefined && code !== undefined) return { error: 'Join with --support-link or with --code, not both' };
  if (link !== undefined) {
    const parsed = parseSupportLink(link);
    if ('error' in parsed) return parsed;
    if (serverUrl !== null && serverUrl !== parsed.serverUrl) return { error: '--server and --support-link name different servers' };
    return parsed;
  }
  if (code === undefined) return null;
  const digits = code.replace(/[\s-]/g, '');
  if (!CONNECTION_CODE_PATTERN.test(digits)) return { error: `--code ${JSON.stringify(code)}: the connection ID has 6 digits` };
  if (serverUrl === null) return { error: '--code needs the server too (--server URL, as the technician gave it)' };
  return { kind: 'code', serverUrl, code: digits };
}

/**
 * Where the agent keeps its key when --data-dir is not given: the user's own configuration folder on
 * Linux and macOS; on Windows the machine-wide %ProgramData%, because the installed service runs as
 * SYSTEM, whose own profile folder nobody would think of.
 */
export function defaultDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string {
  switch (platform) {
    case 'win32':
      return path.win32.join(env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData', 'Switchboard');
    case 'darwin':
      return path.posix.join(home, 'Library', 'Application Support', 'Switchboard Agent');
    default:
      return path.posix.join(env.XDG_CONFIG_HOME || path.posix.join(home, '.config'), 'switchboard-agent');
  }
}

/** What an auto-connect download or an add-computer link download bakes into enrollment.json. */
export function parseBakedEnrollment(text: string, file: string): Parsed<Enrollment> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { error: `${file} is not JSON` };
  }
  const o = v as Record<string, unknown>;
  if (typeof v !== 'object' || v === null || typeof o.serverUrl !== 'string' || typeof o.token !== 'string' || o.token === '') {
    return { error: `${file} must hold {serverUrl, method, token}` };
  }
  if (o.method !== 'enrollment-token' && o.method !== 'add-computer-link') return { error: `${file}: method must be enrollment-token or add-computer-link` };
  const serverUrl = normalizeServerUrl(o.serverUrl);
  if (typeof serverUrl !== 'string') return { error: `${file}: ${serverUrl.error}` };
  return { method: o.method, serverUrl, token: o.token };
}
