import { deciderSpec } from '../../tests/kit/decider-spec';
import type { Principal } from '../shared/event';
import type { SessionCommand } from './session.commands';
import { sessionDecider } from './session.decide';
import type { SessionEvent, SessionOpened } from './session.events';

const t0 = '2026-11-21T10:00:00.000Z';
const t1 = '2026-11-21T10:05:00.000Z';
const later = '2026-11-21T10:20:00.000Z';
const KEY = 'b'.repeat(64);
const owner: Principal = { kind: 'user', id: 'u-owner', tenantId: 'a1', role: 'technician' };
const colleague: Principal = { kind: 'user', id: 'u-colleague', tenantId: 'a1', role: 'technician' };
const admin: Principal = { kind: 'user', id: 'u-admin', tenantId: 'a1', role: 'admin' };
const stranger: Principal = { kind: 'user', id: 'u-stranger', tenantId: 'a2', role: 'owner' };
const system: Principal = { kind: 'system', id: 'sessions', tenantId: 'a1' };
const guest: Principal = { kind: 'customer', id: 'guest:g1', tenantId: 'a1' };

const spec = deciderSpec(sessionDecider);
const cmd = <C extends SessionCommand>(type: C['type'], data: C['data'], principal: Principal, at = t0): SessionCommand =>
  ({ type, data, context: { now: at, principal } }) as SessionCommand;

const consoleData: SessionOpened['data'] = {
  sessionId: 's1',
  accountId: 'a1',
  ownerUserId: 'u-owner',
  ownerName: 'Olive Owner',
  source: 'console',
  computerId: 'c1',
  computerAccountId: null,
  computerName: 'build-01',
  ticket: null,
  endUserName: null,
  expiresAt: null,
  recording: false,
  permalinkPath: null,
  openedAt: t0,
};
const linkData: SessionOpened['data'] = {
  ...consoleData,
  source: 'link',
  computerId: null,
  computerName: null,
  ticket: 'T-42',
  endUserName: 'Ann',
  expiresAt: '2026-11-21T10:10:00.000Z',
};
const openedWith = (data: Partial<SessionOpened['data']> = {}): SessionEvent => ({ type: 'SessionOpened', data: { ...consoleData, ...data } });
const consoleOpened = openedWith();
const linkOpened = openedWith(linkData);
const permalinkOpened = openedWith({ source: 'permalink', permalinkPath: 'front-desk' });
const open = (data: Partial<SessionOpened['data']> = {}, principal: Principal = owner) => {
  const { openedAt: _, ...rest } = { ...consoleData, ...data };
  return cmd('OpenSession', rest, principal);
};

const arrived = (participantId = 'p1', at = t0): SessionEvent => ({
  type: 'EndUserArrived',
  data: { participantId, name: 'Ann', ip: '198.51.100.7', keyHash: KEY, hostname: 'ann-pc', platform: 'linux', at },
});
const arrive = (participantId = 'p1', at = t0, name = 'Ann') =>
  cmd('ArriveEndUser', { participantId, name, ip: '198.51.100.7', keyHash: KEY, hostname: 'ann-pc', platform: 'linux' }, system, at);
const sharer = (participantId = 'p1', byUserId = 'sessions', at = t0): SessionEvent => ({ type: 'ScreenSharerChosen', data: { participantId, byUserId, at } });
const joined = (userId = 'u-owner', displayName = 'Olive Owner', at = t0): SessionEvent => ({ type: 'TechnicianJoined', data: { userId, displayName, at } });
const started = (byUserId = 'u-owner', at = t0): SessionEvent => ({ type: 'SessionStarted', data: { byUserId, at } });
const left = (userId = 'u-owner'): SessionEvent => ({ type: 'TechnicianLeft', data: { userId, at: t0 } });
const join = (principal: Principal = owner, displayName = 'Olive Owner', at = t0) => cmd('JoinSession', { userId: principal.id, displayName }, principal, at);
const promptOpened = (promptId = 'pr1', byUserId = 'u-owner'): SessionEvent => ({ type: 'PromptOpened', data: { promptId, byUserId, at: t0 } });
const ended = (reason: Extract<SessionEvent, { type: 'SessionEnded' }>['data']['reason'] = 'technician', by: Principal | null = owner, at = t0): SessionEvent => ({
  type: 'SessionEnded',
  data: { reason, by: by ? { kind: by.kind, id: by.id } : null, at },
});
const end = (reason: Extract<SessionCommand, { type: 'EndSession' }>['data']['reason'], principal: Principal, at = t0, by?: Principal) =>
  cmd('EndSession', by ? { reason, by: { kind: by.kind, id: by.id } } : { reason }, principal, at);

