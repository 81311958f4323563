import { MemoryReadStore } from '../../adapters/readstore-memory/memory-read-store.adapter';
import { ListComputersHandler, ListComputersQuery } from '../../application/computer/list-computers.query';
import type { ComputerListPage } from '../../application/contracts/computers.contracts';
import type { EventMetadata } from '../../application/ports/event-store.port';
import type { ReadModelAccess } from '../../application/ports/read-model-access.port';
import type { Doc } from '../../application/ports/read-store.port';
import type { Principal } from '../../domain/shared/event';
import { COMPUTER_GROUPS } from '../../read-models/computer-groups/computer-groups.projection';
import { COMPUTER_LIST, computerListProjection } from '../../read-models/computer-list/computer-list.projection';
import type { ComputerDoc } from '../../read-models/computer-list/computer-list.view';
import { collectionName, type ProjectedEvent } from '../../read-models/projection';
import { type BenchOptions, type Benchmark, type OutputSpec, now, percentile, result, yieldToLoop } from './bench-harness';

const RATE: OutputSpec = {
  name: 'computer-list',
  unit: 'pages/s',
  goal: { on: 'ratio', op: '>=', target: 0.1 },
  measures:
    'value: 1000 / p95 ms of ListComputersQuery (a technician\'s visible computers, favourites first, grouped by status, sorted by name, ' +
    'first page of 50) over 100,000 computers of one account in the MemoryReadStore with the projection\'s indexes; ' +
    'baseline: 1000 / p95 ms of hand-written JavaScript computing the same page (filter, sort, slice) over the same array',
};
const P95: OutputSpec = {
  name: 'computer-list-p95',
  unit: 'ms',
  goal: { on: 'value', op: '<=', target: 50, unit: 'ms' },
  measures: 'value: p95 ms of the same first-page query; baseline: p95 ms of the hand-written JavaScript',
};
const PAGE20: OutputSpec = {
  name: 'computer-list-page20',
  unit: 'ms',
  goal: { on: 'ratio', op: '<=', target: 1.5 },
  measures: 'value: p95 ms of page 20 (reached by following nextCursor); baseline: p95 ms of page 1, measured alternately in the same run',
};

function sizes(options: BenchOptions) {
  return { computers: options.quick ? 20_000 : 100_000, users: 20, groups: 50, pageSize: 50, rounds: options.quick ? 20 : 60 };
}

