// WatchCalls under load: a client that stops reading must not make the server buffer without bound, and must
// be told exactly how many events it lost. The gRPC server runs over the real ProxyControl, journal and engine;
// calls are recorded straight into the journal (no proxy needed to make thousands of them quickly).
import { status } from '@grpc/grpc-js';
import { WatchCallsResponse, WatchEventType } from '../../gen/thriftproxy/v1/scenario_control';
import { CallJournal } from '../../src/journal/call-journal';
import { StreamRecorder } from './support/control-client';
import { recordCall, startControlStack } from './support/control-stack';

// A decoded request body of ~1 KB, so that the transport's buffers fill after a few thousand events.
const BIG_REQUEST = { statement: 'SELECT '.padEnd(1024, 'x') };

function record(journal: CallJournal, count: number): void {
  for (let i = 0; i < count; i++) recordCall(journal, BIG_REQUEST);
}

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const lost = (messages: WatchCallsResponse[]): number =>
  messages.reduce((sum, m) => sum + (m.type === WatchEventType.WATCH_EVENT_TYPE_EVENTS_DROPPED ? Number(m.droppedCount) : 0), 0);
const accounted = (messages: WatchCallsResponse[]): number => messages.filter((m) => m.call !== undefined).length + lost(messages);

it('reports dropped events to a subscriber that fell behind, then keeps streaming in order', async () => {
  const { journal, api, internalErrors, close } = await startControlStack();
  const watch = new StreamRecorder(api.watchCalls({ bufferSize: 16 }));
  try {
    await watch.until((m) => m.length >= 1);
    watch.stream.pause();
    // In batches, so the server's pump runs in between and meets a full transport (write() === false).
    const calls = 4000;
    for (let batch = 0; batch < calls / 100; batch++) {
      record(journal, 100);
      await nextTick();
    }
    watch.stream.resume();
    // Every event is delivered or counted in an EVENTS_DROPPED marker; once all are accounted for, the
    // subscriber has caught up, and one more call arrives whole.
    await watch.until((m) => accounted(m) === 2 * calls, 15_000);
    record(journal, 1);
    const lastSequence = BigInt(journal.nextSequence - 1);
    const messages = await watch.until(
      (m) => m.some((x) => x.type === WatchEventType.WATCH_EVENT_TYPE_CALL_COMPLETED && x.call?.sequence === lastSequence),
      15_000,
    );

    const delivered = messages.filter((m) => m.call !== undefined);
    // The server neither buffered everything nor dropped everything, and lost nothing silently.
    expect(lost(messages)).toBeGreaterThan(0);
    expect(delivered.length).toBeGreaterThan(16);
    expect(accounted(messages)).toBe(2 * (calls + 1));
    const order = delivered.map((m) => Number(m.call?.sequence) * 2 + (m.type === WatchEventType.WATCH_EVENT_TYPE_CALL_COMPLETED ? 1 : 0));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(internalErrors).toEqual([]);
  } finally {
    watch.stream.cancel();
    await close();
  }
});

it('detaches the journal subscription when the client cancels', async () => {
  const { journal, api, close } = await startControlStack();
  try {
    const watch = new StreamRecorder(api.watchCalls({}));
    await watch.until((m) => m.length >= 1);
    expect(journal.watchCount).toBe(1);
    watch.stream.cancel();
    const error = (await watch.closed()) as (Error & { code?: number }) | undefined;
    expect(error?.code).toBe(status.CANCELLED);
    // The server hears of the cancel asynchronously: wait for it, bounded.
    const deadline = Date.now() + 5000;
    while (journal.watchCount !== 0 && Date.now() < deadline) await nextTick();
    expect(journal.watchCount).toBe(0);
  } finally {
    await close();
  }
});

it('answers INVALID_ARGUMENT for a buffer size out of range, saying the range', async () => {
  const { api, close } = await startControlStack();
  try {
    const watch = new StreamRecorder(api.watchCalls({ bufferSize: 3 }));
    const error = (await watch.closed()) as (Error & { code?: number; details?: string }) | undefined;
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
    expect(error?.details).toMatch(/16 to 100000/);
  } finally {
    await close();
  }
});