describe('Session decider: opening', () => {
  it('opens a console session on a computer, waiting, in the owner\'s name', () => {
    spec.given([]).when(open()).then([consoleOpened]);
  });

  it('opens a link session without a computer, with its ticket and end-user name trimmed and its expiry', () => {
    spec.given([]).when(open({ ...linkData, ticket: '  T-42 ', endUserName: 'Ann ' })).then([linkOpened]);
  });

  it('opens a permalink session for a guest as the server, in the permalink\'s account', () => {
    spec.given([]).when(open({ source: 'permalink', permalinkPath: 'front-desk' }, system)).then([permalinkOpened]);
  });

  it('refuses a second opening of the same session', () => {
    spec.given([consoleOpened]).when(open()).thenThrows('SESSION_ALREADY_EXISTS');
  });

  it('refuses opening in another tenant, or in somebody else\'s name', () => {
    spec.given([]).when(open({}, stranger)).thenThrows('SESSION_FORBIDDEN');
    spec.given([]).when(open({}, colleague)).thenThrows('SESSION_FORBIDDEN');
  });

  it('lets the server open only permalink sessions', () => {
    spec.given([]).when(open({}, system)).thenThrows('SESSION_FORBIDDEN');
  });

  it('refuses inconsistent shapes: a computer session without computer, a link session with one or without expiry', () => {
    spec.given([]).when(open({ computerId: null })).thenThrows('SESSION_INPUT_INVALID');
    spec.given([]).when(open({ ...linkData, computerId: 'c1' })).thenThrows('SESSION_INPUT_INVALID');
    spec.given([]).when(open({ ...linkData, expiresAt: null })).thenThrows('SESSION_INPUT_INVALID');
    spec.given([]).when(open({ source: 'permalink' })).thenThrows('SESSION_INPUT_INVALID');
    spec.given([]).when(open({ permalinkPath: 'front-desk' })).thenThrows('SESSION_INPUT_INVALID');
  });

  it('refuses a ticket or name that is too long or has control characters', () => {
    spec.given([]).when(open({ ...linkData, ticket: 'x'.repeat(65) })).thenThrows('SESSION_INPUT_INVALID');
    spec.given([]).when(open({ ...linkData, endUserName: 'Ann\nBcc: x' })).thenThrows('SESSION_INPUT_INVALID');
    spec.given([]).when(open({ ownerName: '' })).thenThrows('SESSION_INPUT_INVALID');
  });
});

