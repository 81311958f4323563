import * as os from 'node:os';
import type { AgentFacts } from '../../../application/contracts/agent.protocol';
import type { SupportJoinRequest, SupportJoinResponse } from '../../../application/contracts/session.protocol';
import type { SupportJoin } from '../args';
import { EXIT } from '../exit-codes';
import { AgentLink, collectFacts } from '../link';
import { chooseScreenSource } from '../screen/choose-screen';
import { postJson, ServerRefusal } from '../server-request';
import { chooseInput } from './input';
import { SessionManager } from './session-manager';

/** The server would not let this agent into the session; the message says what the end-user can do. */
export class JoinRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    join: SupportJoin,
  ) {
    super(`${refusalAdvice(status, join) ?? 'The server refused to join the support session'} (${status} ${code}: ${detail})`);
  }
}

function refusalAdvice(status: number, join: SupportJoin): string | null {
  const what = join.kind === 'code' ? `the connection ID ${join.code}` : 'this support link';
  switch (status) {
    case 404:
      return join.kind === 'code' ? `No support session has ${what}: check the digits with the technician` : 'This support link is unknown: copy the whole link the technician sent';
    case 410:
      return join.kind === 'code' ? `${what} has expired or was already used: ask the technician for a new one` : 'This support link has expired or its session has ended: ask the technician for a new one';
    case 429:
      return `Too many attempts from this computer: wait, then try ${what} again`;
    default:
      return null;
  }
}

/** POST /api/support/join: the server records the end-user's arrival and gives the key for the agent link. */
export async function joinSupport(join: SupportJoin, name: string, facts: AgentFacts): Promise<SupportJoinResponse> {
  const credential = join.kind === 'code' ? { code: join.code } : { link: join.token };
  const body: SupportJoinRequest = { ...credential, name, facts: { hostname: facts.hostname, platform: facts.os.platform } };
  const json = await postJson(join.serverUrl, '/api/support/join', body);
  if (json instanceof ServerRefusal) throw new JoinRefused(json.status, json.code, json.detail, join);
  if (typeof json.sessionId !== 'string' || typeof json.participantId !== 'string' || typeof json.participantKey !== 'string' || typeof json.wsUrl !== 'string' || !/^wss?:\/\//.test(json.wsUrl)) {
    throw new Error(`The server at ${join.serverUrl} answered the join with something that is not a SupportJoinResponse`);
  }
  return json as unknown as SupportJoinResponse;
}

export interface SupportRun {
  readonly join: SupportJoin;
  readonly name: string | null;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** SIGINT / SIGTERM: the end-user stops sharing. */
  readonly signals: NodeJS.EventEmitter;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
}

/**
 * An end-user's agent in one support session: join by link or connection ID, then share the screen,
 * take input and run prompts until the session ends (exit 0), the end-user stops (Ctrl-C: the server
 * hears `session-leave`, exit 0), or the server refuses (exit SESSION_REFUSED). Nothing is kept on disk.
 */
export async function runSupportSession(run: SupportRun): Promise<number> {
  const facts = collectFacts(false);
  const name = run.name ?? (run.join.kind === 'link' ? run.join.suggestedName : null) ?? facts.loggedInUser ?? os.hostname();
  let joined: SupportJoinResponse;
  try {
    joined = await joinSupport(run.join, name, facts);
  } catch (error) {
    run.err(`switchboard-agent: ${(error as Error).message}`);
    return error instanceof JoinRefused ? EXIT.SESSION_REFUSED : EXIT.FAILED;
  }
  run.out(`Joined the support session as ${JSON.stringify(name)}. The technician sees your screen and can use your mouse and keyboard once connected.`);
  run.out('Press Ctrl-C to stop sharing.');

  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const screen = chooseScreenSource(run.env, run.platform, (message) => run.log('warn', message));
  const manager: SessionManager = new SessionManager({
    capture: () => screen.captureRaw(),
    input: chooseInput(run.env, run.platform, run.log),
    sendFrame: (frame) => link.sendFrame(frame),
    sendMessage: (message) => link.sendSession(message),
    backlog: () => link.bufferedAmount,
    log: run.log,
    onEnded: (_sessionId, reason) => {
      run.out(`The support session ended (${reason}).`);
      finish(EXIT.OK);
    },
  });
  const link: AgentLink = new AgentLink({
    wsUrl: joined.wsUrl,
    participantKey: joined.participantKey,
    facts: () => facts,
    log: run.log,
    onReady: () => run.log('info', 'connected; waiting for the technician'),
    onSession: (message) => manager.handle(message),
    onDisconnect: () => manager.pauseStreams(),
    onStop: (stop) => {
      if (stop.reason === 'ended') {
        run.out(`${stop.message}.`);
        return finish(EXIT.OK);
      }
      run.err(`switchboard-agent: ${stop.message}`);
      finish(stop.reason === 'update-required' ? EXIT.UPDATE_REQUIRED : EXIT.SESSION_REFUSED);
    },
  });
  const onSignal = (signal: string) => {
    run.log('info', `${signal}: leaving the support session`);
    link.sendSession({ type: 'session-leave', sessionId: joined.sessionId });
    run.out('You stopped sharing your screen.');
    finish(EXIT.OK);
  };
  run.signals.on('SIGINT', onSignal);
  run.signals.on('SIGTERM', onSignal);
  link.start();
  const code = await finished;
  run.signals.off('SIGINT', onSignal);
  run.signals.off('SIGTERM', onSignal);
  await manager.closeAll();
  await link.stop();
  return code;
}
