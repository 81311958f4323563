import * as http from 'node:http';
import { QueryBus } from '@nestjs/cqrs';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { ListAuditEntriesQuery } from '../../application/audit/list-audit-entries.query';
import type { Actor } from '../../domain/shared/event';
import type { NewEvent } from '../../application/ports/event-store.port';
import { AUDIT_LOG } from '../../read-models/audit-log/audit-log.projection';
import { startApp, type E2eApp } from './e2e-app';

const PROBLEM = /^application\/problem\+json/;

interface Entry {
  readonly id: string;
  readonly tenantId: string;
  readonly at: string;
  readonly actor: Actor;
  readonly type: string;
  readonly aggregate: string;
  readonly ip: string | null;
  readonly summary: string;
  readonly posKey: string;
}

describe('audit log over HTTP', () => {
  let app: E2eApp;
  let sequence = 0;

  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  async function register(name: string): Promise<{ id: string; position: string }> {
    const res = await request(app.url).post('/api/accounts').set(app.auth).send({ name, kind: 'msp' }).expect(201);
    return res.body as { id: string; position: string };
  }

  async function rename(id: string, name: string): Promise<string> {
    const res = await request(app.url).patch(`/api/accounts/${id}`).set(app.auth).send({ name }).expect(200);
    return (res.body as { position: string }).position;
  }

  /** Events appended straight to the store, as other parts of the product (users, sign-in) will. */
  async function appendDirect(stream: string, expected: number | 'no_stream', tenantId: string, events: readonly { type: string; data: Record<string, unknown>; actor?: Actor }[]) {
    const batch: NewEvent[] = events.map(({ type, data, actor }) => {
      sequence += 1;
      return {
        type,
        data,
        metadata: {
          eventId: `e2e-audit-${sequence}-${tenantId}`,
          schemaVersion: 1,
          tenantId,
          actor: actor ?? { kind: 'system', id: 'e2e' },
          correlationId: `corr-${sequence}`,
          causationId: `corr-${sequence}`,
          occurredAt: app.infra.clock.now(),
          source: { channel: 'http', ip: '198.51.100.23' },
        },
      };
    });
    return app.infra.eventStore.appendToStream(stream, batch, expected);
  }

  const audit = (query: Record<string, string | number>) => request(app.url).get('/api/audit').query(query).set(app.auth);

  async function listAll(query: Record<string, string | number>): Promise<Entry[]> {
    const entries: Entry[] = [];
    let before: string | undefined;
    for (;;) {
      const res = await audit({ ...query, ...(before ? { before } : {}) }).expect(200);
      entries.push(...(res.body.entries as Entry[]));
      if (!res.body.nextCursor) return entries;
      before = res.body.nextCursor as string;
    }
  }

  describe('one account', () => {
    let tenant: string;
    let head: string;

    beforeAll(async () => {
      const account = await register('Acme');
      tenant = account.id;
      await rename(tenant, 'Acme IT');
      await rename(tenant, 'Acme Group');
      // Types no summary knows (the generic one applies), by other actors, on another aggregate.
      const appended = await appendDirect(`computer-c-${tenant}`, 'no_stream', tenant, [
        { type: 'ComputerTestNoted', data: { computerId: `c-${tenant}`, note: 'hello' }, actor: { kind: 'user', id: 'alice' } },
        { type: 'ComputerTestKeySet', data: { computerId: `c-${tenant}`, keyHash: '$argon2id$v=19$m=65536$c2VjcmV0' }, actor: { kind: 'user', id: '@alice' } },
      ]);
      head = appended.position;
    });

    it('lists what happened, newest first, with who, where and a readable summary', async () => {
      const res = await audit({ tenant, minPosition: head }).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const entries = res.body.entries as Entry[];
      expect(entries.map((e) => e.summary)).toEqual([
        'Computer test key set (computerId, keyHash)',
        'Computer test noted (computerId, note)',
        'Account renamed to "Acme Group"',
        'Account renamed to "Acme IT"',
        'MSP account "Acme" registered',
      ]);
      expect(JSON.stringify(res.body)).not.toMatch(/argon2|c2VjcmV0/);
      expect(entries[2]).toMatchObject({ tenantId: tenant, type: 'AccountRenamed', aggregate: `account-${tenant}`, actor: { kind: 'system', id: 'operator' } });
      expect(entries[2].ip).toEqual(expect.any(String));
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.entries[0]._pos).toBeUndefined();
    });

    it('filters by type(s), actor, aggregate and period', async () => {
      const summaries = async (query: Record<string, string>) => (await listAll({ tenant, minPosition: head, ...query })).map((e) => e.type);
      expect(await summaries({ type: 'AccountRenamed' })).toEqual(['AccountRenamed', 'AccountRenamed']);
      expect(await summaries({ type: 'AccountRegistered,ComputerTestNoted' })).toEqual(['ComputerTestNoted', 'AccountRegistered']);
      const repeated = await request(app.url).get(`/api/audit?tenant=${tenant}&type=AccountRegistered&type=ComputerTestKeySet`).set(app.auth).expect(200);
      expect((repeated.body.entries as Entry[]).map((e) => e.type)).toEqual(['ComputerTestKeySet', 'AccountRegistered']);
      expect(await summaries({ actor: 'alice' })).toEqual(['ComputerTestNoted']);
      expect(await summaries({ actor: 'operator' })).toEqual(['AccountRenamed', 'AccountRenamed', 'AccountRegistered']);
      expect(await summaries({ aggregate: 'computer' })).toEqual(['ComputerTestKeySet', 'ComputerTestNoted']);
      expect(await summaries({ aggregate: `account-${tenant}`, type: 'AccountRegistered' })).toEqual(['AccountRegistered']);
      expect(await summaries({ aggregate: 'account-someone-else' })).toEqual([]);
      const today = app.infra.clock.now().slice(0, 10);
      expect(await summaries({ from: today })).toHaveLength(5);
      expect(await summaries({ to: today })).toEqual([]);
      expect(await summaries({ from: '2999-01-01T00:00:00Z' })).toEqual([]);
    });

    it('exports the filtered set as CSV, formulas defused', async () => {
      const res = await request(app.url).get('/api/audit.csv').query({ tenant, minPosition: head, aggregate: 'computer' }).set(app.auth).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="audit-${tenant}-${app.infra.clock.now().slice(0, 10)}.csv"`);
      const rows = parse(res.text, { bom: true }) as string[][];
      const json = await listAll({ tenant, aggregate: 'computer' });
      expect(rows).toEqual([
        ['at', 'actor kind', 'actor id', 'type', 'aggregate', 'ip', 'summary'],
        ...json.map((e) => [e.at, e.actor.kind, e.actor.id === '@alice' ? "'@alice" : e.actor.id, e.type, e.aggregate, e.ip ?? '', e.summary]),
      ]);
      expect(rows[1][2]).toBe("'@alice");
    });

    it('answers a refused CSV export with a problem, not a file', async () => {
      const res = await request(app.url).get('/api/audit.csv').query({ tenant, limit: 5 }).set(app.auth).expect(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.headers['content-disposition']).toBeUndefined();
    });
  });

  it('pages by cursor, and new events never shift the pages that follow', async () => {
    const { id: tenant } = await register('Pager 0');
    let position = '';
    for (let i = 1; i <= 9; i++) position = await rename(tenant, `Pager ${i}`);
    const reference = (await listAll({ tenant, minPosition: position, limit: 200 })).map((e) => e.summary);
    expect(reference).toHaveLength(10);

    const pages: string[][] = [];
    let res = await audit({ tenant, limit: 4 }).expect(200);
    pages.push((res.body.entries as Entry[]).map((e) => e.summary));
    while (res.body.nextCursor) {
      await rename(tenant, `Late ${pages.length}`);
      res = await audit({ tenant, limit: 4, before: res.body.nextCursor as string }).expect(200);
      pages.push((res.body.entries as Entry[]).map((e) => e.summary));
    }
    expect(pages.map((p) => p.length)).toEqual([4, 4, 2]);
    expect(pages.flat()).toEqual(reference);
  });

  it("keeps every tenant's log to itself", async () => {
    const a = await register('Tenant A');
    const b = await register('Tenant B');
    const position = await rename(a.id, 'Tenant A renamed');
    const seenByB = await audit({ tenant: b.id, minPosition: position }).expect(200);
    expect((seenByB.body.entries as Entry[]).map((e) => [e.tenantId, e.summary])).toEqual([[b.id, 'MSP account "Tenant B" registered']]);
    const withA = await audit({ tenant: b.id, aggregate: `account-${a.id}` }).expect(200);
    expect(withA.body.entries).toEqual([]);
  });

  it('refuses unknown parameters, bad dates, cursors and limits with 400 problems, and strangers with 401', async () => {
    const { id: tenant } = await register('Strict');
    const bad: Record<string, string>[] = [
      { foo: '1' },
      { limit: '0' },
      { limit: '201' },
      { limit: 'ten' },
      { from: 'yesterday' },
      { from: '2026-02-30' },
      { to: '2026-11-21T10:00' },
      { from: '2026-11-22', to: '2026-11-21' },
      { before: '42' },
      { type: 'Account Renamed' },
      { aggregate: 'ACCOUNT' },
      { minPosition: 'soon' },
    ];
    for (const query of bad) {
      const res = await audit({ tenant, ...query });
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toMatch(/^(VALIDATION_FAILED|INVALID_[A-Z]+)$/);
    }
    const noTenant = await request(app.url).get('/api/audit').set(app.auth).expect(400);
    expect(noTenant.body.errors).toEqual(['tenant: required for the operator, an account id']);
    const anonymous = await request(app.url).get('/api/audit').query({ tenant }).expect(401);
    expect(anonymous.body.code).toBe('UNAUTHORIZED');
    await request(app.url).get('/api/audit.csv').query({ tenant }).set('Authorization', 'Bearer wrong').expect(401);
  });

  it('describes both routes in the OpenAPI document', async () => {
    const res = await request(app.url).get('/api/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/audit', '/api/audit.csv']));
  });

  it('streams 5,000 events as CSV in several chunks, reading the log page by page', async () => {
    const { id: tenant } = await register('Busy 0');
    let revision = 0;
    let head = '';
    for (let batch = 0; batch < 10; batch++) {
      const count = batch === 9 ? 499 : 500;
      const events = Array.from({ length: count }, (_, i) => {
        const n = batch * 500 + i + 1;
        return { type: 'AccountRenamed', data: { accountId: tenant, name: `Busy ${n}`, renamedAt: app.infra.clock.now() } };
      });
      const result = await appendDirect(`account-${tenant}`, revision, tenant, events);
      revision = result.revision;
      head = result.position;
    }
    await app.infra.runner.waitFor(AUDIT_LOG, head, 20_000);

    const queries = app.app.get(QueryBus);
    const execute = jest.spyOn(queries, 'execute');
    try {
      const { chunks, body, headers } = await download(`${app.url}/api/audit.csv?tenant=${tenant}`, app.auth.Authorization);
      expect(headers['content-type']).toMatch(/^text\/csv/);
      expect(headers['transfer-encoding']).toBe('chunked');
      expect(chunks).toBeGreaterThan(1);
      const rows = parse(body, { bom: true }) as string[][];
      expect(rows).toHaveLength(1 + 5000);
      expect(rows[1][6]).toBe('Account renamed to "Busy 4999"');
      expect(rows[5000][6]).toBe('MSP account "Busy 0" registered');
      const pages = execute.mock.calls.filter(([query]) => query instanceof ListAuditEntriesQuery);
      expect(pages).toHaveLength(25);
      expect(pages.every(([query]) => (query as ListAuditEntriesQuery).page.limit === 200)).toBe(true);
    } finally {
      execute.mockRestore();
    }
  });
});

/** A GET read as the raw stream, counting the chunks as they arrive. */
function download(url: string, authorization: string): Promise<{ chunks: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Authorization: authorization } }, (res) => {
      let chunks = 0;
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        chunks += 1;
        parts.push(chunk);
      });
      res.on('end', () => resolve({ chunks, body: Buffer.concat(parts).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}
