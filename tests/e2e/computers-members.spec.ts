import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { EnrollResponse } from '../../application/contracts/agent.protocol';
import type { ComputerListResponse } from '../../application/contracts/computers-live.contracts';
import { addMember } from './account-member';
import { bearer, signedUp, STRONG_PASSWORD, type Pair } from './auth-kit';
import { enrollWithPassword, LINUX_FACTS } from './agent-kit';
import { startApp, type E2eApp } from './e2e-app';

/** Two users of ONE account over HTTP: what visibility and sharing let a technician see and do. */
describe('Computers between users of one account', () => {
  let app: E2eApp;
  let owner: Pair;
  let ownerEmail: string;
  let tech: Pair;
  let techEmail: string;
  let enrolled: EnrollResponse;

  const head = () => app.infra.eventStore.headPosition();
  const as = (pair: Pair) => ({
    get: (url: string) => request(app.url).get(url).set(bearer(pair.accessToken)),
    patch: (url: string, body: object) => request(app.url).patch(url).set(bearer(pair.accessToken)).send(body),
    put: (url: string, body: object) => request(app.url).put(url).set(bearer(pair.accessToken)).send(body),
    post: (url: string, body: object) => request(app.url).post(url).set(bearer(pair.accessToken)).send(body),
    delete: (url: string) => request(app.url).delete(url).set(bearer(pair.accessToken)),
  });
  const computer = () => `/api/computers/${enrolled.computerId}`;
  const listedFor = async (pair: Pair): Promise<string[]> =>
    ((await as(pair).get(`/api/computers?minPosition=${await head()}`).expect(200)).body as ComputerListResponse).items.map((c) => c.id);

  beforeAll(async () => {
    app = await startApp();
    ownerEmail = `owner-${randomUUID().slice(0, 8)}@example.com`;
    const signed = await signedUp(app, ownerEmail);
    owner = signed.pair;
    techEmail = `tech-${randomUUID().slice(0, 8)}@example.com`;
    ({ pair: tech } = await addMember(app, signed.me.accountId, signed.me.id, techEmail, 'technician'));
    enrolled = await enrollWithPassword(app.url, ownerEmail, STRONG_PASSWORD, LINUX_FACTS, 'Owner PC');
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('hides an owner-only computer from a colleague, who can change nothing of it', async () => {
    expect(await listedFor(tech)).toEqual([]);
    const before = await head();
    expect((await as(tech).get(computer())).status).toBe(404);
    const rename = await as(tech).patch(computer(), { name: 'Taken' });
    expect([rename.status, rename.body.code]).toEqual([404, 'COMPUTER_NOT_FOUND']);
    expect(await head()).toBe(before);
  });

  it('shows it to everyone once visible to all, but only its owner may rename it or change its visibility', async () => {
    await as(owner).put(`${computer()}/visibility`, { visibility: 'everyone' }).expect(200);
    expect(await listedFor(tech)).toEqual([enrolled.computerId]);
    const before = await head();
    const rename = await as(tech).patch(computer(), { name: 'Taken' });
    expect([rename.status, rename.body.code]).toEqual([403, 'COMPUTER_FORBIDDEN']);
    const visibility = await as(tech).put(`${computer()}/visibility`, { visibility: 'owner' });
    expect([visibility.status, visibility.body.code]).toEqual([422, 'COMPUTER_VISIBILITY_OWNER_ONLY']);
    const remove = await as(tech).delete(computer());
    expect([remove.status, remove.body.code]).toEqual([403, 'COMPUTER_FORBIDDEN']);
    expect(await head()).toBe(before);
  });

  it('lets a colleague it is shared with rename it, still not change its visibility; a revoke takes that back', async () => {
    await as(owner).put(`${computer()}/visibility`, { visibility: 'owner' }).expect(200);
    await as(owner).post(`${computer()}/shares`, { user: techEmail }).expect(201);
    expect(await listedFor(tech)).toEqual([enrolled.computerId]);
    await as(tech).patch(computer(), { name: 'Shared PC' }).expect(200);
    const before = await head();
    const visibility = await as(tech).put(`${computer()}/visibility`, { visibility: 'everyone' });
    expect([visibility.status, visibility.body.code]).toEqual([422, 'COMPUTER_VISIBILITY_OWNER_ONLY']);
    expect(await head()).toBe(before);
    const me = (await as(tech).get('/api/me').expect(200)).body as { id: string };
    await as(owner).delete(`${computer()}/shares/${me.id}`).expect(200);
    expect(await listedFor(tech)).toEqual([]);
    expect((await as(tech).patch(computer(), { name: 'Again' })).status).toBe(404);
  });
});