/** A small deterministic generator: the same fleet every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const TENANT = 'bench-account';
const WORDS = ['alpha', 'bravo', 'Charlie', 'delta', 'Écho', 'foxtrot', 'golf', 'hotel', 'India', 'juliet', 'kilo', 'lima', 'Mike', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango', 'victor', 'whiskey', 'x-ray', 'yankee', 'zulu', '42'];
const CITIES = ['Paris', 'Lyon', 'Montréal', 'Berlin', 'Madrid', null];

/** The fleet, built by the real projection from the events a fleet like it would have written. */
function fleet(s: ReturnType<typeof sizes>): ComputerDoc[] {
  const rnd = random(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const docs: ComputerDoc[] = [];
  let position = 0;
  const at = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
  for (let i = 0; i < s.computers; i++) {
    const computerId = `c${String(i).padStart(6, '0')}`;
    const event = (type: string, data: Record<string, unknown>): ProjectedEvent => {
      position += 1;
      const metadata = { tenantId: TENANT, occurredAt: at(i) } as EventMetadata;
      return { type, data: { computerId, ...data }, metadata, stream: `computer-${computerId}`, revision: 0, position: String(position) };
    };
    const roll = rnd();
    const events: ProjectedEvent[] = [
      event('ComputerEnrolled', {
        accountId: TENANT,
        ownerUserId: `u${Math.floor(rnd() * s.users)}`,
        method: 'enrollment-token',
        agentKeyHash: 'a'.repeat(64),
        name: `${pick(WORDS)}-${pick(WORDS)}-${i}`,
        facts: { os: { platform: pick(['linux', 'darwin', 'win32'] as const), release: '1', arch: 'x64' }, hostname: `h${i}`, agentVersion: '1.0.0', loggedInUser: null, installed: roll > 0.05 },
        planStatus: roll < 0.02 ? 'disabled' : roll < 0.05 ? 'limited' : 'ok',
        ...(roll >= 0.02 && roll < 0.05 ? { limitedUntil: '2030-01-01T00:00:00.000Z' } : {}),
        enrolledAt: at(i),
      }),
    ];
    if (rnd() < 0.6) events.push(event('ComputerVisibilityChanged', { visibility: 'everyone', changedAt: at(i) }));
    if (rnd() < 0.8) events.push(event('ComputerMovedToGroup', { groupId: `g${Math.floor(rnd() * s.groups)}`, movedAt: at(i) }));
    if (rnd() < 0.05) events.push(event('ComputerShared', { userId: `u${Math.floor(rnd() * s.users)}`, sharedBy: 'u0', sharedAt: at(i) }));
    if (rnd() < 0.004) events.push(event('ComputerFavourited', { userId: `u${Math.floor(rnd() * s.users)}`, favouritedAt: at(i) }));
    if (rnd() < 0.7) {
      const city = pick(CITIES);
      events.push(event('ComputerWentOnline', { ip: `10.${i % 256}.${(i >> 8) % 256}.1`, city, country: city ? 'FR' : null, wentOnlineAt: at(i + 1) }));
      if (rnd() < 0.5) events.push(event('ComputerWentOffline', { reason: 'missed-heartbeats', wentOfflineAt: at(i + 2) }));
    }
    const doc = events.reduce<ComputerDoc | null>((d, e) => computerListProjection.evolve(d, e), null);
    if (doc) docs.push({ ...doc, _pos: String(position) });
  }
  return docs;
}

/** The same page in plain JavaScript: visible to the viewer, favourites apart, by status then name then id. */
function handWritten(docs: readonly ComputerDoc[], viewer: string, pageSize: number): { favourites: string[]; items: string[] } {
  const visible = docs.filter((d) => d.ownerUserId === viewer || d.visibility === 'everyone' || d.sharedWith.includes(viewer));
  const byName = (a: ComputerDoc, b: ComputerDoc) => (a.nameLower < b.nameLower ? -1 : a.nameLower > b.nameLower ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const favourites = visible.filter((d) => d.favouriteOf.includes(viewer)).sort(byName).slice(0, 100);
  const items = visible
    .filter((d) => !d.favouriteOf.includes(viewer))
    .sort((a, b) => a.statusRank - b.statusRank || byName(a, b))
    .slice(0, pageSize);
  return { favourites: favourites.map((d) => d.id), items: items.map((d) => d.id) };
}

const ids = (page: ComputerListPage) => ({ favourites: page.favourites.map((i) => i.id), items: page.items.map((i) => i.id) });

async function run(options: BenchOptions) {
  const s = sizes(options);
  const started = now();
  const docs = fleet(s);
  const store = new MemoryReadStore();
  const listCollection = collectionName(COMPUTER_LIST, computerListProjection.version);
  const groupsCollection = collectionName(COMPUTER_GROUPS, 1);
  await store.ensureIndexes(listCollection, computerListProjection.indexes ?? []);
  await store.bulkWrite(listCollection, docs.map((doc) => ({ kind: 'upsert', doc: doc as unknown as Doc })));
  const groups = Array.from({ length: s.groups }, (_, g) => ({ id: `g${g}`, name: `Site ${g}`, parentId: g >= 10 ? `g${g % 10}` : null }));
  await store.forTenant(TENANT).collection(groupsCollection).upsert({ id: TENANT, groups, updatedAt: '2025-01-01T00:00:00.000Z' });
  options.log(`  ${docs.length.toLocaleString('en-US')} computers generated through the projection in ${((now() - started) / 1000).toFixed(1)} s`);

  const access: ReadModelAccess = { activeCollection: (name) => collectionName(name, 1), waitFor: async () => undefined };
  const handler = new ListComputersHandler(store, access, { now: () => '2026-01-01T00:00:00.000Z' });
  const viewer = (i: number): Principal => ({ kind: 'user', id: `u${i % s.users}`, tenantId: TENANT, role: 'technician' });
  const query = (i: number, cursor?: string) => handler.execute(new ListComputersQuery(viewer(i), { groupBy: 'status', sort: 'name', limit: s.pageSize, ...(cursor ? { cursor } : {}) }));

  // Warm-up (builds the indexes the query walks) and a check that both sides compute the same page.
  const warm = now();
  for (let i = 0; i < s.users; i++) {
    const ours = ids(await query(i));
    const theirs = handWritten(docs, `u${i}`, s.pageSize);
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) throw new Error(`ListComputers and the hand-written page differ for u${i}`);
  }
  options.log(`  warm-up and check: ${((now() - warm) / 1000).toFixed(1)} s`);

  const oursMs: number[] = [];
  const jsMs: number[] = [];
  for (let round = 0; round < s.rounds; round++) {
    let t = now();
    await query(round);
    oursMs.push(now() - t);
    await yieldToLoop();
    t = now();
    handWritten(docs, `u${round % s.users}`, s.pageSize);
    jsMs.push(now() - t);
    await yieldToLoop();
  }

  let cursor: string | undefined;
  for (let page = 1; page < 20; page++) {
    const next = (await query(0, cursor)).nextCursor;
    if (!next) throw new Error(`the list ended before page 20 (page ${page})`);
    cursor = next;
  }
  const page1Ms: number[] = [];
  const page20Ms: number[] = [];
  for (let round = 0; round < s.rounds; round++) {
    let t = now();
    await query(0);
    page1Ms.push(now() - t);
    t = now();
    await query(0, cursor);
    page20Ms.push(now() - t);
    await yieldToLoop();
  }

  const fixed = (x: number) => Math.round(x * 100) / 100;
  const oursP95 = percentile(oursMs, 95);
  const jsP95 = percentile(jsMs, 95);
  const p1 = percentile(page1Ms, 95);
  const p20 = percentile(page20Ms, 95);
  options.log(`  ours p50 ${fixed(percentile(oursMs, 50))} ms, p95 ${fixed(oursP95)} ms; hand-written p50 ${fixed(percentile(jsMs, 50))} ms, p95 ${fixed(jsP95)} ms`);
  options.log(`  page 1 p95 ${fixed(p1)} ms, page 20 p95 ${fixed(p20)} ms`);
  const details = {
    ...s,
    oursP50Ms: fixed(percentile(oursMs, 50)),
    oursP95Ms: fixed(oursP95),
    handWrittenP50Ms: fixed(percentile(jsMs, 50)),
    handWrittenP95Ms: fixed(jsP95),
    page1P95Ms: fixed(p1),
    page20P95Ms: fixed(p20),
    query: 'technician viewer, groupBy status, sort name asc, limit 50, favourites first',
  };
  return [
    result(RATE, { value: 1000 / oursP95, baseline: 1000 / jsP95, details }),
    result(P95, { value: oursP95, baseline: jsP95, details }),
    result(PAGE20, { value: p20, baseline: p1, details }),
  ];
}

export const computerList: Benchmark = { name: 'computer-list', outputs: () => [RATE, P95, PAGE20], sizes, run };