describe('Session decider: end-users', () => {
  it('takes the first end-user of a link and makes them the sharer at once', () => {
    spec.given([linkOpened]).when(arrive()).then([arrived(), sharer()]);
  });

  it('lands a second end-user of the same link in the same session without taking the screen', () => {
    spec.given([linkOpened, arrived(), sharer()]).when(arrive('p2')).then([arrived('p2')]);
  });

  it('makes a newcomer the sharer when the sharer has left', () => {
    const gone: SessionEvent = { type: 'EndUserLeft', data: { participantId: 'p1', at: t0 } };
    spec.given([linkOpened, arrived(), sharer(), gone]).when(arrive('p2')).then([arrived('p2'), sharer('p2')]);
  });

  it('refuses end-users on computer sessions, on ended sessions, and after an unclaimed expiry', () => {
    spec.given([consoleOpened]).when(arrive()).thenThrows('SESSION_NOT_JOINABLE');
    spec.given([linkOpened, ended()]).when(arrive()).thenThrows('SESSION_ENDED');
    spec.given([linkOpened]).when(arrive('p1', later)).thenThrows('SESSION_LINK_EXPIRED');
  });

  it('keeps a claimed link open past its expiry for more end-users', () => {
    spec.given([linkOpened, arrived(), sharer()]).when(arrive('p2', later)).then([arrived('p2', later)]);
  });

  it('refuses the same participant twice, a bad key hash, a bad name, and arrivals by users', () => {
    spec.given([linkOpened, arrived(), sharer()]).when(arrive()).thenThrows('SESSION_PARTICIPANT_EXISTS');
    spec
      .given([linkOpened])
      .when(cmd('ArriveEndUser', { participantId: 'p1', name: 'Ann', ip: null, keyHash: 'nope', hostname: null, platform: null }, system))
      .thenThrows('SESSION_INPUT_INVALID');
    spec.given([linkOpened]).when(arrive('p1', t0, ' ')).thenThrows('SESSION_INPUT_INVALID');
    spec
      .given([linkOpened])
      .when(cmd('ArriveEndUser', { participantId: 'p1', name: 'Ann', ip: null, keyHash: KEY, hostname: null, platform: null }, owner))
      .thenThrows('SESSION_FORBIDDEN');
  });

  it('takes at most 20 end-users', () => {
    const many = Array.from({ length: 20 }, (_, i) => arrived(`p${i}`));
    spec.given([linkOpened, ...many]).when(arrive('p99')).thenThrows('SESSION_FULL');
  });

  it('records an end-user leaving once', () => {
    const leave = cmd('LeaveEndUser', { participantId: 'p1' }, system);
    const gone: SessionEvent = { type: 'EndUserLeft', data: { participantId: 'p1', at: t0 } };
    spec.given([linkOpened, arrived(), sharer()]).when(leave).then([gone]);
    spec.given([linkOpened, arrived(), sharer(), gone]).when(leave).then([]);
    spec.given([linkOpened]).when(leave).thenThrows('SESSION_PARTICIPANT_UNKNOWN');
  });

  it('lets a connected technician choose another present end-user as sharer', () => {
    const given = [linkOpened, arrived(), sharer(), arrived('p2'), joined(), started()];
    spec.given(given).when(cmd('ChooseSharer', { participantId: 'p2' }, owner)).then([sharer('p2', 'u-owner')]);
    spec.given(given).when(cmd('ChooseSharer', { participantId: 'p1' }, owner)).then([]);
    spec.given(given).when(cmd('ChooseSharer', { participantId: 'p3' }, owner)).thenThrows('SESSION_PARTICIPANT_UNKNOWN');
    spec.given(given).when(cmd('ChooseSharer', { participantId: 'p2' }, admin)).thenThrows('SESSION_FORBIDDEN');
  });
});

