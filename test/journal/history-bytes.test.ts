// The history is bounded by bytes as well as by count (issue 10: 100,000 calls of 2.2 KB took ~500 MiB with
// --history-size 1000000), and listings can be cut by count and bytes and continued.
import { estimateRecordBytes } from '../../src/core/record-size';
import { CallJournal } from '../../src/journal/call-journal';
import { thriftCall } from './call-fixtures';

// ~100 KB per record (estimated: 2 bytes per character).
const bigRequest = (): { statement: string } => ({ statement: 'x'.repeat(50 * 1024) });

describe('history bounded by bytes', () => {
  it('drops the oldest calls once the estimated bytes pass maxBytes, counting them as dropped', () => {
    const journal = new CallJournal({ capacity: 1000, maxBytes: 1024 * 1024 });
    for (let i = 0; i < 30; i++) journal.finish(journal.begin(thriftCall('ExecuteStatement', { request: bigRequest() })), { state: 'completed' });
    expect(journal.bytesKept).toBeLessThanOrEqual(1024 * 1024);
    expect(journal.size).toBeGreaterThan(5);
    expect(journal.size).toBeLessThan(11);
    expect(journal.droppedCount).toBe(30 - journal.size);
    // The newest calls are the ones kept, contiguous.
    const kept = journal.list().map((c) => c.sequence);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 31 - kept.length + i));
  });

  it('counts a reply added at finish, and keeps the newest call even when it alone is over the bound', () => {
    const journal = new CallJournal({ capacity: 10, maxBytes: 150 * 1024 });
    const first = journal.begin(thriftCall('GetInfo'));
    journal.finish(first, { state: 'completed', reply: { info: 'y'.repeat(60 * 1024) } });
    expect(journal.size).toBe(1);
    const second = journal.begin(thriftCall('ExecuteStatement', { request: bigRequest() }));
    // 120 KB + 100 KB: the first leaves.
    expect(journal.list().map((c) => c.sequence)).toEqual([second.sequence]);
    journal.finish(second, { state: 'completed', reply: { huge: 'z'.repeat(200 * 1024) } });
    expect(journal.list().map((c) => c.sequence)).toEqual([second.sequence]);
    expect(journal.bytesKept).toBe(estimateRecordBytes(journal.list()[0]));
    journal.reset();
    expect(journal.bytesKept).toBe(0);
  });

  it('costs nothing per call to estimate beyond a lookup for decoded fields seen before', () => {
    const request = bigRequest();
    const record = { ...thriftCall('ExecuteStatement', { request }), sequence: 1, state: 'in_flight' as const, startTime: new Date() };
    const first = estimateRecordBytes(record);
    expect(first).toBeGreaterThan(100 * 1024);
    expect(estimateRecordBytes({ ...record, state: 'completed' })).toBe(first);
  });
});

describe('listPage', () => {
  it('stops at the limit or the byte bound and says where to continue; pages put together are the whole history', () => {
    const journal = new CallJournal({ capacity: 100 });
    for (let i = 0; i < 20; i++) journal.begin(thriftCall(i % 2 ? 'FetchResults' : 'ExecuteStatement', { request: bigRequest() }));
    const seen: number[] = [];
    let from = 0;
    for (let pages = 0; pages < 20; pages++) {
      const page = journal.listPage({ fromSequence: from, maxBytes: 350 * 1024, filter: { method: 'FetchResults' } });
      expect(page.calls.length).toBeGreaterThan(0);
      expect(page.calls.length).toBeLessThanOrEqual(3);
      seen.push(...page.calls.map((c) => c.sequence));
      from = page.continueFrom;
      if (!page.more) break;
    }
    expect(seen).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    expect(from).toBe(journal.nextSequence);

    const limited = journal.listPage({ limit: 4 });
    expect(limited).toMatchObject({ more: true, continueFrom: 5 });
    expect(journal.listPage({ fromSequence: 17, limit: 4 })).toMatchObject({ more: false, continueFrom: 21 });
    // One call over the byte bound is still listed: a page always makes progress.
    expect(journal.listPage({ maxBytes: 1 }).calls).toHaveLength(1);
  });
});
