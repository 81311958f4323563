import { promises as fs, realpathSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AGENT_WS_PATH, type AgentFacts, type EnrollRequest, type EnrollResponse } from '../../application/contracts/agent.protocol';
import { defaultDataDir, parseArgs, parseBakedEnrollment, USAGE, type AgentOptions, type Enrollment } from './args';
import { EXIT } from './exit-codes';
import { readKeyFile, removeKeyFile, UnsafeKeyFileError, updateKeyFileName, writeKeyFile, type AgentKeyFile } from './key-file';
import { AgentLink, collectFacts, type LinkStop } from './link';
import type { AgentOs } from './os/agent-os';
import { osFor } from './os/current-os';
import { chooseScreenSource } from './screen/choose-screen';
import { ScreenshotUploader } from './screen/screenshot-uploader';
import { postJson, ServerRefusal } from './server-request';
import { chooseInput } from './session/input';
import { SessionManager } from './session/session-manager';
import { runSupportSession } from './session/support-session';
import { readSettings, watchSettings, writeSettings } from './settings-file';
import { AGENT_VERSION } from './version';

export { EXIT } from './exit-codes';

/** How often the logged-in user is looked up again; a change is sent to the server as new facts. */
const USER_REFRESH_MS = 60_000;

export const BAKED_ENROLLMENT_FILE = 'enrollment.json';
/** The download's folder: dist/agent/src/main.js sits three levels below it. */
const PACKAGE_ROOT = path.resolve(__dirname, '..', '..', '..');

type Level = 'info' | 'warn' | 'error';

export interface AgentIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const STD_IO: AgentIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** The server refused to enroll this computer; its problem code and detail are the message. */
export class EnrollmentRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`Enrollment refused by the server (${status} ${code}): ${detail}`);
  }
}

/** POST /api/agent/enroll; a refusal becomes EnrollmentRefused with the server's code and detail. */
export async function enroll(enrollment: Enrollment, facts: AgentFacts, name: string | null): Promise<EnrollResponse> {
  const credentials =
    'token' in enrollment
      ? { method: enrollment.method, token: enrollment.token }
      : { method: enrollment.method, username: enrollment.username, password: enrollment.password };
  // `cli` is the password method as the seed's command line names it: the server accepts it beside EnrollRequest's methods.
  const body: Omit<EnrollRequest, 'method'> & { readonly method: string } = { ...credentials, facts, ...(name ? { name } : {}) };
  const json = await postJson(enrollment.serverUrl, '/api/agent/enroll', body);
  if (json instanceof ServerRefusal) throw new EnrollmentRefused(json.status, json.code, json.detail);
  if (typeof json.computerId !== 'string' || typeof json.agentKey !== 'string' || typeof json.name !== 'string') {
    throw new Error(`The server at ${enrollment.serverUrl} answered the enrollment with something that is not an EnrollResponse`);
  }
  return json as unknown as EnrollResponse;
}

/** enrollment.json of an auto-connect or add-computer-link download: in the data directory, or at the download's root. */
async function findBakedEnrollment(dataDir: string): Promise<{ file: string; enrollment: Enrollment } | null> {
  for (const file of [path.join(dataDir, BAKED_ENROLLMENT_FILE), path.join(PACKAGE_ROOT, BAKED_ENROLLMENT_FILE)]) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch {
      continue;
    }
    const parsed = parseBakedEnrollment(text, file);
    if ('error' in parsed) throw new Error(parsed.error);
    return { file, enrollment: parsed };
  }
  return null;
}

const wsUrlOf = (serverUrl: string): string => `${serverUrl.replace(/^http/, 'ws')}${AGENT_WS_PATH}`;

/** Enrolls when there is no key yet; gives the key the agent runs with. */
async function keyFor(options: AgentOptions, facts: AgentFacts, log: (level: Level, message: string) => void): Promise<AgentKeyFile | null> {
  const existing = await readKeyFile(options.dataDir);
  if (existing) {
    if (options.enrollment) log('warn', `already enrolled as ${JSON.stringify(existing.name)} (computer ${existing.computerId}); the enrollment options are ignored (remove ${path.join(options.dataDir, 'agent.json')} to enroll again)`);
    if (options.serverUrl && options.serverUrl !== existing.serverUrl) log('warn', `the key belongs to ${existing.serverUrl}; --server ${options.serverUrl} is ignored`);
    return existing;
  }
  const baked = options.enrollment ? null : await findBakedEnrollment(options.dataDir);
  const enrollment = options.enrollment ?? baked?.enrollment ?? null;
  if (!enrollment) return null;
  log('info', `enrolling this computer with ${enrollment.serverUrl} (${enrollment.method})`);
  const enrolled = await enroll(enrollment, facts, options.name);
  const key: AgentKeyFile = { serverUrl: enrollment.serverUrl, computerId: enrolled.computerId, agentKey: enrolled.agentKey, name: enrolled.name };
  await writeKeyFile(options.dataDir, key);
  if (baked) {
    // The token did its job; a copy left behind is a credential lying around.
    await fs.rm(baked.file, { force: true }).catch((error: Error) => log('warn', `could not remove ${baked.file}: ${error.message}`));
  }
  log('info', `enrolled as ${JSON.stringify(key.name)} (computer ${key.computerId}); key kept in ${path.join(options.dataDir, 'agent.json')}`);
  return key;
}

