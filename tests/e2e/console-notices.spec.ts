import { createHash } from 'node:crypto';
import request from 'supertest';
import { CONSOLE_PROTOCOL_VERSION, type ConsoleServerMessage, type ReadModelUpdatedNotice } from '../../application/contracts/console.messages';
import { CommandRunner } from '../../application/command-runner';
import { PASSWORD_HASHER, type PasswordHasher } from '../../application/ports/password-hasher.port';
import type { Principal } from '../../domain/shared/event';
import { emailClaimDecider } from '../../domain/user/email-claim';
import { userDecider } from '../../domain/user/user.decide';
import { ManualClock } from '../kit/counter-projection';
import { enrollWithPassword } from './agent-kit';
import { OTHER_STRONG_PASSWORD, STRONG_PASSWORD, bearer, login, register, signedUp, type Pair } from './auth-kit';
import { ConsoleClient, TEST_TOKEN, startApp, type E2eApp } from './e2e-app';

type Notice = ReadModelUpdatedNotice;

interface Person {
  readonly email: string;
  readonly userId: string;
  readonly accountId: string;
  pair: Pair;
}

const isNotice = (m: ConsoleServerMessage): m is Extract<ConsoleServerMessage, { event: 'readModelUpdated' }> => m.event === 'readModelUpdated';
const inView = (view: string) => (n: Notice) => n.collection.startsWith(`${view}_v`);

