import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import type { SessionHistoryPage, SessionRow } from '../../../application/contracts/session-history.contracts';
import { SESSION_CSV_HEADER, historyPages, sessionCsvRow, writeSessionCsv } from './history.controller';

function row(n: number, over: Partial<SessionRow> = {}): SessionRow {
  return {
    id: `s${n}`,
    source: 'link',
    status: 'ended',
    openedAt: new Date(Date.UTC(2026, 10, 21) - n * 1000).toISOString(),
    startedAt: null,
    endedAt: null,
    durationSeconds: null,
    computerId: null,
    computerName: null,
    ownerUserId: 'u1',
    ownerName: 'Ann',
    technicians: [],
    endUsers: [],
    sharer: null,
    ticket: null,
    endUserName: null,
    endReason: 'expired',
    commandLineCount: 0,
    recordingChunks: 0,
    expiresAt: null,
    ...over,
  };
}

/** A history of `pages` pages of `size` rows, counting the pages read. */
function history(pages: number, size: number) {
  const reads = { count: 0 };
  const page = (i: number): SessionHistoryPage => {
    reads.count += 1;
    return { items: Array.from({ length: size }, (_, k) => row(i * size + k)), next: i + 1 < pages ? String(i + 1) : null };
  };
  return { reads, pages: historyPages(page(0), async (after) => page(Number(after))) };
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

describe('session history CSV', () => {
  it('writes times in ISO-8601, the duration in seconds, names joined, and every cell guarded against formulas', () => {
    const cells = sessionCsvRow(
      row(1, {
        status: 'ended',
        startedAt: '2026-11-21T10:00:00.000Z',
        endedAt: '2026-11-21T10:02:05.000Z',
        durationSeconds: 125,
        computerName: '@reception',
        technicians: [
          { userId: 'u1', displayName: 'Ann' },
          { userId: 'u2', displayName: '+Bo' },
        ],
        endUsers: [{ participantId: 'p', name: '-Cid', present: false }],
        ticket: '=1+1',
      }),
    );
    expect(cells).toEqual(['s1', '2026-11-20T23:59:59.000Z', '2026-11-21T10:00:00.000Z', '2026-11-21T10:02:05.000Z', '125', 'ended', 'link', "'@reception", '', 'Ann', 'Ann; +Bo', "'-Cid", "'=1+1", 'expired', '0', '0']);
    expect(cells).toHaveLength(SESSION_CSV_HEADER.length);
  });

  it('reads the next page only as the reader consumes, and writes every page', async () => {
    const { reads, pages } = history(20, 200);
    const out = heldSink();
    const done = writeSessionCsv(pages, out.sink);
    await turns(50);
    expect(reads.count).toBeLessThanOrEqual(2);
    out.release();
    await done;
    expect(reads.count).toBe(20);
    const rows = parse(out.text(), { bom: true }) as string[][];
    expect(rows).toHaveLength(1 + 20 * 200);
    expect(rows[0]).toEqual([...SESSION_CSV_HEADER]);
    expect([rows[1][0], rows[4000][0]]).toEqual(['s0', 's3999']);
  });

  it('stops reading pages when the reader goes away', async () => {
    const { reads, pages } = history(20, 200);
    const out = heldSink();
    const done = writeSessionCsv(pages, out.sink);
    await turns(20);
    out.sink.destroy(new Error('client went away'));
    await expect(done).rejects.toThrow(/client went away/);
    await turns(20);
    expect(reads.count).toBeLessThanOrEqual(2);
  });
});