/** What the agent needs from the computer it runs on; specs replace the OS layer (service manager, `who`). */
export interface AgentHost {
  /** Null on a platform the protocol does not know. */
  readonly agentOs: AgentOs | null;
  /** The script the installed service runs: bin/switchboard-agent or dist/agent/src/main.js. */
  readonly entry: string;
}

const currentHost = (): AgentHost => {
  const script = process.argv[1] ?? __filename;
  let entry = script;
  try {
    entry = realpathSync(script);
  } catch {
    // A script that vanished since start: the path it was started by is the best there is.
  }
  return { agentOs: osFor(process.platform), entry };
};

/**
 * The agent's whole life: parse the command line, enroll if there is no key, then keep the link up
 * and send screenshots until a signal or a stop from the server. Resolves with the exit code.
 */
export async function run(argv: readonly string[], io: AgentIo = STD_IO, signals: NodeJS.EventEmitter = process, host: AgentHost = currentHost()): Promise<number> {
  const options = parseArgs(argv, defaultDataDir(process.platform, process.env, os.homedir()));
  if ('error' in options) {
    io.err(`switchboard-agent: ${options.error}`);
    io.err('Run switchboard-agent --help for the options.');
    return EXIT.USAGE;
  }
  if (options.help) {
    io.out(USAGE);
    return EXIT.OK;
  }
  const log = (level: Level, message: string) => (level === 'info' ? io.out : io.err)(`${new Date().toISOString()} ${level} ${message}`);
  if (options.support !== null) {
    return runSupportSession({ join: options.support, name: options.name, out: io.out, err: io.err, log, signals, env: process.env, platform: process.platform });
  }
  if (options.setName !== null) {
    // The running agent watches this file and sends the name; an agent that is not running sends it at its next start.
    await writeSettings(options.dataDir, { name: options.setName, pending: true });
    io.out(`Name set to ${JSON.stringify(options.setName)} in ${path.join(options.dataDir, 'settings.json')}; the agent sends it to the server.`);
    return EXIT.OK;
  }
  const agentOs = host.agentOs;
  if (agentOs === null) {
    io.err(`switchboard-agent: ${process.platform} is not supported (Linux, macOS and Windows are)`);
    return EXIT.FAILED;
  }
  if (options.service === 'uninstall') {
    try {
      io.out(await agentOs.service.uninstall());
      return EXIT.OK;
    } catch (error) {
      io.err(`switchboard-agent: ${(error as Error).message}`);
      return EXIT.FAILED;
    }
  }
  // Undefined: the user running the agent stands in (a run in the foreground); null: nobody at the console.
  const lookUpUser = async (): Promise<string | null | undefined> => (await agentOs.loggedInUser().catch(() => null)) ?? (options.once ? undefined : null);
  let consoleUser = await lookUpUser();
  const facts = (): AgentFacts => collectFacts(!options.once, consoleUser);

  let key: AgentKeyFile | null;
  try {
    key = await keyFor(options, facts(), log);
  } catch (error) {
    if (error instanceof EnrollmentRefused) {
      io.err(`switchboard-agent: ${error.message}`);
      return EXIT.ENROLLMENT_REFUSED;
    }
    if (error instanceof UnsafeKeyFileError) {
      io.err(`switchboard-agent: ${error.message}`);
      return EXIT.UNSAFE_KEY_FILE;
    }
    io.err(`switchboard-agent: ${(error as Error).message}`);
    return EXIT.FAILED;
  }
  if (!key) {
    io.err('switchboard-agent: this computer is not enrolled yet. Enroll it with --server URL --username EMAIL --password PASSWORD, --link URL, or an enrollment.json from the console.');
    return EXIT.USAGE;
  }
  if (options.name !== null) {
    const settings = await readSettings(options.dataDir).catch(() => null);
    if (settings?.name !== options.name || (options.name !== key.name && !settings.pending)) {
      await writeSettings(options.dataDir, { name: options.name, pending: options.name !== key.name });
    }
  }
  if (options.service === 'install') {
    const args = [host.entry, '--data-dir', options.dataDir, ...(options.screenshotIntervalMs !== null ? ['--screenshot-interval', String(options.screenshotIntervalMs)] : [])];
    try {
      io.out(await agentOs.service.install({ execPath: process.execPath, args, dataDir: options.dataDir }));
      return EXIT.OK;
    } catch (error) {
      io.err(`switchboard-agent: ${(error as Error).message}`);
      return EXIT.FAILED;
    }
  }
  log('info', `switchboard-agent ${AGENT_VERSION} for ${key.serverUrl}${options.once ? ' (run once, not installed)' : ''}`);

  const screen = chooseScreenSource(process.env, process.platform, (message) => log('warn', message));
  log('info', `screenshots from the ${screen.description} screen`);
  let current = key;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));

  const uploader = new ScreenshotUploader({ source: screen, agentKey: key.agentKey, log });
  const storeName = (name: string) => {
    void updateKeyFileName(options.dataDir, name)
      .then((updated) => {
        if (updated) current = updated;
      })
      .catch((error: Error) => log('warn', `could not store the new name: ${error.message}`));
  };
  /** A name set in the settings and not yet sent goes to the server as soon as the link is up. */
  const sendPendingName = async (): Promise<void> => {
    const settings = await readSettings(options.dataDir).catch((error: Error) => {
      log('warn', error.message);
      return null;
    });
    if (!settings?.pending || settings.name === null) return;
    if (!link.setName(settings.name)) return;
    log('info', `sent the name ${JSON.stringify(settings.name)} from the settings`);
    storeName(settings.name);
    await writeSettings(options.dataDir, { name: settings.name, pending: false }).catch((error: Error) => log('warn', `could not update the settings: ${error.message}`));
  };
  // Sessions opened from the console on this computer (one click, permalinks): the server sends session-start on this link.
  const sessions: SessionManager = new SessionManager({
    capture: () => screen.captureRaw(),
    input: chooseInput(process.env, process.platform, log),
    sendFrame: (frame) => link.sendFrame(frame),
    sendMessage: (message) => link.sendSession(message),
    backlog: () => link.bufferedAmount,
    log,
  });
  const link: AgentLink = new AgentLink({
    wsUrl: wsUrlOf(key.serverUrl),
    agentKey: key.agentKey,
    facts,
    log,
    onWelcome: (welcome) => {
      if (welcome.name !== current.name) storeName(welcome.name);
      void sendPendingName();
      uploader.start(welcome.screenshotUrl, options.screenshotIntervalMs ?? welcome.screenshotIntervalMs);
    },
    onRename: (name) => {
      storeName(name);
      // The console's name replaces the local setting, so that an older setting cannot undo it later.
      void writeSettings(options.dataDir, { name, pending: false }).catch((error: Error) => log('warn', `could not update the settings: ${error.message}`));
    },
    onSession: (message) => sessions.handle(message),
    onDisconnect: () => {
      uploader.stop();
      sessions.pauseStreams();
    },
    onStop: (stop: LinkStop) => {
      uploader.stop();
      if (stop.reason === 'removed') {
        void removeKeyFile(options.dataDir).finally(() => {
          io.err(`switchboard-agent: ${stop.message}`);
          finish(EXIT.REMOVED);
        });
        return;
      }
      io.err(`switchboard-agent: ${stop.message}`);
      finish(EXIT.UPDATE_REQUIRED);
    },
  });
  const onSignal = (signal: string) => {
    log('info', `${signal}: stopping`);
    finish(EXIT.OK);
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  const stopWatching = watchSettings(options.dataDir, () => void sendPendingName());
  const userTimer = setInterval(() => {
    void lookUpUser().then((user) => {
      if (user === consoleUser) return;
      consoleUser = user;
      link.reportFacts();
    });
  }, USER_REFRESH_MS);
  userTimer.unref();
  link.start();
  const code = await finished;
  signals.off('SIGINT', onSignal);
  signals.off('SIGTERM', onSignal);
  stopWatching();
  clearInterval(userTimer);
  uploader.stop();
  await sessions.closeAll();
  await link.stop();
  return code;
}

/** Entry of bin/switchboard-agent and of `node dist/agent/src/main.js`. */
export function main(): void {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`switchboard-agent: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(EXIT.FAILED);
    },
  );
}

if (require.main === module) main();
