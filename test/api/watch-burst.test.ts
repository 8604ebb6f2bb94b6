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

/**
 * Waits until `done` holds, however long a loaded machine takes, as long as events keep arriving: it fails only
 * when nothing new arrived for `stallMs` (a lost event stalls the count for good; a slow machine does not).
 */
async function untilWhileProgressing(
  watch: StreamRecorder<WatchCallsResponse>,
  done: (messages: WatchCallsResponse[]) => boolean,
  stallMs = 30_000,
): Promise<WatchCallsResponse[]> {
  for (;;) {
    const seen = watch.messages.length;
    const messages = await watch.until((m) => done(m) || m.length > seen, stallMs);
    if (done(messages)) return messages;
  }
}

/** Events delivered or reported dropped so far, counted incrementally (a check runs on every message). */
function accountedEvents(): (messages: WatchCallsResponse[]) => number {
  let index = 0;
  let total = 0;
  return (messages) => {
    for (; index < messages.length; index++) {
      const m = messages[index];
      total += m.call !== undefined ? 1 : m.type === WatchEventType.WATCH_EVENT_TYPE_EVENTS_DROPPED ? Number(m.droppedCount) : 0;
    }
    return total;
  };
}

const isCall = (m: WatchCallsResponse): boolean => m.call !== undefined;
const dropped = (messages: WatchCallsResponse[]): number =>
  messages.reduce((sum, m) => sum + (m.type === WatchEventType.WATCH_EVENT_TYPE_EVENTS_DROPPED ? Number(m.droppedCount) : 0), 0);

it.each([1, 3])('%i reading subscriber(s) with the default buffer get every event of a 5,000-call burst', async (subscribers) => {
  const { journal, api, internalErrors, close } = await startControlStack();
  const watches = Array.from({ length: subscribers }, () => new StreamRecorder(api.watchCalls({})));
  try {
    await Promise.all(watches.map((w) => w.until((m) => m.some((x) => x.type === WatchEventType.WATCH_EVENT_TYPE_LIVE))));
    const calls = 5000;
    await burst(journal, calls);
    for (const watch of watches) {
      // No overall time bound: a loaded 2-core machine may take minutes; a lost event stalls and fails it.
      const accounted = accountedEvents();
      const messages = await untilWhileProgressing(watch, (m) => accounted(m) >= 2 * calls);
      expect(dropped(messages)).toBe(0);
      expect(messages.filter(isCall)).toHaveLength(2 * calls);
    }
    expect(internalErrors).toEqual([]);
  } finally {
    for (const watch of watches) watch.stream.cancel();
    await close();
  }
}, 600_000);

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
    const accounted = accountedEvents();
    const messages = await untilWhileProgressing(watch, (m) => accounted(m) >= 2 * calls);
    expect(dropped(messages)).toBeGreaterThan(0);
    // What was kept for it fits the bound (plus what the transport held while it was paused).
    const delivered = messages.filter(isCall).length;
    expect(delivered).toBeLessThan(WATCH_BUFFER_BYTES / (512 * 1024) + 32);
    expect(delivered + dropped(messages)).toBe(2 * calls);
  } finally {
    watch.stream.cancel();
    await close();
  }
}, 600_000);
