import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import type { AuditPage } from '../../../application/audit/list-audit-entries.query';
import type { AuditEntryView } from '../../../read-models/audit-log/audit-log.view';
import { AUDIT_CSV_HEADER, auditPages, csvSafe, writeAuditCsv } from './audit-csv';

function entry(n: number, overrides: Partial<AuditEntryView> = {}): AuditEntryView {
  return {
    id: `evt-${n}`,
    tenantId: 't',
    at: new Date(Date.UTC(2026, 10, 21) + n * 1000).toISOString(),
    actor: { kind: 'user', id: 'alice' },
    type: 'AccountRenamed',
    aggregate: 'account-t',
    aggregateType: 'account',
    ip: '203.0.113.9',
    userAgent: null,
    correlationId: `c-${n}`,
    position: String(n),
    posKey: String(n).padStart(20, '0'),
    summary: `Account renamed to "Name ${n}"`,
    ...overrides,
  };
}

/** A log of `pages` pages of `size` entries, counting the pages read. */
function log(pages: number, size: number) {
  const reads = { count: 0 };
  const page = (i: number): AuditPage => {
    reads.count += 1;
    return {
      entries: Array.from({ length: size }, (_, k) => entry(i * size + k)),
      nextCursor: i + 1 < pages ? String(i + 1) : null,
    };
  };
  return { reads, pages: auditPages(page(0), async (before) => page(Number(before))) };
}

/** A sink that holds every write until released. */
function heldSink() {
  const chunks: Buffer[] = [];
  const pending: (() => void)[] = [];
  let open = false;
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      if (open) done();
      else pending.push(() => done());
    },
  });
  return {
    sink,
    chunks,
    release() {
      open = true;
      for (const done of pending.splice(0)) done();
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('audit CSV', () => {
  it('guards cells that a spreadsheet would run as formulas', () => {
    for (const cell of ['=SUM(A1:A9)', '+33 1 23', '-2+3', '@cmd', '\t=1', '\r=1']) expect(csvSafe(cell)).toBe(`'${cell}`);
    for (const cell of ['Account renamed to "=x"', 'alice', '', '2026-11-21T10:00:00.000Z']) expect(csvSafe(cell)).toBe(cell);
  });

  it('writes a header and one row per entry that parse back to the same values', async () => {
    const entries = [
      entry(2, { summary: 'Account renamed to "A, B\nand C"', ip: null }),
      entry(1, { actor: { kind: 'system', id: '=HYPERLINK("http://x")' }, summary: '-1' }),
    ];
    const out = heldSink();
    out.release();
    await writeAuditCsv(auditPages({ entries, nextCursor: null }, () => Promise.reject(new Error('no next page'))), out.sink);
    const rows = parse(out.text(), { bom: true }) as string[][];
    expect(rows).toEqual([
      [...AUDIT_CSV_HEADER],
      [entries[0].at, 'user', 'alice', 'AccountRenamed', 'account-t', '', 'Account renamed to "A, B\nand C"'],
      [entries[1].at, 'system', `'=HYPERLINK("http://x")`, 'AccountRenamed', 'account-t', '203.0.113.9', "'-1"],
    ]);
  });

  it('reads the next page only as the reader consumes: a stalled reader holds the export at a page or two', async () => {
    const { reads, pages } = log(50, 200);
    const out = heldSink();
    const done = writeAuditCsv(pages, out.sink);
    await turns(50);
    expect(out.chunks.length).toBeGreaterThan(0);
    expect(reads.count).toBeLessThanOrEqual(2);

    out.release();
    await done;
    expect(reads.count).toBe(50);
    const rows = parse(out.text(), { bom: true }) as string[][];
    expect(rows).toHaveLength(1 + 50 * 200);
    expect(rows[1][6]).toBe('Account renamed to "Name 0"');
    expect(rows[10_000][6]).toBe('Account renamed to "Name 9999"');
  });

  it('stops reading pages when the reader goes away', async () => {
    const { reads, pages } = log(50, 200);
    const out = heldSink();
    const done = writeAuditCsv(pages, out.sink);
    await turns(20);
    out.sink.destroy(new Error('client went away'));
    await expect(done).rejects.toThrow(/client went away/);
    await turns(20);
    expect(reads.count).toBeLessThanOrEqual(2);
  });

  it('skips empty pages and ends with the last one', async () => {
    const chunks: AuditEntryView[][] = [];
    const next = jest.fn(async (before: string): Promise<AuditPage> => (before === 'a' ? { entries: [], nextCursor: 'b' } : { entries: [entry(1)], nextCursor: null }));
    for await (const page of auditPages({ entries: [entry(2)], nextCursor: 'a' }, next)) chunks.push([...page]);
    expect(chunks.map((c) => c.map((e) => e.id))).toEqual([['evt-2'], ['evt-1']]);
    expect(next.mock.calls).toEqual([['a'], ['b']]);
  });
});
