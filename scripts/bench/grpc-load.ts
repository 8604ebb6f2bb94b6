// The control port as tests use it: EnableScenario round trips on one channel, WatchCalls subscribers waiting
// for the events of calls, and the floor for both, a grpc-js unary echo round trip.
import http from 'node:http';
import { ChannelOptions, Client, credentials, ServiceError } from '@grpc/grpc-js';
import {
  EnableScenarioRequest,
  EnableScenarioResponse,
  ScenarioControlClient,
  WatchCallsRequest,
  WatchCallsResponse,
  WatchEventType,
} from '../../gen/thriftproxy/v1/scenario_control';
import { ECHO_PATH } from './roles';
import { msSince } from './stats';
import { ThriftTarget } from './thrift-load';

/** A scenario the bench's traffic never matches (it only fires on OpenSession). */
export const BENCH_SCENARIO = 'bad_gateway_502_open_session';

/** Each client its own connection, as separate test fixtures would have. */
const OWN_CONNECTION: ChannelOptions = { 'grpc.use_local_subchannel_pool': 1 };

function unary<T>(invoke: (callback: (error: ServiceError | null, response: T) => void) => unknown): Promise<T> {
  return new Promise((resolve, reject) => invoke((error, response) => (error ? reject(error) : resolve(response))));
}

/** Round trips (ms) of `echo` and `enable` calls, alternating in rounds; `warmUp` calls of each first. */
export async function timeUnaryCalls(echoPort: number, apiPort: number, calls: number, rounds = 20, warmUp = 100): Promise<{ echo: number[]; enable: number[] }> {
  const echoClient = new Client(`127.0.0.1:${echoPort}`, credentials.createInsecure(), OWN_CONNECTION);
  const same = (b: Buffer): Buffer => b;
  const control = new ScenarioControlClient(`127.0.0.1:${apiPort}`, credentials.createInsecure(), OWN_CONNECTION);
  const request = EnableScenarioRequest.fromPartial({ name: BENCH_SCENARIO, keepCallHistory: true });
  // The echo carries the EnableScenario request's own bytes: the same size on the wire, no work on either side.
  const payload = Buffer.from(EnableScenarioRequest.encode(request).finish());
  const echo = async (): Promise<void> => {
    const reply = await unary<Buffer | undefined>((cb) => echoClient.makeUnaryRequest(ECHO_PATH, same, same, payload, cb));
    if (reply === undefined || !reply.equals(payload)) throw new Error('the echo server answered other bytes than it was sent');
  };
  const enable = async (): Promise<void> => {
    const reply = await unary<EnableScenarioResponse>((cb) => control.enableScenario(request, cb));
    if (reply.scenario?.name !== BENCH_SCENARIO || reply.scenario.enabled !== true) {
      throw new Error(`EnableScenario answered ${JSON.stringify(reply.scenario?.name)} enabled=${String(reply.scenario?.enabled)}`);
    }
  };
  const timed = async (call: () => Promise<void>, into: number[]): Promise<void> => {
    const t0 = process.hrtime.bigint();
    await call();
    into.push(msSince(t0));
  };
  try {
    for (let i = 0; i < warmUp; i++) {
      await echo();
      await enable();
    }
    const result = { echo: [] as number[], enable: [] as number[] };
    const perRound = Math.ceil(calls / rounds);
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < perRound; i++) await timed(echo, result.echo);
      for (let i = 0; i < perRound; i++) await timed(enable, result.enable);
    }
    await unary((cb) => control.disableAllScenarios({}, cb));
    return result;
  } finally {
    echoClient.close();
    control.close();
  }
}

/**
 * WatchCalls push latency: `subscribers` streams watch while `calls` Thrift calls are made one after another;
 * for each call and subscriber, the time from the client having the whole reply to that subscriber having the
 * call's CALL_COMPLETED event (ms). A missing or wrong event is a correctness failure.
 */
export async function watchPushLatency(apiPort: number, subscribers: number, target: ThriftTarget, calls: number, warmUp = 50): Promise<number[]> {
  const clients = Array.from({ length: subscribers }, () => new ScenarioControlClient(`127.0.0.1:${apiPort}`, credentials.createInsecure(), OWN_CONNECTION));
  const arrivals = clients.map((): bigint[] => []);
  const live = clients.map(() => false);
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const streams = clients.map((client, i) => {
    const stream = client.watchCalls(WatchCallsRequest.fromPartial({}));
    stream.on('data', (event: WatchCallsResponse) => {
      switch (event.type) {
        case WatchEventType.WATCH_EVENT_TYPE_LIVE:
          live[i] = true;
          break;
        case WatchEventType.WATCH_EVENT_TYPE_CALL_COMPLETED:
          arrivals[i].push(process.hrtime.bigint());
          if (event.call?.method !== 'GetOperationStatus') failure ??= new Error(`subscriber ${i} saw a completed ${event.call?.method ?? '?'} call`);
          break;
        case WatchEventType.WATCH_EVENT_TYPE_EVENTS_DROPPED:
          failure ??= new Error(`subscriber ${i} lost ${event.droppedCount} events`);
          break;
        default:
          return;
      }
      wake?.();
    });
    stream.on('error', (error: ServiceError) => {
      if (error.code !== 1 /* CANCELLED: ours, at the end */) failure ??= error;
      wake?.();
    });
    return stream;
  });
  const waitUntil = async (done: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 15_000;
    while (!done()) {
      if (failure) throw failure;
      if (Date.now() > deadline) throw new Error(`WatchCalls: ${what} did not happen within 15 s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    if (failure) throw failure;
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  try {
    // Every stream has its LIVE marker: a call made from now on is seen by all of them.
    await waitUntil(() => live.every(Boolean), 'LIVE on every subscriber');
    for (let k = 0; k < warmUp + calls; k++) {
      await target(agent);
      const replied = process.hrtime.bigint();
      await waitUntil(() => arrivals.every((a) => a.length > k), `call ${k + 1}'s CALL_COMPLETED on every subscriber`);
      if (k >= warmUp) for (const a of arrivals) samples.push(Number(a[k] - replied) / 1e6);
    }
    return samples;
  } finally {
    agent.destroy();
    for (const stream of streams) stream.cancel();
    for (const client of clients) client.close();
  }
}
