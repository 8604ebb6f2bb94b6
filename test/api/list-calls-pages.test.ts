// ListCalls answers one page at a time, each under the 4 MiB a default gRPC client accepts (issue 10: a history
// of large calls made a 254 MB answer that default clients refused with RESOURCE_EXHAUSTED).
import { ListCallsResponse } from '../../gen/thriftproxy/v1/scenario_control';
import { encodeCallPage, LIST_PAGE_BYTES, LIST_PAGE_CALLS } from '../../src/api/call-page';
import { CallRecord } from '../../src/core/model';
import { recordCall, startControlStack } from './support/control-stack';

const DEFAULT_CLIENT_LIMIT = 4 * 1024 * 1024;

it('pages a history larger than a default client accepts; the pages together are every call, in order', async () => {
  const { journal, api, close } = await startControlStack();
  try {
    // ~2.2 KB per call, 3,000 calls: ~7 MB in all.
    for (let i = 0; i < 3000; i++) recordCall(journal, { statement: `SELECT ${i} `.padEnd(2200, 'x') });
    const sequences: bigint[] = [];
    let from = 0n;
    let pages = 0;
    for (;;) {
      const page = await api.listCalls({ fromSequence: from });
      pages++;
      expect(ListCallsResponse.encode(page).finish().length).toBeLessThan(DEFAULT_CLIENT_LIMIT);
      expect(page.calls.length).toBeGreaterThan(0);
      expect(page.calls.length).toBeLessThanOrEqual(LIST_PAGE_CALLS);
      sequences.push(...page.calls.map((c) => c.sequence));
      from = page.nextSequence;
      if (!page.hasMore) break;
      expect(pages).toBeLessThan(50);
    }
    expect(pages).toBeGreaterThan(1);
    expect(sequences).toEqual(Array.from({ length: 3000 }, (_, i) => BigInt(i + 1)));
    expect(from).toBe(BigInt(journal.nextSequence));

    // A limit past the page size is held to it; a limit below answers that many and says there is more.
    expect((await api.listCalls({ limit: 5000 })).calls.length).toBeLessThanOrEqual(LIST_PAGE_CALLS);
    const five = await api.listCalls({ limit: 5 });
    expect(five).toMatchObject({ hasMore: true, nextSequence: 6n });
    expect(five.calls).toHaveLength(5);
  } finally {
    await close();
  }
}, 60_000);

it('cuts a page at its exact encoded size, whatever the estimates said', () => {
  const record = (sequence: number): CallRecord => ({
    sequence,
    startTime: new Date(0),
    kind: 'thrift',
    state: 'completed',
    method: 'GetInfo',
    decoded: true,
    // ~1 MiB encoded each.
    reply: { info: 'i'.repeat(1024 * 1024) },
    host: 'h',
    path: '/p',
    httpMethod: 'POST',
    requestBytes: 1,
    responseBytes: 1,
  });
  const calls = Array.from({ length: 10 }, (_, i) => record(i + 1));
  const page = ListCallsResponse.decode(encodeCallPage({ calls, droppedCount: 2, nextSequence: 11, more: false }) as unknown as Uint8Array);
  expect(page.calls.map((c) => Number(c.sequence))).toEqual([1, 2]);
  expect(page).toMatchObject({ hasMore: true, nextSequence: 3n, droppedCount: 2n });
  expect(ListCallsResponse.encode(page).finish().length).toBeLessThanOrEqual(LIST_PAGE_BYTES + 64);
});
