// A real grpc-js client for the control port: the ts-proto ScenarioControl client with promises, plus the
// standard health client loaded from the vendored health.proto.
import path from 'node:path';
import { ClientReadableStream, credentials, loadPackageDefinition, ServiceError, status } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import {
  CountCallsRequest,
  CountCallsResponse,
  DeepPartial,
  DefineScenarioRequest,
  DefineScenarioResponse,
  DeleteScenarioResponse,
  DisableAllScenariosResponse,
  DisableScenarioResponse,
  EnableScenarioResponse,
  GetProxyInfoResponse,
  GetScenarioResponse,
  ListCallsResponse,
  ListScenariosResponse,
  ResetCallsResponse,
  VerifyCallsResponse,
  EnableScenarioRequest,
  ListCallsRequest,
  ScenarioControlClient,
  VerifyCallsRequest,
  WatchCallsRequest,
  WatchCallsResponse,
} from '../../../gen/thriftproxy/v1/scenario_control';

type Callback<T> = (error: ServiceError | null, response: T) => void;

function call<T>(invoke: (callback: Callback<T>) => unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    invoke((error, response) => (error ? reject(error) : resolve(response)));
  });
}

export class ControlApi {
  readonly client: ScenarioControlClient;

  constructor(address: string) {
    this.client = new ScenarioControlClient(address, credentials.createInsecure());
  }

  listScenarios(): Promise<ListScenariosResponse> {
    return call<ListScenariosResponse>((cb) => this.client.listScenarios({}, cb));
  }
  getScenario(name: string): Promise<GetScenarioResponse> {
    return call<GetScenarioResponse>((cb) => this.client.getScenario({ name }, cb));
  }
  defineScenario(request: DeepPartial<DefineScenarioRequest>): Promise<DefineScenarioResponse> {
    return call<DefineScenarioResponse>((cb) => this.client.defineScenario(DefineScenarioRequest.fromPartial(request), cb));
  }
  deleteScenario(name: string): Promise<DeleteScenarioResponse> {
    return call<DeleteScenarioResponse>((cb) => this.client.deleteScenario({ name }, cb));
  }
  enableScenario(request: DeepPartial<EnableScenarioRequest>): Promise<EnableScenarioResponse> {
    return call<EnableScenarioResponse>((cb) => this.client.enableScenario(EnableScenarioRequest.fromPartial(request), cb));
  }
  disableScenario(name: string): Promise<DisableScenarioResponse> {
    return call<DisableScenarioResponse>((cb) => this.client.disableScenario({ name }, cb));
  }
  disableAllScenarios(): Promise<DisableAllScenariosResponse> {
    return call<DisableAllScenariosResponse>((cb) => this.client.disableAllScenarios({}, cb));
  }
  listCalls(request: DeepPartial<ListCallsRequest> = {}): Promise<ListCallsResponse> {
    return call<ListCallsResponse>((cb) => this.client.listCalls(ListCallsRequest.fromPartial(request), cb));
  }
  countCalls(request: DeepPartial<CountCallsRequest> = {}): Promise<CountCallsResponse> {
    return call<CountCallsResponse>((cb) => this.client.countCalls(CountCallsRequest.fromPartial(request), cb));
  }
  resetCalls(): Promise<ResetCallsResponse> {
    return call<ResetCallsResponse>((cb) => this.client.resetCalls({}, cb));
  }
  verifyCalls(request: DeepPartial<VerifyCallsRequest>): Promise<VerifyCallsResponse> {
    return call<VerifyCallsResponse>((cb) => this.client.verifyCalls(VerifyCallsRequest.fromPartial(request), cb));
  }
  watchCalls(request: DeepPartial<WatchCallsRequest> = {}): ClientReadableStream<WatchCallsResponse> {
    return this.client.watchCalls(WatchCallsRequest.fromPartial(request));
  }
  getProxyInfo(): Promise<GetProxyInfoResponse> {
    return call<GetProxyInfoResponse>((cb) => this.client.getProxyInfo({}, cb));
  }
  close(): void {
    this.client.close();
  }
}

interface HealthClient {
  check(request: { service: string }, callback: Callback<{ status: string }>): void;
  close(): void;
}

export function healthCheck(address: string, service: string): Promise<string> {
  const definition = loadSync(path.join(__dirname, '../../../third_party/proto/grpc/health/v1/health.proto'), {
    enums: String,
  });
  const loaded = loadPackageDefinition(definition) as unknown as {
    grpc: { health: { v1: { Health: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => HealthClient } } };
  };
  const client = new loaded.grpc.health.v1.Health(address, credentials.createInsecure());
  return call<{ status: string }>((cb) => client.check({ service }, cb))
    .then((reply) => reply.status)
    .finally(() => client.close());
}

/** Resolves with the status of a call that must fail. */
export async function failure(promise: Promise<unknown>): Promise<{ code: status; details: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as ServiceError;
    return { code: e.code, details: e.details };
  }
  throw new Error('the call succeeded; expected an error status');
}

/** Records every message of a stream from the moment it is made; tests wait until enough have arrived. */
export class StreamRecorder<T> {
  readonly messages: T[] = [];
  error: Error | undefined;
  ended = false;
  private readonly waiters = new Set<() => void>();

  constructor(readonly stream: ClientReadableStream<T>) {
    stream.on('data', (message: T) => {
      this.messages.push(message);
      this.wake();
    });
    stream.on('error', (error: Error) => {
      this.error = error;
      this.wake();
    });
    stream.on('end', () => {
      this.ended = true;
      this.wake();
    });
  }

  /** Resolves once `done(messages)` holds; rejects on a stream error or after timeoutMs. */
  until(done: (messages: T[]) => boolean, timeoutMs = 5000): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (done(this.messages)) finish(() => resolve(this.messages));
        else if (this.error) finish(() => reject(this.error));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`stream: timed out after ${timeoutMs} ms; got ${this.describe()}`))),
        timeoutMs,
      );
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Resolves with the stream's error (or undefined if it ended cleanly). */
  closed(timeoutMs = 5000): Promise<Error | undefined> {
    return this.until(() => this.ended || this.error !== undefined, timeoutMs).then(
      () => this.error,
      (error: unknown) => {
        if (error === this.error) return this.error;
        throw error;
      },
    );
  }

  /** The message count and the last few messages, short enough for a failure message. */
  describe(): string {
    const tail = this.messages.slice(-3).map((m) => JSON.stringify(m, bigintJson).slice(0, 120));
    return `${this.messages.length} messages, ending with ${tail.join(', ')}`;
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

function bigintJson(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