describe('Session decider: viewers', () => {
  it('starts the session when the first technician joins, and only then', () => {
    spec.given([consoleOpened]).when(join()).then([joined(), started()]);
    spec.given([consoleOpened, joined(), started()]).when(join(admin, 'Ada Admin')).then([joined('u-admin', 'Ada Admin')]);
  });

  it('records nothing for a viewer already connected', () => {
    spec.given([consoleOpened, joined(), started()]).when(join()).then([]);
  });

  it('lets an admin join a colleague\'s session ("show all sessions")', () => {
    spec.given([consoleOpened]).when(join(admin, 'Ada Admin')).then([joined('u-admin', 'Ada Admin'), started('u-admin')]);
  });

  it('lets a technician who was in it come back', () => {
    const given = [consoleOpened, joined(), started(), joined('u-colleague', 'Col'), left('u-colleague')];
    spec.given(given).when(join(colleague, 'Col')).then([joined('u-colleague', 'Col')]);
  });

  it('refuses a colleague who was never in it, and anyone of another tenant (not found)', () => {
    spec.given([consoleOpened]).when(join(colleague, 'Col')).thenThrows('SESSION_FORBIDDEN');
    spec.given([consoleOpened]).when(join(stranger, 'X')).thenThrows('SESSION_NOT_FOUND');
    spec.given([]).when(join()).thenThrows('SESSION_NOT_FOUND');
  });

  it('refuses joining in someone else\'s name', () => {
    spec.given([consoleOpened]).when(cmd('JoinSession', { userId: 'u-admin', displayName: 'X' }, owner)).thenThrows('SESSION_FORBIDDEN');
  });

  it('lets a guest join a permalink session only', () => {
    spec.given([permalinkOpened]).when(join(guest, 'Guest')).then([joined('guest:g1', 'Guest'), started('guest:g1')]);
    spec.given([consoleOpened]).when(join(guest, 'Guest')).thenThrows('SESSION_FORBIDDEN');
  });

  it('refuses joining an ended session, or an expired link session nobody came to', () => {
    spec.given([consoleOpened, ended()]).when(join()).thenThrows('SESSION_ENDED');
    spec.given([linkOpened]).when(join(owner, 'Olive Owner', later)).thenThrows('SESSION_LINK_EXPIRED');
  });

  it('records a connected viewer leaving, and nothing for one who is not connected', () => {
    const leave = cmd('LeaveSession', { userId: 'u-owner' }, owner);
    spec.given([consoleOpened, joined(), started()]).when(leave).then([left()]);
    spec.given([consoleOpened, joined(), started(), left()]).when(leave).then([]);
    spec.given([consoleOpened, joined(), started()]).when(cmd('LeaveSession', { userId: 'u-owner' }, colleague)).thenThrows('SESSION_FORBIDDEN');
  });
});

describe('Session decider: prompts', () => {
  const active = [consoleOpened, joined(), started()];

  it('opens a prompt for a connected technician, records each line in their name, and closes it once', () => {
    spec.given(active).when(cmd('OpenPrompt', { promptId: 'pr1' }, owner)).then([promptOpened()]);
    spec
      .given([...active, promptOpened()])
      .when(cmd('RecordCommandLine', { promptId: 'pr1', line: 'ls -la' }, owner))
      .then([{ type: 'CommandLineRecorded', data: { promptId: 'pr1', byUserId: 'u-owner', line: 'ls -la', at: t0 } }]);
    const closed: SessionEvent = { type: 'PromptClosed', data: { promptId: 'pr1', at: t0, exitCode: 0 } };
    spec.given([...active, promptOpened()]).when(cmd('ClosePrompt', { promptId: 'pr1', exitCode: 0 }, system)).then([closed]);
    spec.given([...active, promptOpened(), closed]).when(cmd('ClosePrompt', { promptId: 'pr1', exitCode: 0 }, system)).then([]);
  });

  it('records nothing for an empty line', () => {
    spec.given([...active, promptOpened()]).when(cmd('RecordCommandLine', { promptId: 'pr1', line: '   ' }, owner)).then([]);
  });

  it('refuses prompts to guests, to viewers not connected, and twice the same id', () => {
    spec.given([permalinkOpened, joined('guest:g1', 'Guest'), started('guest:g1')]).when(cmd('OpenPrompt', { promptId: 'pr1' }, guest)).thenThrows('SESSION_FORBIDDEN');
    spec.given(active).when(cmd('OpenPrompt', { promptId: 'pr1' }, admin)).thenThrows('SESSION_FORBIDDEN');
    spec.given([...active, promptOpened()]).when(cmd('OpenPrompt', { promptId: 'pr1' }, owner)).thenThrows('SESSION_PROMPT_EXISTS');
    spec.given(active).when(cmd('OpenPrompt', { promptId: 'bad id!' }, owner)).thenThrows('SESSION_INPUT_INVALID');
  });

  it('refuses lines into an unknown or closed prompt, by someone else, or too long', () => {
    spec.given(active).when(cmd('RecordCommandLine', { promptId: 'pr1', line: 'ls' }, owner)).thenThrows('SESSION_PROMPT_UNKNOWN');
    const withAdmin = [...active, joined('u-admin', 'Ada'), promptOpened()];
    spec.given(withAdmin).when(cmd('RecordCommandLine', { promptId: 'pr1', line: 'ls' }, admin)).thenThrows('SESSION_FORBIDDEN');
    spec.given([...active, promptOpened()]).when(cmd('RecordCommandLine', { promptId: 'pr1', line: 'x'.repeat(4097) }, owner)).thenThrows('SESSION_INPUT_INVALID');
  });
});

