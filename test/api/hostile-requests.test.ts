// Requests a careless or hostile client sends: names of 100 KB (their echo in a status message used to hang
// grpc-js clients and break the channel) and bytes that are not a protobuf message at all (grpc-js answers
// those INTERNAL, which the README reserves for bugs in the proxy).
import { Client, credentials, Metadata, ServiceError, status } from '@grpc/grpc-js';
import { MAX_STATUS_DETAILS_CHARS } from '../../src/api/grpc-status';
import { MAX_NAME_CHARS } from '../../src/api/translate';
import { StreamRecorder, failure } from './support/control-client';
import { ControlStack, startControlStack } from './support/control-stack';

let stack: ControlStack;
beforeAll(async () => {
  stack = await startControlStack();
});
afterAll(async () => {
  await stack.close();
});

const huge = 'n'.repeat(100_000);

describe('names past a sane length', () => {
  it.each([
    ['GetScenario', () => stack.api.getScenario(huge)],
    ['EnableScenario', () => stack.api.enableScenario({ name: huge })],
    ['DisableScenario', () => stack.api.disableScenario(huge)],
    ['ListCalls filter.method', () => stack.api.listCalls({ filter: { method: huge } })],
    ['CountCalls method', () => stack.api.countCalls({ method: huge })],
    ['VerifyCalls methods', () => stack.api.verifyCalls({ kind: 2, methods: ['OpenSession', huge] })],
  ])('%s: INVALID_ARGUMENT with a short message, and the channel keeps working', async (_rpc, send) => {
    const error = await failure(send());
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toMatch(new RegExp(`at most ${MAX_NAME_CHARS} characters`));
    expect(error.details).toContain('(100000 characters)');
    expect(error.details.length).toBeLessThan(400);
    // The same channel still answers.
    expect((await stack.api.getProxyInfo()).version).toBe('test');
  });

  it('WatchCalls: INVALID_ARGUMENT for a huge method name', async () => {
    const watch = new StreamRecorder(stack.api.watchCalls({ methods: [huge] }));
    const error = (await watch.closed()) as ServiceError | undefined;
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
    expect(error?.details.length).toBeLessThan(400);
  });

  it('an unknown name at the limit is still NOT_FOUND, echoed within the status size bound', async () => {
    const error = await failure(stack.api.getScenario('z'.repeat(MAX_NAME_CHARS)));
    expect(error.code).toBe(status.NOT_FOUND);
    expect(error.details.length).toBeLessThanOrEqual(MAX_STATUS_DETAILS_CHARS + 10);
  });
});

describe('bytes that are not a protobuf message', () => {
  // A raw client: sends the given bytes as the request body, whatever the method's type.
  const raw = (): Client => new Client(`127.0.0.1:${stack.server.port}`, credentials.createInsecure());
  const send = (client: Client, path: string, body: Buffer): Promise<{ code: status; details: string }> =>
    new Promise((resolve) => {
      client.makeUnaryRequest(
        path,
        (b: Buffer) => b,
        (b: Buffer) => b,
        body,
        new Metadata(),
        {},
        (error) => resolve(error ? { code: error.code, details: error.details } : { code: status.OK, details: '' }),
      );
    });

  it.each([
    ['garbage', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff])],
    // GetScenarioRequest { name (field 1, length 100) } with 3 bytes of the name.
    ['truncated', Buffer.from([0x0a, 100, 0x61, 0x62, 0x63])],
  ])('%s: INVALID_ARGUMENT saying the request is not a valid message, on every service', async (_what, body) => {
    const client = raw();
    try {
      for (const path of [
        '/thriftproxy.v1.ScenarioControl/GetScenario',
        '/thriftproxy.v1.ScenarioControl/EnableScenario',
        '/thriftproxy.v1.ScenarioControl/ListCalls',
        '/grpc.health.v1.Health/Check',
      ]) {
        const result = await send(client, path, body);
        expect({ path, code: result.code }).toEqual({ path, code: status.INVALID_ARGUMENT });
        expect(result.details).toMatch(/not a valid protobuf message/);
      }
      expect(stack.internalErrors).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('a server stream (WatchCalls) with a garbage request: INVALID_ARGUMENT, no subscription', async () => {
    const client = raw();
    try {
      const stream = client.makeServerStreamRequest(
        '/thriftproxy.v1.ScenarioControl/WatchCalls',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from([0x0a, 0xff]),
        new Metadata(),
        {},
      );
      const error = await new Promise<ServiceError>((resolve) => stream.on('error', resolve));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(stack.journal.watchCount).toBe(0);
    } finally {
      client.close();
    }
  });
});