describe('console notices reach the users allowed to see the changed document', () => {
  let app: E2eApp;
  let clock: ManualClock;
  let ann: Person; // owner of account A
  let tom: Person; // technician of account A
  let bob: Person; // owner of account B
  const clients: ConsoleClient[] = [];
  let annSocket: ConsoleClient;
  let tomSocket: ConsoleClient;
  let bobSocket: ConsoleClient;
  let operatorSocket: ConsoleClient;
  let computerId: string;

  const notices = (client: ConsoleClient, from = 0): Notice[] => client.messages.slice(from).filter(isNotice).map((m) => m.data);

  /** Waits (bounded) for a message after `from` that matches. */
  async function waitFor<T>(client: ConsoleClient, find: (messages: ConsoleServerMessage[]) => T | undefined, what: string, from = 0): Promise<T> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = find(client.messages.slice(from));
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no ${what} within 5 s; got ${JSON.stringify(client.messages.slice(from))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  const noticeOf = (client: ConsoleClient, match: (n: Notice) => boolean, from = 0) =>
    waitFor(client, (ms) => ms.filter(isNotice).map((m) => m.data).find(match), 'matching readModelUpdated', from);

  const errorOf = (client: ConsoleClient, from: number) =>
    waitFor(client, (ms) => ms.find((m): m is Extract<ConsoleServerMessage, { event: 'error' }> => m.event === 'error'), 'error', from);

  /**
   * A round trip on the socket: every message the server had sent it before has arrived. A notice
   * goes to every allowed socket in one pass, so once one socket has it, a round trip on another
   * shows whether that one got it too.
   */
  async function settle(client: ConsoleClient): Promise<void> {
    const from = client.messages.length;
    client.send('round trip');
    await waitFor(client, (ms) => ms.find((m) => m.event === 'error' && m.data.code === 'MALFORMED_MESSAGE'), 'round trip', from);
  }

  async function hello(token: string): Promise<{ client: ConsoleClient; reply: ConsoleServerMessage }> {
    const client = await ConsoleClient.connect(app.url);
    clients.push(client);
    client.send({ event: 'hello', data: { protocol: CONSOLE_PROTOCOL_VERSION, token } });
    const reply = await waitFor(client, (ms) => ms.find((m) => m.event === 'welcome' || m.event === 'error'), 'hello answer');
    return { client, reply };
  }

  /** A socket signed in with `token` and subscribed to read-model notices. */
  async function signedInSocket(token: string, principal = 'user'): Promise<ConsoleClient> {
    const { client, reply } = await hello(token);
    expect(reply).toEqual({ event: 'welcome', data: { protocol: CONSOLE_PROTOCOL_VERSION, principal } });
    client.send({ event: 'subscribe', data: { topics: ['read-models'] } });
    await settle(client);
    return client;
  }

  async function signUp(email: string): Promise<Person> {
    const { pair, me } = await signedUp(app, email);
    return { email, userId: me.id, accountId: me.accountId, pair };
  }

  /** A technician in Ann's account: no API invites users yet, so through the user decider as the owner. */
  async function technicianOf(owner: Person, email: string): Promise<Person> {
    const userId = `tech-${owner.userId}`;
    const principal: Principal = { kind: 'user', id: owner.userId, tenantId: owner.accountId, role: 'owner' };
    const meta = { correlationId: 'console-notices-technician' };
    const runner = app.app.get(CommandRunner);
    const emailHash = createHash('sha256').update(email).digest('hex');
    await runner.run(`emailclaim-${emailHash}`, emailClaimDecider, { type: 'ClaimEmail', data: { emailHash, userId, accountId: owner.accountId } }, principal, meta);
    const generatedPasswordHash = await app.app.get<PasswordHasher>(PASSWORD_HASHER).hash(STRONG_PASSWORD);
    await runner.run(
      `user-${userId}`,
      userDecider,
      { type: 'RegisterUser', data: { userId, accountId: owner.accountId, email, role: 'technician', method: 'email', emailVerified: false, generatedPasswordHash } },
      principal,
      meta,
    );
    const first = await login(app, email, STRONG_PASSWORD);
    const changed = await request(app.url)
      .post('/api/me/password')
      .set(bearer(first.accessToken))
      .send({ currentPassword: STRONG_PASSWORD, newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);
    return { email, userId, accountId: owner.accountId, pair: changed.body as Pair };
  }

  beforeAll(async () => {
    clock = new ManualClock(Date.parse('2026-03-02T09:00:00.000Z'));
    app = await startApp({}, { clock });
    ann = await signUp('ann.notices@example.com');
    bob = await signUp('bob.notices@example.com');
    tom = await technicianOf(ann, 'tom.notices@example.com');
    annSocket = await signedInSocket(ann.pair.accessToken);
    tomSocket = await signedInSocket(tom.pair.accessToken);
    bobSocket = await signedInSocket(bob.pair.accessToken);
    operatorSocket = await signedInSocket(TEST_TOKEN, 'operator');
  });
  afterAll(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await app.stop();
  });

  it("tells a new owner-only computer to its owner and the operator, not to the other account nor to the account's technician", async () => {
    const froms = [annSocket, tomSocket, bobSocket].map((c) => c.messages.length);
    computerId = (await enrollWithPassword(app.url, ann.email, STRONG_PASSWORD, undefined, 'Reception PC')).computerId;
    const computer = (n: Notice) => inView('computer-list')(n) && n.id === computerId;
    expect(await noticeOf(annSocket, computer, froms[0])).toMatchObject({ id: computerId, deleted: false });
    await noticeOf(operatorSocket, computer);
    // The owner hears of the enrollment's audit entries too; the technician, no admin, does not.
    await noticeOf(annSocket, inView('audit-log'), froms[0]);

    await Promise.all([settle(tomSocket), settle(bobSocket)]);
    expect(notices(tomSocket, froms[1]).filter(computer)).toEqual([]);
    expect(notices(tomSocket).filter(inView('audit-log'))).toEqual([]);
    expect(notices(bobSocket, froms[2])).toEqual([]);
  });

  it("tells a change of account A to A's users and the operator, never to account B's", async () => {
    const froms = [annSocket, tomSocket, bobSocket].map((c) => c.messages.length);
    await request(app.url).patch(`/api/accounts/${ann.accountId}`).set(bearer(ann.pair.accessToken)).send({ name: 'Ann & Co' }).expect(200);
    const account = (n: Notice) => inView('account-list')(n) && n.id === ann.accountId;
    await noticeOf(annSocket, account, froms[0]);
    await noticeOf(tomSocket, account, froms[1]);
    await noticeOf(operatorSocket, account);
    await settle(bobSocket);
    expect(notices(bobSocket, froms[2])).toEqual([]);

    // And the other way round: Bob's computer reaches Bob and the operator, nobody of account A.
    const aFroms = [annSocket, tomSocket].map((c) => c.messages.length);
    const bobs = (await enrollWithPassword(app.url, bob.email, STRONG_PASSWORD, undefined, 'Bob PC')).computerId;
    await noticeOf(bobSocket, (n) => n.id === bobs);
    await noticeOf(operatorSocket, (n) => n.id === bobs);
    await Promise.all([settle(annSocket), settle(tomSocket)]);
    expect(notices(annSocket, aFroms[0]).filter((n) => n.id === bobs)).toEqual([]);
    expect(notices(tomSocket, aFroms[1])).toEqual([]);
  });

  it('tells a computer to a technician while it is shared with them, and once more when the share ends, then no longer', async () => {
    const computer = (n: Notice) => inView('computer-list')(n) && n.id === computerId;
    const owner = bearer(ann.pair.accessToken);
    let from = tomSocket.messages.length;
    await request(app.url).post(`/api/computers/${computerId}/shares`).set(owner).send({ user: tom.email }).expect(201);
    await noticeOf(tomSocket, computer, from);

    // Unsharing narrows the audience: Tom could see it before, so he hears that it changed (his list drops it).
    from = tomSocket.messages.length;
    await request(app.url).delete(`/api/computers/${computerId}/shares/${tom.userId}`).set(owner).expect(200);
    await noticeOf(tomSocket, computer, from);

    from = tomSocket.messages.length;
    const annFrom = annSocket.messages.length;
    await request(app.url).patch(`/api/computers/${computerId}`).set(owner).send({ name: 'Front desk' }).expect(200);
    await noticeOf(annSocket, computer, annFrom);
    await settle(tomSocket);
    expect(notices(tomSocket, from).filter(computer)).toEqual([]);
  });

  it('tells a computer visible to everyone to the whole account, and its removal to those who saw it', async () => {
    const computer = (n: Notice) => inView('computer-list')(n) && n.id === computerId;
    const owner = bearer(ann.pair.accessToken);
    let from = tomSocket.messages.length;
    await request(app.url).put(`/api/computers/${computerId}/visibility`).set(owner).send({ visibility: 'everyone' }).expect(200);
    await noticeOf(tomSocket, computer, from);

    from = tomSocket.messages.length;
    const bobFrom = bobSocket.messages.length;
    await request(app.url).delete(`/api/computers/${computerId}`).set(owner).expect(200);
    // The document is gone, so nothing says who may see it: Tom hears of it because the gateway
    // remembered that he could. Bob never does.
    const removed = await noticeOf(tomSocket, (n) => computer(n) && n.deleted, from);
    await noticeOf(operatorSocket, (n) => computer(n) && n.deleted && n.position === removed.position);
    await settle(bobSocket);
    expect(notices(bobSocket, bobFrom)).toEqual([]);
  });

  it('refuses a generated-password token and ends a socket whose session is signed out, live', async () => {
    const generated = await register(app, 'new.notices@example.com');
    const early = await login(app, 'new.notices@example.com', generated);
    expect(early.mustChangePassword).toBe(true);
    expect((await hello(early.accessToken)).reply).toMatchObject({ event: 'error', data: { code: 'PASSWORD_CHANGE_REQUIRED' } });
    expect((await hello('not-a-token-not-a-token-not-a-token')).reply).toMatchObject({ event: 'error', data: { code: 'TOKEN_INVALID' } });

    // A second session of Ann's, on its own socket.
    const second = await login(app, ann.email, STRONG_PASSWORD);
    const socket = await signedInSocket(second.accessToken);
    const from = socket.messages.length;
    await request(app.url).post('/api/auth/logout').set(bearer(second.accessToken)).expect(204);
    expect((await errorOf(socket, from)).data.code).toBe('SESSION_REVOKED');

    // It is anonymous now: a change in Ann's account reaches her other socket, not this one.
    const annFrom = annSocket.messages.length;
    const after = socket.messages.length;
    await request(app.url).patch(`/api/accounts/${ann.accountId}`).set(bearer(ann.pair.accessToken)).send({ name: 'Ann & Partners' }).expect(200);
    await noticeOf(annSocket, inView('account-list'), annFrom);
    await settle(socket);
    expect(notices(socket, after)).toEqual([]);

    // A hello with the signed-out token is refused with the reason, and the socket stays anonymous.
    const { client, reply } = await hello(second.accessToken);
    expect(reply).toMatchObject({ event: 'error', data: { code: 'SESSION_REVOKED' } });
    client.send({ event: 'subscribe', data: { topics: ['read-models'] } });
    expect((await errorOf(client, 1)).data.code).toBe('FORBIDDEN_TOPIC');
  });

  it('refuses an expired token in hello; a signed-in socket lapses at expiry and a fresh token after refresh resumes it', async () => {
    clock.advance(16 * 60_000);
    const { client, reply } = await hello(ann.pair.accessToken);
    expect(reply).toMatchObject({ event: 'error', data: { code: 'TOKEN_EXPIRED' } });
    client.send({ event: 'hello', data: { protocol: CONSOLE_PROTOCOL_VERSION } });
    expect(await waitFor(client, (ms) => ms.find((m) => m.event === 'welcome'), 'welcome', 1)).toMatchObject({ data: { principal: null } });

    // Ann's open socket hears of the expiry at the next change in her account instead of the notice.
    let from = annSocket.messages.length;
    const operatorFrom = operatorSocket.messages.length;
    await request(app.url).patch(`/api/accounts/${ann.accountId}`).set(app.auth).send({ name: 'Ann Expired' }).expect(200);
    expect((await errorOf(annSocket, from)).data.code).toBe('TOKEN_EXPIRED');
    // The operator's socket has no token to expire: it still hears everything.
    await noticeOf(operatorSocket, (n) => inView('account-list')(n) && n.id === ann.accountId, operatorFrom);
    await settle(annSocket);
    expect(notices(annSocket, from)).toEqual([]);

    // Refresh, say hello again with the new token: notices resume without subscribing again.
    const refreshed = await request(app.url).post('/api/auth/refresh').send({ refreshToken: ann.pair.refreshToken }).expect(200);
    ann.pair = refreshed.body as Pair;
    from = annSocket.messages.length;
    annSocket.send({ event: 'hello', data: { protocol: CONSOLE_PROTOCOL_VERSION, token: ann.pair.accessToken } });
    expect(await waitFor(annSocket, (ms) => ms.find((m) => m.event === 'welcome'), 'welcome', from)).toMatchObject({ data: { principal: 'user' } });
    from = annSocket.messages.length;
    await request(app.url).patch(`/api/accounts/${ann.accountId}`).set(bearer(ann.pair.accessToken)).send({ name: 'Ann Again' }).expect(200);
    await noticeOf(annSocket, (n) => inView('account-list')(n) && n.id === ann.accountId, from);
  });
});
