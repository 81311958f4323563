import request from 'supertest';
import { CONSOLE_MAX_MESSAGE_BYTES, CONSOLE_PROTOCOL_VERSION } from '../../application/contracts/console.messages';
import { collectionName } from '../../read-models/projection';
import { ALL_PROJECTIONS } from '../../read-models';
import { ACCOUNT_LIST, accountListProjection } from '../../read-models/account-list/account-list.projection';

const ACCOUNTS = collectionName(ACCOUNT_LIST, accountListProjection.version);
import { ConsoleClient, TEST_TOKEN, startApp, type E2eApp } from './e2e-app';

describe('console WebSocket', () => {
  let app: E2eApp;
  const clients: ConsoleClient[] = [];
  const connect = async () => {
    const client = await ConsoleClient.connect(app.url);
    clients.push(client);
    return client;
  };
  const operator = async () => {
    const client = await connect();
    client.send({ event: 'hello', data: { protocol: CONSOLE_PROTOCOL_VERSION, token: TEST_TOKEN } });
    expect((await client.next('welcome')).data).toEqual({ protocol: CONSOLE_PROTOCOL_VERSION, principal: 'operator' });
    return client;
  };

  beforeAll(async () => {
    app = await startApp();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await app.stop();
  });

  it('sends the health to a health subscriber, anonymous or not', async () => {
    const client = await connect();
    client.send({ event: 'subscribe', data: { topics: ['health'] } });
    const health = await client.next('health');
    expect(health.data).toMatchObject({ status: 'ok', eventStore: { status: 'up' }, readStore: { status: 'up' } });
    expect(health.data.projections.map((p) => p.name)).toEqual(ALL_PROJECTIONS.map((p) => p.name));
  });

  it('pushes the health again when it changes', async () => {
    const client = await connect();
    client.send({ event: 'subscribe', data: { topics: ['health'] } });
    const first = await client.next('health');
    const { body } = await request(app.url).post('/api/accounts').set(app.auth).send({ name: 'Moves the head', kind: 'msp' }).expect(201);
    const deadline = Date.now() + 5000;
    let latest = first;
    while (latest.data.eventStore.head !== body.position && Date.now() < deadline) {
      const from = client.messages.indexOf(latest) + 1;
      latest = await client.next('health', { from, timeoutMs: Math.max(1, deadline - Date.now()) });
    }
    expect(latest.data.eventStore.head).toBe(body.position);
    expect(first.data.eventStore.head).not.toBe(body.position);
  });

  it('pushes readModelUpdated to operator sockets only', async () => {
    const op = await operator();
    op.send({ event: 'subscribe', data: { topics: ['read-models'] } });
    const anonymous = await connect();
    anonymous.send({ event: 'subscribe', data: { topics: ['health', 'read-models'] } });
    expect((await anonymous.next('error')).data.code).toBe('FORBIDDEN_TOPIC');
    // Subscriptions are all or nothing: the refused request did not subscribe health either.
    anonymous.send({ event: 'subscribe', data: { topics: ['health'] } });
    await anonymous.next('health');

    const { body } = await request(app.url).post('/api/accounts').set(app.auth).send({ name: 'Live', kind: 'msp' }).expect(201);
    // Other projections (the audit log) change documents for the same event; take the account list's notice.
    let notice = await op.next('readModelUpdated');
    while (notice.data.collection !== ACCOUNTS) notice = await op.next('readModelUpdated', { from: op.messages.indexOf(notice) + 1 });
    expect(notice.data).toEqual({ collection: ACCOUNTS, id: body.id, position: body.position, deleted: false });

    // The anonymous socket got its health, and a message sent after the notice still arrives
    // before we look, so a notice for it would have been seen.
    const seen = anonymous.messages.length;
    anonymous.send('not json');
    await anonymous.next('error', { from: seen });
    expect(anonymous.messages.filter((m) => m.event === 'readModelUpdated')).toEqual([]);
  });

  it('answers malformed, oversized and binary messages with an error code and stays usable', async () => {
    const client = await connect();
    client.send('{"event": "subscribe"');
    expect((await client.next('error')).data.code).toBe('MALFORMED_MESSAGE');
    let from = client.messages.length;
    client.send({ event: 'subscribe', data: { topics: ['everything'] } });
    expect((await client.next('error', { from })).data.code).toBe('MALFORMED_MESSAGE');
    from = client.messages.length;
    client.send({ event: 'hello', data: { protocol: 1, token: 'x'.repeat(CONSOLE_MAX_MESSAGE_BYTES) } });
    expect((await client.next('error', { from })).data.code).toBe('MESSAGE_TOO_LARGE');
    from = client.messages.length;
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await client.next('error', { from })).data.code).toBe('BINARY_NOT_SUPPORTED');
    from = client.messages.length;
    client.send({ event: 'hello', data: { protocol: 99 } });
    expect((await client.next('error', { from })).data.code).toBe('PROTOCOL_UNSUPPORTED');
    from = client.messages.length;
    client.send({ event: 'hello', data: { protocol: CONSOLE_PROTOCOL_VERSION, token: 'wrong-token-wrong-token-wrong' } });
    expect((await client.next('error', { from })).data.code).toBe('TOKEN_INVALID');
    // None of that changed who the socket is.
    from = client.messages.length;
    client.send({ event: 'hello', data: { protocol: CONSOLE_PROTOCOL_VERSION } });
    expect((await client.next('welcome', { from })).data.principal).toBeNull();
  });
});
