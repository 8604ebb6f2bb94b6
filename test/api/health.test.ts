// grpc.health.v1 over a real socket with a grpc-js client of the generated stubs: Check, List, Watch (current
// status first, SERVICE_UNKNOWN for unknown services, NOT_SERVING then the end of the stream on shutdown).
import { credentials, ServiceError, status } from '@grpc/grpc-js';
import { HealthCheckResponse, HealthCheckResponse_ServingStatus as Serving, HealthClient } from '../../gen/grpc/health/v1/health';
import { failure, StreamRecorder } from './support/control-client';
import { ControlStack, startControlStack } from './support/control-stack';

let stack: ControlStack;
let client: HealthClient;

beforeAll(async () => {
  stack = await startControlStack();
  client = new HealthClient(`127.0.0.1:${stack.server.port}`, credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await stack?.close();
});

function check(service: string): Promise<Serving> {
  return new Promise((resolve, reject) => {
    client.check({ service }, (error: ServiceError | null, response: HealthCheckResponse) => (error ? reject(error) : resolve(response.status)));
  });
}

it('checks the server and the service; an unknown service is NOT_FOUND', async () => {
  expect(await check('')).toBe(Serving.SERVING);
  expect(await check('thriftproxy.v1.ScenarioControl')).toBe(Serving.SERVING);
  expect(await failure(check('no.such.Service'))).toMatchObject({ code: status.NOT_FOUND });
});

it('lists every status', async () => {
  const statuses = await new Promise((resolve, reject) => {
    client.list({}, (error, response) => (error ? reject(error) : resolve(response.statuses)));
  });
  expect(statuses).toEqual({ '': { status: Serving.SERVING }, 'thriftproxy.v1.ScenarioControl': { status: Serving.SERVING } });
});

it('watches: the current status, SERVICE_UNKNOWN for an unknown service; a cancelled watch ends', async () => {
  const known = new StreamRecorder(client.watch({ service: '' }));
  const unknown = new StreamRecorder(client.watch({ service: 'no.such.Service' }));
  try {
    expect(await known.until((m) => m.length >= 1)).toEqual([{ status: Serving.SERVING }]);
    expect(await unknown.until((m) => m.length >= 1)).toEqual([{ status: Serving.SERVICE_UNKNOWN }]);
    expect(unknown.ended).toBe(false);
  } finally {
    known.stream.cancel();
    unknown.stream.cancel();
  }
  expect(((await known.closed()) as ServiceError | undefined)?.code).toBe(status.CANCELLED);
});

it('tells watchers NOT_SERVING on shutdown, then ends their streams promptly', async () => {
  const own = await startControlStack();
  const ownClient = new HealthClient(`127.0.0.1:${own.server.port}`, credentials.createInsecure());
  try {
    const watch = new StreamRecorder(ownClient.watch({ service: 'thriftproxy.v1.ScenarioControl' }));
    await watch.until((m) => m.length >= 1);
    await own.close();
    // Ended with OK: by the server, not by the forced shutdown that follows a grace period (that cancels).
    expect(await watch.closed()).toBeUndefined();
    expect(watch.messages).toEqual([{ status: Serving.SERVING }, { status: Serving.NOT_SERVING }]);
  } finally {
    ownClient.close();
    await own.close();
  }
});
