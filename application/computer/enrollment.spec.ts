import { createHash } from 'node:crypto';
import { computerHarness, type ComputerHarness } from '../../tests/kit/computer-harness';
import type { ComputerFacts } from '../../domain/computer/computer.events';
import type { Principal } from '../../domain/shared/event';
import { AuthenticateAgentCommand, type AgentIdentity } from './authenticate-agent.command';
import { EnrollComputerCommand, type EnrollComputerResult, type EnrollCredentials } from './enroll-computer.command';
import {
  IssueAddComputerLinkCommand,
  IssueEnrollmentTokenCommand,
  ListEnrollmentTokensQuery,
  RevokeEnrollmentTokenCommand,
  SetAccountComputerLimitCommand,
  type EnrollmentTokenView,
  type IssuedEnrollmentToken,
} from './enrollment-tokens.command';
import { RemoveComputerCommand } from './remove-computer.command';
import { CommandRunner } from '../command-runner';
import { accountDecider } from '../../domain/account/account.decide';
import type { AccountCommand } from '../../domain/account/account.commands';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const DAY = 24 * 60 * 60 * 1000;
const facts: ComputerFacts = { os: { platform: 'linux', release: '6.8', arch: 'x64' }, hostname: 'build-01', agentVersion: '1.0.0', loggedInUser: 'jo', installed: true };

