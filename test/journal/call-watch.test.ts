import { CallJournal } from '../../src/journal/call-journal';
import { ScenarioError } from '../../src/core/model';
import { download, drain, readable, summarize, thriftCall } from './call-fixtures';

function expectInvalid(fn: () => unknown, message: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ScenarioError);
  expect((error as ScenarioError).code).toBe('invalid_argument');
  expect((error as ScenarioError).message).toMatch(message);
}

describe('CallJournal.watch', () => {
  it('without replay: live first, then started and completed in order', () => {
    const journal = new CallJournal({ capacity: 10 });
    journal.begin(thriftCall('OpenSession'));
    const watch = journal.watch();
    const a = journal.begin(thriftCall('ExecuteStatement'));
    const b = journal.begin(download());
    journal.finish(b, { state: 'failed', error: 'connection reset by scenario' });
    journal.finish(a, { state: 'completed' });
    const items = drain(watch);
    expect(summarize(items)).toEqual(['live', 'started:2', 'started:3', 'completed:3', 'completed:2']);
    expect(items[3]).toMatchObject({ type: 'call_completed', replayed: false, call: { state: 'failed' } });
  });

  it('replays history in its current state, then live, then live events, without loss or duplicates', () => {
    const journal = new CallJournal({ capacity: 10 });
    const first = journal.begin(thriftCall('OpenSession'));
    journal.finish(first, { state: 'completed' });
    const second = journal.begin(thriftCall('ExecuteStatement'));
    journal.begin(thriftCall('GetOperationStatus'));

    const watch = journal.watch({ replayFromSequence: 2 });
    // Live traffic while the subscriber has not read anything yet.
    journal.finish(second, { state: 'completed' });
    journal.begin(thriftCall('FetchResults'));

    const items = drain(watch);
    expect(summarize(items)).toEqual(['Rstarted:2', 'Rstarted:3', 'live', 'completed:2', 'started:4']);
    // The replay is a snapshot: the second call was in flight at subscribe time.
    expect(items[0]).toMatchObject({ replayed: true, call: { state: 'in_flight' } });
  });

  it('replay from 0 or 1 replays everything kept; finished calls replay as completed', () => {
    const journal = new CallJournal({ capacity: 2 });
    for (let i = 0; i < 3; i++) journal.finish(journal.begin(thriftCall('GetInfo')), { state: 'completed' });
    expect(summarize(drain(journal.watch({ replayFromSequence: 0 })))).toEqual(['Rcompleted:2', 'Rcompleted:3', 'live']);
    expect(summarize(drain(journal.watch({ replayFromSequence: 1 })))).toEqual(['Rcompleted:2', 'Rcompleted:3', 'live']);
    expect(summarize(drain(journal.watch({ replayFromSequence: 99 })))).toEqual(['live']);
  });

  it('filters replayed and live events by kind, method and methods', () => {
    const journal = new CallJournal({ capacity: 10 });
    journal.begin(download());
    journal.begin(thriftCall('FetchResults'));
    const downloads = journal.watch({ filter: { kind: 'cloudfetch' }, replayFromSequence: 1 });
    const fetches = journal.watch({ filter: { method: 'FetchResults' } });
    const some = journal.watch({ filter: { methods: ['OpenSession', 'CloseSession'] } });
    journal.begin(thriftCall('OpenSession'));
    const dl = journal.begin(download());
    journal.finish(dl, { state: 'completed' });
    journal.begin(thriftCall('FetchResults'));
    journal.begin(thriftCall('CloseSession'));

    expect(summarize(drain(downloads))).toEqual(['Rstarted:1', 'live', 'started:4', 'completed:4']);
    expect(summarize(drain(fetches))).toEqual(['live', 'started:5']);
    expect(summarize(drain(some))).toEqual(['live', 'started:3', 'started:6']);
  });

  it('bounds a slow subscriber, then reports the loss exactly where it happened', () => {
    const journal = new CallJournal({ capacity: 1000 });
    const slow = journal.watch({ bufferSize: 16 });
    const fast = journal.watch({ bufferSize: 16 });
    expect(drain(fast)).toEqual([{ type: 'live' }]);
    expect(slow.shift()).toEqual({ type: 'live' });

    // 16 fit the slow one's queue, 100 do not: discarded and counted. The fast one, reading as they come, loses none.
    let fastReceived = 0;
    for (let i = 0; i < 116; i++) {
      journal.begin(thriftCall('GetOperationStatus'));
      fastReceived += drain(fast).length;
    }
    expect(fastReceived).toBe(116);

    // The slow one takes one event; the room it makes is used by the next live event, after the gap.
    expect(summarize([slow.shift()!])).toEqual(['started:1']);
    journal.begin(thriftCall('FetchResults'));
    const rest = summarize(drain(slow));
    expect(rest.slice(0, 15)).toEqual(Array.from({ length: 15 }, (_, i) => `started:${i + 2}`));
    expect(rest.slice(15)).toEqual(['dropped:100', 'started:117']);
    // Every item taken: nothing more is owed, and the queue never held more than its bound.
    expect(slow.shift()).toBeUndefined();
  });

  it('tells a subscriber that drained everything about a loss even when no new event comes', () => {
    const journal = new CallJournal({ capacity: 100 });
    const watch = journal.watch({ bufferSize: 16 });
    for (let i = 0; i < 20; i++) journal.begin(thriftCall('GetInfo'));
    const items = summarize(drain(watch));
    expect(items).toHaveLength(1 + 16 + 1);
    expect(items[items.length - 1]).toBe('dropped:4');
  });

  it('keeps separate losses separate', () => {
    const journal = new CallJournal({ capacity: 100 });
    const watch = journal.watch({ bufferSize: 16 });
    watch.shift();
    for (let i = 0; i < 18; i++) journal.begin(thriftCall('GetInfo')); // 16 queued, 2 lost
    watch.shift();
    watch.shift();
    for (let i = 0; i < 5; i++) journal.begin(thriftCall('GetInfo')); // 2 queued, 3 lost
    const items = summarize(drain(watch));
    expect(items.filter((s) => s.startsWith('dropped'))).toEqual(['dropped:2', 'dropped:3']);
    expect(items.slice(-4)).toEqual(['dropped:2', 'started:19', 'started:20', 'dropped:3']);
  });

  it('notifies readers asynchronously, once per burst', async () => {
    const journal = new CallJournal({ capacity: 10 });
    const watch = journal.watch();
    let notified = 0;
    watch.onReadable(() => notified++);
    expect(notified).toBe(0);
    await readable(watch);
    expect(drain(watch)).toEqual([{ type: 'live' }]);

    const next = readable(watch);
    journal.begin(thriftCall('OpenSession'));
    journal.begin(thriftCall('ExecuteStatement'));
    expect(notified).toBe(1); // not inside begin()
    await next;
    expect(notified).toBe(2);
    expect(summarize(drain(watch))).toEqual(['started:1', 'started:2']);
  });

  it('close detaches: no more events, nothing queued, no more notifications', async () => {
    const journal = new CallJournal({ capacity: 10 });
    const watch = journal.watch();
    let notified = 0;
    watch.onReadable(() => notified++);
    journal.begin(thriftCall('OpenSession'));
    expect(journal.watchCount).toBe(1);
    watch.close();
    expect(watch.closed).toBe(true);
    expect(journal.watchCount).toBe(0);
    journal.begin(thriftCall('ExecuteStatement'));
    expect(watch.shift()).toBeUndefined();
    watch.close();
    // Notifications are microtasks: by the next macrotask any pending one would have run.
    await new Promise((resolve) => setImmediate(resolve));
    expect(notified).toBe(0);
  });

  it('endWatches lets consumers take what is queued, then reports closed', async () => {
    const journal = new CallJournal({ capacity: 10 });
    const watch = journal.watch();
    journal.begin(thriftCall('OpenSession'));
    const ended = readable(watch);
    journal.endWatches();
    await ended;
    expect(watch.closed).toBe(true);
    expect(journal.watchCount).toBe(0);
    journal.begin(thriftCall('ExecuteStatement'));
    expect(summarize(drain(watch))).toEqual(['live', 'started:1']);
  });

  it('validates bufferSize and replayFromSequence, saying what is allowed', () => {
    const journal = new CallJournal({ capacity: 10 });
    expectInvalid(() => journal.watch({ bufferSize: 15 }), /bufferSize must be a whole number from 16 to 100000 \(got 15\)/);
    expectInvalid(() => journal.watch({ bufferSize: 100_001 }), /from 16 to 100000/);
    expectInvalid(() => journal.watch({ bufferSize: 20.5 }), /from 16 to 100000/);
    expectInvalid(() => journal.watch({ replayFromSequence: -1 }), /replayFromSequence must be a whole number of 0 or more/);
    expect(journal.watchCount).toBe(0);
    expect(() => journal.watch({ bufferSize: 16 }).close()).not.toThrow();
    expect(() => journal.watch({ bufferSize: 100_000 }).close()).not.toThrow();
  });

  it('a subscriber that never reads costs the journal a bounded queue only', () => {
    const journal = new CallJournal({ capacity: 50 });
    const idle = journal.watch({ bufferSize: 16 });
    for (let i = 0; i < 5_000; i++) journal.finish(journal.begin(thriftCall('GetOperationStatus')), { state: 'completed' });
    const items = drain(idle);
    // live + 16 queued events + one loss report for the other 9984.
    expect(items).toHaveLength(18);
    expect(items[17]).toEqual({ type: 'events_dropped', droppedCount: 10_000 - 16 });
  });
});
