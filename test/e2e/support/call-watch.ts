// What a driver team's test sees: a real gRPC WatchCalls stream on the proxy's control port (the ts-proto
// ScenarioControlClient over grpc-js), collected so a test can assert on the calls it reported and wait for a
// call instead of sleeping.
import { CallState, WatchEventType, type Call, type WatchCallsResponse } from '../../../gen/thriftproxy/v1/scenario_control';
import { ControlApi, StreamRecorder } from '../../api/support/control-client';

/** Largest queue the API allows: a test must never see events dropped. */
const BUFFER_SIZE = 100_000;

export class GrpcCallWatch {
  private constructor(
    private readonly api: ControlApi,
    private readonly recorder: StreamRecorder<WatchCallsResponse>,
  ) {}

  /** Opens a live WatchCalls stream and resolves once the server has sent its LIVE marker. */
  static async open(api: ControlApi, timeoutMs = 5000): Promise<GrpcCallWatch> {
    const recorder = new StreamRecorder<WatchCallsResponse>(api.watchCalls({ bufferSize: BUFFER_SIZE }));
    const watch = new GrpcCallWatch(api, recorder);
    try {
      await recorder.until((m) => m.some((e) => e.type === WatchEventType.WATCH_EVENT_TYPE_LIVE), timeoutMs);
    } catch (error) {
      watch.close();
      throw error;
    }
    return watch;
  }

  get events(): readonly WatchCallsResponse[] {
    return this.recorder.messages;
  }

  /** Completed (or failed) calls in the order the stream reported them. */
  completed(): Call[] {
    return this.events.flatMap((e) => (e.type === WatchEventType.WATCH_EVENT_TYPE_CALL_COMPLETED && e.call ? [e.call] : []));
  }

  /** Resolves with the first streamed completed call that satisfies `predicate`; rejects after `timeoutMs`. */
  async waitForCompleted(predicate: (call: Call) => boolean, timeoutMs = 10_000): Promise<Call> {
    try {
      await this.recorder.until(() => this.completed().some(predicate), timeoutMs);
    } catch (error) {
      throw new Error(`no streamed call matched within ${timeoutMs} ms (${String(error)}); saw: ${this.summary().join(', ')}`);
    }
    return this.completed().find(predicate)!;
  }

  /**
   * Once traffic has stopped: waits until the stream has reported the completion of every call the proxy
   * recorded (ListCalls), then checks the stream told the whole story: no events dropped or replayed, each
   * completed call announced as started first, and the completed calls exactly those ListCalls returns.
   */
  async settle(timeoutMs = 10_000): Promise<void> {
    const recorded = (await this.api.listCalls({})).calls;
    const sequences = recorded.map((c) => c.sequence);
    await this.recorder.until(() => {
      const done = new Set(this.completed().map((c) => c.sequence));
      return sequences.every((s) => done.has(s));
    }, timeoutMs);

    const { calls, droppedCount } = await this.api.listCalls({});
    expect(droppedCount).toBe(0n);
    expect(this.events.filter((e) => e.type === WatchEventType.WATCH_EVENT_TYPE_EVENTS_DROPPED)).toEqual([]);
    expect(this.events.filter((e) => e.replayed)).toEqual([]);
    expect(calls.filter((c) => c.state === CallState.CALL_STATE_IN_FLIGHT)).toEqual([]);
    const started = this.events.filter((e) => e.type === WatchEventType.WATCH_EVENT_TYPE_CALL_STARTED).map((e) => e.call!.sequence);
    const completed = this.completed();
    const startedIndex = (seq: bigint) => this.events.findIndex((e) => e.type === WatchEventType.WATCH_EVENT_TYPE_CALL_STARTED && e.call!.sequence === seq);
    const completedIndex = (seq: bigint) => this.events.findIndex((e) => e.type === WatchEventType.WATCH_EVENT_TYPE_CALL_COMPLETED && e.call!.sequence === seq);
    for (const call of completed) {
      expect(started).toContain(call.sequence);
      expect(startedIndex(call.sequence)).toBeLessThan(completedIndex(call.sequence));
    }
    // Each call completes once, and the stream reported the very calls the journal holds.
    expect(new Set(completed.map((c) => c.sequence)).size).toBe(completed.length);
    expect([...completed].sort((a, b) => Number(a.sequence - b.sequence))).toEqual(calls);
  }

  /** One line per completed call, e.g. "CloudFetchDownload 503 [cloudfetch_503]", for failure messages. */
  summary(): string[] {
    return this.completed().map((c) => `${c.method || '?'} ${outcome(c)}${c.scenario ? ` [${c.scenario}]` : ''}`);
  }

  close(): void {
    this.recorder.stream.cancel();
  }
}

/** The HTTP status the client got, or the call's state when it got none (e.g. "CALL_STATE_FAILED"). */
export function outcome(call: Call): string {
  return call.httpStatus ? String(call.httpStatus) : CallState[call.state] ?? String(call.state);
}

/** The call's duration in milliseconds (the stream reports it for every completed call). */
export function durationMs(call: Call): number {
  if (!call.duration) throw new Error(`call #${call.sequence} has no duration`);
  return Number(call.duration.seconds) * 1000 + call.duration.nanos / 1e6;
}

/** When the call arrived, in epoch milliseconds. */
export function startMs(call: Call): number {
  if (!call.startTime) throw new Error(`call #${call.sequence} has no start time`);
  return call.startTime.getTime();
}