describe('Enrollment and agent keys', () => {
  let h: ComputerHarness;
  let owner: { accountId: string; password: string; principal: Principal };
  beforeEach(async () => {
    h = await computerHarness();
    owner = await h.registerOwner('ann@example.com');
  });
  afterEach(() => h.close());

  const enroll = (credentials: EnrollCredentials, name?: string) =>
    h.commands.execute<EnrollComputerCommand, EnrollComputerResult>(new EnrollComputerCommand(credentials, facts, name, h.meta()));
  const authenticate = (agentKey: string) => h.commands.execute<AuthenticateAgentCommand, AgentIdentity>(new AuthenticateAgentCommand(agentKey, h.meta()));
  const issueLink = (principal: Principal = owner.principal) =>
    h.commands.execute<IssueAddComputerLinkCommand, IssuedEnrollmentToken>(new IssueAddComputerLinkCommand(principal, h.meta()));
  const issueToken = (principal: Principal = owner.principal) =>
    h.commands.execute<IssueEnrollmentTokenCommand, IssuedEnrollmentToken>(new IssueEnrollmentTokenCommand(principal, h.meta()));
  const computerStreams = async () => new Set((await h.allEvents()).filter((e) => e.stream.startsWith('computer-')).map((e) => e.stream));
  const expectCode = async (promise: Promise<unknown>, code: string) => expect(promise).rejects.toMatchObject({ code });

  it('enrolls with the account\'s username and password: a slot, a computer owned by that user, a key stored only as its hash', async () => {
    const result = await enroll({ method: 'password', username: ' Ann@Example.com ', password: owner.password }, 'Reception');
    expect(result).toMatchObject({ accountId: owner.accountId, ownerUserId: owner.principal.id, name: 'Reception', planStatus: 'ok', limitedUntil: null });
    expect(result.agentKey).toMatch(new RegExp(`^${result.computerId}\\.[A-Za-z0-9_-]{43}$`));
    const [enrolled] = await h.events(`computer-${result.computerId}`);
    expect(enrolled.type).toBe('ComputerEnrolled');
    expect(enrolled.data).toMatchObject({ method: 'password', agentKeyHash: sha256(result.agentKey), ownerUserId: owner.principal.id, ip: '203.0.113.7' });
    expect(enrolled.metadata.actor).toEqual({ kind: 'agent', id: result.computerId });
    expect(await h.types(`account-${owner.accountId}`)).toContain('AccountComputerSlotAllocated');
    const everything = JSON.stringify(await h.allEvents());
    expect(everything).not.toContain(result.agentKey.split('.')[1]);
  });

  it('accepts the command-line form of the password method', async () => {
    const result = await enroll({ method: 'cli', username: 'ann@example.com', password: owner.password });
    expect((await h.events(`computer-${result.computerId}`))[0].data).toMatchObject({ method: 'cli', name: 'build-01' });
  });

  it('refuses a wrong password or an unknown username, and writes nothing', async () => {
    const before = (await h.allEvents()).length;
    await expectCode(enroll({ method: 'password', username: 'ann@example.com', password: 'wrong-password-1' }), 'INVALID_CREDENTIALS');
    await expectCode(enroll({ method: 'password', username: 'nobody@example.com', password: owner.password }), 'INVALID_CREDENTIALS');
    expect((await h.allEvents()).length).toBe(before);
  });

  it('enrolls once with an add-computer link, for the technician who issued it; a used or expired link is refused and changes nothing', async () => {
    const link = await issueLink();
    expect(link.expiresAt).toBe(new Date(Date.parse(h.clock.now()) + 2 * DAY).toISOString());
    expect(link.tokenHash).toBe(sha256(link.token));
    const first = await enroll({ method: 'add-computer-link', token: link.token });
    expect(first.ownerUserId).toBe(owner.principal.id);
    const streams = await computerStreams();
    await expectCode(enroll({ method: 'add-computer-link', token: link.token }), 'ENROLLMENT_TOKEN_USED');

    const late = await issueLink();
    h.clock.advance(2 * DAY);
    await expectCode(enroll({ method: 'add-computer-link', token: late.token }), 'ENROLLMENT_TOKEN_EXPIRED');
    expect(await computerStreams()).toEqual(streams);
    expect(JSON.stringify(await h.allEvents())).not.toContain(link.token.split('.')[1]);
  });

  it('enrolls many computers with an auto-connect token until it is revoked', async () => {
    const token = await issueToken();
    expect(token.expiresAt).toBeNull();
    const a = await enroll({ method: 'enrollment-token', token: token.token });
    const b = await enroll({ method: 'enrollment-token', token: token.token });
    expect(a.computerId).not.toBe(b.computerId);
    await h.commands.execute(new RevokeEnrollmentTokenCommand(owner.principal, { tokenHash: token.tokenHash }, h.meta()));
    await expectCode(enroll({ method: 'enrollment-token', token: token.token }), 'ENROLLMENT_TOKEN_REVOKED');
    const tokens = await h.queries.execute<ListEnrollmentTokensQuery, EnrollmentTokenView[]>(new ListEnrollmentTokensQuery(owner.principal));
    expect(tokens).toEqual([expect.objectContaining({ tokenHash: token.tokenHash, kind: 'enrollment-token', uses: 2, revoked: true })]);
  });

  it('refuses malformed tokens, tokens of unknown accounts and a token presented as the other kind', async () => {
    const token = await issueToken();
    for (const bad of ['', 'no-dot', `${owner.accountId}.short`, `unknown-account.${'x'.repeat(43)}`, `${owner.accountId}.${'x'.repeat(43)}`]) {
      await expectCode(enroll({ method: 'enrollment-token', token: bad }), 'ENROLLMENT_TOKEN_INVALID');
    }
    await expectCode(enroll({ method: 'add-computer-link', token: token.token }), 'ENROLLMENT_TOKEN_INVALID');
    expect(await computerStreams()).toEqual(new Set());
  });

  it('limits the first computer over the plan for 10 days and disables the next; the agent is refused once the 10 days are over', async () => {
    const credentials = { method: 'password', username: 'ann@example.com', password: owner.password } as const;
    for (let i = 0; i < 3; i++) expect((await enroll(credentials)).planStatus).toBe('ok');
    const limited = await enroll(credentials);
    expect(limited).toMatchObject({ planStatus: 'limited', limitedUntil: new Date(Date.parse(h.clock.now()) + 10 * DAY).toISOString() });
    expect((await enroll(credentials)).planStatus).toBe('disabled');

    expect((await authenticate(limited.agentKey)).planStatus).toBe('limited');
    h.clock.advance(10 * DAY);
    expect((await authenticate(limited.agentKey)).planStatus).toBe('disabled');
    expect(await h.types(`computer-${limited.computerId}`)).toEqual(['ComputerEnrolled', 'ComputerPlanStatusChanged']);
  });

  it('lets an operator raise the limit', async () => {
    const operator: Principal = { kind: 'system', id: 'operator', tenantId: owner.accountId, role: 'operator' };
    await h.commands.execute(new SetAccountComputerLimitCommand(operator, { accountId: owner.accountId, limit: 5 }, h.meta()));
    const credentials = { method: 'password', username: 'ann@example.com', password: owner.password } as const;
    for (let i = 0; i < 5; i++) expect((await enroll(credentials)).planStatus).toBe('ok');
    expect((await enroll(credentials)).planStatus).toBe('limited');
    await expectCode(h.commands.execute(new SetAccountComputerLimitCommand(owner.principal, { accountId: owner.accountId, limit: 50 }, h.meta())), 'ACCOUNT_FORBIDDEN');
  });

  it('authenticates the agent by its key; a wrong or removed key is refused; removal gives the slot back', async () => {
    const { computerId, agentKey } = await enroll({ method: 'password', username: 'ann@example.com', password: owner.password });
    expect(await authenticate(agentKey)).toMatchObject({
      computerId,
      accountId: owner.accountId,
      name: 'build-01',
      planStatus: 'ok',
      principal: { kind: 'agent', id: computerId, tenantId: owner.accountId },
    });
    for (const bad of [`${computerId}.${'A'.repeat(43)}`, 'garbage', `unknown.${agentKey.split('.')[1]}`]) {
      await expectCode(authenticate(bad), 'UNAUTHORIZED');
    }
    await h.commands.execute(new RemoveComputerCommand(owner.principal, { computerId }, h.meta()));
    await expectCode(authenticate(agentKey), 'UNAUTHORIZED');
    const slots = (await h.types(`account-${owner.accountId}`)).filter((t) => t.startsWith('AccountComputerSlot'));
    expect(slots).toEqual(['AccountComputerSlotAllocated', 'AccountComputerSlotReleased']);
    await h.commands.execute(new RemoveComputerCommand(owner.principal, { computerId }, h.meta()));
    expect((await h.types(`account-${owner.accountId}`)).filter((t) => t === 'AccountComputerSlotReleased')).toHaveLength(1);
  });

  it('refuses every agent key of a closed (deleted) account', async () => {
    const { agentKey } = await enroll({ method: 'password', username: 'ann@example.com', password: owner.password });
    await h.module
      .get(CommandRunner)
      .run<AccountCommand, never, never>(`account-${owner.accountId}`, accountDecider as never, { type: 'CloseAccount', data: { accountId: owner.accountId } }, owner.principal, h.meta());
    await h.projections.waitFor('account-list', await h.store.headPosition(), 2000);
    await expectCode(authenticate(agentKey), 'UNAUTHORIZED');
  });
});
