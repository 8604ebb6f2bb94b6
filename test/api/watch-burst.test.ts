// WatchCalls with the default buffer: subscribers that keep reading see every event of a burst of calls, however
// many of them there are; one that does not read is held to a bounded queue and told what it lost.
// (Issue 10: 5,000 calls used to cost a single reading subscriber 6,496 of its 10,000 events.)
import { WatchCallsResponse, WatchEventType } from '../../gen/thriftproxy/v1/scenario_control';
import { CallJournal } from '../../src/journal/call-journal';
import { WATCH_BUFFER_BYTES } from '../../src/journal/call-watch';
import { StreamRecorder } from './support/control-client';
import { recordCall, startControlStack } from './support/control-stack';

// ~1 KB decoded statement per call, like a driver's ExecuteStatement.
const REQUEST = { statement: 'SELECT '.padEnd(1024, 'x') };
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A burst as the proxy makes one: calls recorded in small groups, the event loop turning in between. */
async function burst(journal: CallJournal, calls: number, request: Record<string, string> = REQUEST): Promise<void> {
  for (let done = 0; done < calls; done += 16) {
    for (let i = 0; i < 16 && done + i < calls; i++) recordCall(journal, request);
    await nextTurn();
  }
}

const isCall = (m: WatchCallsResponse): boolean => m.call !== undefined;
const dropped = (messages: WatchCallsResponse[]): number =>
  messages.reduce((sum, m) => sum + (m.type === WatchEventType.WATCH_EVENT_TYPE_EVENTS_DROPPED ? Number(m.droppedCount) : 0), 0);

it.each([1, 5])('%i reading subscriber(s) with the default buffer get every event of a 5,000-call burst', async (subscribers) => {
  const { journal, api, internalErrors, close } = await startControlStack();
  const watches = Array.from({ length: subscribers }, () => new StreamRecorder(api.watchCalls({})));
  try {
    await Promise.all(watches.map((w) => w.until((m) => m.some((x) => x.type === WatchEventType.WATCH_EVENT_TYPE_LIVE))));
    const calls = 5000;
    await burst(journal, calls);
    for (const watch of watches) {
      // Generous: a loaded 2-core machine moves some thousands of events a second per subscriber.
      const messages = await watch.until((m) => m.filter(isCall).length + dropped(m) >= 2 * calls, 120_000);
      expect(dropped(messages)).toBe(0);
      expect(messages.filter(isCall)).toHaveLength(2 * calls);
    }
    expect(internalErrors).toEqual([]);
  } finally {
    for (const watch of watches) watch.stream.cancel();
    await close();
  }
}, 180_000);

it('holds a subscriber that does not read to a bounded queue, and says what it lost', async () => {
  const { journal, api, close } = await startControlStack();
  const watch = new StreamRecorder(api.watchCalls({}));
  try {
    await watch.until((m) => m.length >= 1);
    watch.stream.pause();
    // Records of ~1 MiB each (estimated): well past the default byte bound in a few hundred calls.
    const big = { statement: 'x'.repeat(512 * 1024) };
    const calls = Math.ceil((2 * WATCH_BUFFER_BYTES) / (1024 * 1024));
    await burst(journal, calls, big);
    watch.stream.resume();
    const messages = await watch.until((m) => m.filter(isCall).length + dropped(m) >= 2 * calls, 60_000);
    expect(dropped(messages)).toBeGreaterThan(0);
    // What was kept for it fits the bound (plus what the transport held while it was paused).
    const delivered = messages.filter(isCall).length;
    expect(delivered).toBeLessThan(WATCH_BUFFER_BYTES / (512 * 1024) + 32);
    expect(delivered + dropped(messages)).toBe(2 * calls);
  } finally {
    watch.stream.cancel();
    await close();
  }
}, 120_000);