describe('Session decider: recording', () => {
  const recorded = openedWith({ recording: true });
  const chunkData = { chunk: 0, blobKey: 'recordings/s1/0', from: t0, to: t1, frames: 12, bytes: 3456, sha256: 'c'.repeat(64) };
  const chunk = (data = chunkData) => cmd('RecordRecordingChunk', data, system);
  const stored = (data = chunkData): SessionEvent => ({ type: 'RecordingChunkStored', data });

  it('stores chunks of a recorded session, also after its end, and ignores a chunk already stored', () => {
    spec.given([recorded]).when(chunk()).then([stored()]);
    spec.given([recorded, ended()]).when(chunk()).then([stored()]);
    spec.given([recorded, stored()]).when(chunk()).then([]);
    spec.given([recorded, stored()]).when(chunk({ ...chunkData, chunk: 1 })).then([stored({ ...chunkData, chunk: 1 })]);
  });

  it('refuses chunks of a session that does not record, from anyone but the server, or malformed', () => {
    spec.given([consoleOpened]).when(chunk()).thenThrows('SESSION_NOT_RECORDED');
    spec.given([recorded]).when(cmd('RecordRecordingChunk', chunkData, owner)).thenThrows('SESSION_FORBIDDEN');
    spec.given([recorded]).when(chunk({ ...chunkData, sha256: 'x' })).thenThrows('SESSION_INPUT_INVALID');
    spec.given([recorded]).when(chunk({ ...chunkData, from: t1, to: t0 })).thenThrows('SESSION_INPUT_INVALID');
  });
});

describe('Session decider: ending', () => {
  const active = [consoleOpened, joined(), started()];

  it('ends once for a technician in it, and a second end records nothing', () => {
    spec.given(active).when(end('technician', owner)).then([ended()]);
    spec.given([...active, ended()]).when(end('technician', owner)).then([]);
    const withColleague = [...active, joined('u-colleague', 'Col')];
    spec.given(withColleague).when(end('technician', colleague)).then([ended('technician', colleague)]);
  });

  it('lets an admin end it with the reason admin, not others', () => {
    spec.given(active).when(end('admin', admin)).then([ended('admin', admin)]);
    spec.given(active).when(end('admin', owner)).thenThrows('SESSION_FORBIDDEN');
    spec.given(active).when(end('technician', colleague)).thenThrows('SESSION_FORBIDDEN');
    spec.given(active).when(end('technician', guest)).thenThrows('SESSION_FORBIDDEN');
    spec.given(active).when(end('technician', stranger)).thenThrows('SESSION_NOT_FOUND');
  });

  it('lets only the server end it for the end-user or a lost agent, naming who when it knows', () => {
    spec.given(active).when(end('end-user', system, t0, { kind: 'customer', id: 'p1' } as Principal)).then([ended('end-user', { kind: 'customer', id: 'p1' } as Principal)]);
    spec.given(active).when(end('agent-lost', system)).then([ended('agent-lost', null)]);
    spec.given(active).when(end('agent-lost', owner)).thenThrows('SESSION_FORBIDDEN');
    spec.given(active).when(end('end-user', owner)).thenThrows('SESSION_FORBIDDEN');
  });

  it('expires a link session nobody came to, once its time is past', () => {
    spec.given([linkOpened]).when(end('expired', system, later)).then([ended('expired', null, later)]);
    spec.given([linkOpened]).when(end('expired', system, t0)).thenThrows('SESSION_NOT_EXPIRED');
    spec.given([linkOpened, arrived(), sharer()]).when(end('expired', system, later)).thenThrows('SESSION_NOT_EXPIRED');
    spec.given([linkOpened]).when(end('expired', owner, later)).thenThrows('SESSION_FORBIDDEN');
  });
});
