import fc from 'fast-check';
import { CallJournal } from '../../src/journal/call-journal';
import { ScenarioError } from '../../src/core/model';
import { download, manualClock, thriftCall } from './call-fixtures';

describe('CallJournal', () => {
  it('rejects a capacity below 1 or not whole', () => {
    expect(() => new CallJournal({ capacity: 0 })).toThrow(/capacity must be a whole number of 1 or more \(got 0\)/);
    expect(() => new CallJournal({ capacity: 2.5 })).toThrow(/got 2.5/);
  });

  it('numbers calls from 1 and records them in flight with the start time', () => {
    const clock = manualClock();
    const journal = new CallJournal({ capacity: 10, now: clock.now });
    const a = journal.begin(thriftCall('OpenSession'));
    const b = journal.begin(thriftCall('ExecuteStatement'));
    expect([a.sequence, b.sequence]).toEqual([1, 2]);
    expect(a.state).toBe('in_flight');
    expect(a.startTime).toEqual(clock.now());
    expect(journal.nextSequence).toBe(3);
    expect(journal.list().map((c) => c.method)).toEqual(['OpenSession', 'ExecuteStatement']);
  });

  it('keeps a given start time', () => {
    const journal = new CallJournal({ capacity: 10 });
    const startTime = new Date(Date.UTC(2020, 0, 1));
    expect(journal.begin(thriftCall('GetInfo', { startTime })).startTime).toBe(startTime);
  });

  it('drops the oldest when full and counts them', () => {
    const journal = new CallJournal({ capacity: 3 });
    for (let i = 0; i < 7; i++) journal.begin(thriftCall(`M${i + 1}`));
    expect(journal.list().map((c) => c.sequence)).toEqual([5, 6, 7]);
    expect(journal.droppedCount).toBe(4);
    expect(journal.count()).toBe(3);
  });

  it('keeps sequence numbers increasing across reset, and reset clears the dropped count', () => {
    const journal = new CallJournal({ capacity: 2 });
    for (let i = 0; i < 5; i++) journal.begin(thriftCall('GetInfo'));
    expect(journal.droppedCount).toBe(3);
    expect(journal.reset()).toBe(2);
    expect(journal.droppedCount).toBe(0);
    expect(journal.list()).toEqual([]);
    expect(journal.reset()).toBe(0);
    expect(journal.begin(thriftCall('GetInfo')).sequence).toBe(6);
    expect(journal.list().map((c) => c.sequence)).toEqual([6]);
  });

  it('finish makes a new record, computes the duration and replaces it in history', () => {
    const clock = manualClock();
    const journal = new CallJournal({ capacity: 10, now: clock.now });
    const started = journal.begin(thriftCall('ExecuteStatement'));
    clock.advance(250);
    const done = journal.finish(started, { state: 'completed', httpStatus: 200, responseBytes: 42 });
    expect(done).not.toBe(started);
    expect(started.state).toBe('in_flight');
    expect(done).toMatchObject({ sequence: 1, state: 'completed', httpStatus: 200, responseBytes: 42, durationMs: 250 });
    expect(journal.list()).toEqual([done]);
  });

  it('keeps a given duration and ignores attempts to move the call', () => {
    const journal = new CallJournal({ capacity: 10 });
    const started = journal.begin(thriftCall('GetInfo'));
    const done = journal.finish(started, { state: 'failed', durationMs: 1.5, sequence: 99, error: 'upstream ECONNREFUSED' });
    expect(done).toMatchObject({ sequence: 1, state: 'failed', durationMs: 1.5, error: 'upstream ECONNREFUSED' });
  });

  it('finishing twice returns the first result and changes nothing', () => {
    const journal = new CallJournal({ capacity: 10 });
    const started = journal.begin(thriftCall('CloseSession'));
    const first = journal.finish(started, { state: 'completed', httpStatus: 200 });
    expect(journal.finish(started, { state: 'failed', error: 'late' })).toBe(first);
    expect(journal.finish(first, { state: 'failed', error: 'late' })).toBe(first);
    expect(journal.list()).toEqual([first]);
  });

  it('finish still returns the result for a call that was dropped or reset meanwhile, and keeps it out', () => {
    const journal = new CallJournal({ capacity: 1 });
    const dropped = journal.begin(thriftCall('OpenSession'));
    const current = journal.begin(thriftCall('ExecuteStatement'));
    const done = journal.finish(dropped, { state: 'completed' });
    expect(done.sequence).toBe(1);
    expect(journal.list()).toEqual([current]);
    journal.reset();
    journal.finish(current, { state: 'completed' });
    expect(journal.list()).toEqual([]);
  });

  it('annotate updates the in-flight record without moving it; finish keeps the annotation', () => {
    const journal = new CallJournal({ capacity: 10 });
    const started = journal.begin(thriftCall('OpenSession'));
    const annotated = journal.annotate(started, { scenario: 'expired_credentials' });
    expect(annotated).toMatchObject({ sequence: 1, state: 'in_flight', scenario: 'expired_credentials' });
    expect(journal.list()).toEqual([annotated]);
    // The original handle still finishes the call, annotation included.
    const done = journal.finish(started, { state: 'completed', httpStatus: 401 });
    expect(done.scenario).toBe('expired_credentials');
    expect(journal.annotate(started, { scenario: 'other' })).toBe(done);
  });

  it('refuses to finish a record it did not begin', () => {
    const journal = new CallJournal({ capacity: 10 });
    const record = journal.begin(thriftCall('GetInfo'));
    expect(() => journal.finish({ ...record }, { state: 'completed' })).toThrow(/was not begun by this journal/);
  });

  it('lists with filters, fromSequence and limit, and counts with filters', () => {
    const journal = new CallJournal({ capacity: 100 });
    journal.begin(thriftCall('OpenSession'));
    journal.begin(thriftCall('ExecuteStatement'));
    journal.begin(download());
    journal.begin(thriftCall('FetchResults'));
    journal.begin(download());
    journal.begin(thriftCall('', { decoded: false, decodeError: 'not thrift' }));

    expect(journal.list({ filter: { kind: 'cloudfetch' } }).map((c) => c.sequence)).toEqual([3, 5]);
    expect(journal.list({ filter: { method: 'FetchResults' } }).map((c) => c.sequence)).toEqual([4]);
    expect(journal.list({ filter: { methods: ['OpenSession', 'FetchResults'] } }).map((c) => c.sequence)).toEqual([1, 4]);
    expect(journal.list({ filter: { methods: [] } })).toHaveLength(6);
    expect(journal.list({ filter: { method: 'OpenSession', methods: ['FetchResults'] } })).toEqual([]);
    expect(journal.list({ fromSequence: 4 }).map((c) => c.sequence)).toEqual([4, 5, 6]);
    expect(journal.list({ fromSequence: 2, limit: 2 }).map((c) => c.sequence)).toEqual([2, 3]);
    expect(journal.list({ limit: 0 })).toHaveLength(6);
    expect(journal.list({ fromSequence: 1000 })).toEqual([]);
    expect(journal.count({ kind: 'thrift' })).toBe(4);
    expect(journal.count({ kind: 'thrift', method: '' })).toBe(1);
    expect(journal.count()).toBe(6);
  });

  it('rejects a negative or fractional limit or fromSequence with invalid_argument', () => {
    const journal = new CallJournal({ capacity: 10 });
    for (const q of [{ limit: -1 }, { limit: 1.5 }, { fromSequence: -3 }]) {
      let error: unknown;
      try {
        journal.list(q);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ScenarioError);
      expect((error as ScenarioError).code).toBe('invalid_argument');
      expect((error as ScenarioError).message).toMatch(/must be a whole number of 0 or more/);
    }
  });

  it('matches a simple model under random begin/finish/reset sequences', () => {
    type Op = { op: 'begin' } | { op: 'finish'; pick: number } | { op: 'reset' };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      { weight: 5, arbitrary: fc.constant<Op>({ op: 'begin' }) },
      { weight: 3, arbitrary: fc.nat(50).map<Op>((pick) => ({ op: 'finish', pick })) },
      { weight: 1, arbitrary: fc.constant<Op>({ op: 'reset' }) },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(opArb, { maxLength: 60 }), (capacity, ops) => {
        const journal = new CallJournal({ capacity });
        const handles: ReturnType<CallJournal['begin']>[] = [];
        let model: { sequence: number; state: string }[] = [];
        let dropped = 0;
        let next = 1;
        for (const op of ops) {
          if (op.op === 'begin') {
            handles.push(journal.begin(thriftCall('GetInfo')));
            model.push({ sequence: next++, state: 'in_flight' });
            if (model.length > capacity) {
              model.shift();
              dropped++;
            }
          } else if (op.op === 'finish' && handles.length > 0) {
            const handle = handles[op.pick % handles.length];
            journal.finish(handle, { state: 'completed' });
            const inModel = model.find((m) => m.sequence === handle.sequence);
            if (inModel) inModel.state = 'completed';
          } else if (op.op === 'reset') {
            expect(journal.reset()).toBe(model.length);
            model = [];
            dropped = 0;
          }
        }
        expect(journal.list().map((c) => ({ sequence: c.sequence, state: c.state }))).toEqual(model);
        expect(journal.droppedCount).toBe(dropped);
        expect(journal.nextSequence).toBe(next);
      }),
      { numRuns: 300 },
    );
  });
});
