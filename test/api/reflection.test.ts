// Server reflection over a real socket, v1 and v1alpha, with grpc-js clients of the generated stubs; the
// returned FileDescriptorProtos are decoded with @bufbuild/protobuf. `buf curl` (an independent client) checks
// the v1alpha protocol end to end.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { ClientDuplexStream, credentials, status } from '@grpc/grpc-js';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import * as v1 from '../../gen/grpc/reflection/v1/reflection';
import * as v1alpha from '../../gen/grpc/reflection/v1alpha/reflection';
import { ControlStack, startControlStack } from './support/control-stack';

const BUF = path.join(__dirname, '../../node_modules/.bin/buf');

let stack: ControlStack;
let address: string;

beforeAll(async () => {
  stack = await startControlStack();
  address = `127.0.0.1:${stack.server.port}`;
});

afterAll(async () => {
  await stack?.close();
});

type Request = v1.ServerReflectionRequest['messageRequest'];
type Response = v1.ServerReflectionResponse;
type ReflectionStream = ClientDuplexStream<v1.ServerReflectionRequest, v1.ServerReflectionResponse>;

const clients = {
  v1: (): { stream: ReflectionStream; close(): void } => {
    const client = new v1.ServerReflectionClient(address, credentials.createInsecure());
    return { stream: client.serverReflectionInfo(), close: () => client.close() };
  },
  v1alpha: (): { stream: ReflectionStream; close(): void } => {
    const client = new v1alpha.ServerReflectionClient(address, credentials.createInsecure());
    return { stream: client.serverReflectionInfo(), close: () => client.close() };
  },
};

/** Sends the requests on one stream, half-closes it, and collects every response until the server ends it. */
async function reflect(version: keyof typeof clients, ...requests: Request[]): Promise<Response[]> {
  const { stream, close } = clients[version]();
  try {
    const responses: Response[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      stream.on('data', (response: Response) => responses.push(response));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    for (const messageRequest of requests) stream.write({ host: 'h', messageRequest });
    stream.end();
    await ended;
    return responses;
  } finally {
    close();
  }
}

/** Names of the files in a file_descriptor_response, in order; throws on any other kind of response. */
function fileNames(response: Response): string[] {
  if (response.messageResponse?.$case !== 'fileDescriptorResponse') {
    throw new Error(`expected files, got ${JSON.stringify(response.messageResponse)}`);
  }
  return response.messageResponse.value.fileDescriptorProto.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name);
}

const CONTRACT = 'thriftproxy/v1/scenario_control.proto';
const CONTRACT_WITH_IMPORTS = [CONTRACT, 'google/protobuf/duration.proto', 'google/protobuf/struct.proto', 'google/protobuf/timestamp.proto'];

describe.each(['v1', 'v1alpha'] as const)('reflection %s', (version) => {
  it('lists the services clients call', async () => {
    const [response] = await reflect(version, { $case: 'listServices', value: '' });
    expect(response.messageResponse).toEqual({
      $case: 'listServicesResponse',
      value: { service: [{ name: 'thriftproxy.v1.ScenarioControl' }, { name: 'grpc.health.v1.Health' }] },
    });
  });

  it('finds files by name, with their transitive imports, the asked file first', async () => {
    const [contract, health] = await reflect(
      version,
      { $case: 'fileByFilename', value: CONTRACT },
      { $case: 'fileByFilename', value: 'grpc/health/v1/health.proto' },
    );
    expect(fileNames(contract)[0]).toBe(CONTRACT);
    expect(fileNames(contract).sort()).toEqual([...CONTRACT_WITH_IMPORTS].sort());
    expect(fileNames(health)).toEqual(['grpc/health/v1/health.proto']);
  });

  it('finds the file declaring a service, a method, a message, a nested enum, an enum value and a field', async () => {
    const symbols = [
      'thriftproxy.v1.ScenarioControl',
      'thriftproxy.v1.ScenarioControl.EnableScenario',
      '.thriftproxy.v1.EnableScenarioRequest',
      'grpc.health.v1.HealthCheckResponse.ServingStatus',
      'grpc.health.v1.HealthCheckResponse.SERVING',
      'grpc.health.v1.HealthListResponse.StatusesEntry',
      'grpc.health.v1.HealthCheckRequest.service',
      'grpc.reflection.v1.ServerReflection.ServerReflectionInfo',
      'grpc.reflection.v1alpha.ServerReflectionRequest',
      'google.protobuf.Duration',
    ];
    const responses = await reflect(version, ...symbols.map((value): Request => ({ $case: 'fileContainingSymbol', value })));
    expect(responses.map((r) => fileNames(r)[0])).toEqual([
      CONTRACT,
      CONTRACT,
      CONTRACT,
      'grpc/health/v1/health.proto',
      'grpc/health/v1/health.proto',
      'grpc/health/v1/health.proto',
      'grpc/health/v1/health.proto',
      'grpc/reflection/v1/reflection.proto',
      'grpc/reflection/v1alpha/reflection.proto',
      'google/protobuf/duration.proto',
    ]);
    expect(fileNames(responses[1]).sort()).toEqual([...CONTRACT_WITH_IMPORTS].sort());
    // Each response echoes its request, so a client can pair them up.
    expect(responses.map((r) => r.originalRequest?.messageRequest?.value)).toEqual(symbols);
  });

  it('answers NOT_FOUND for unknown symbols, files and extensions, and no extension numbers for a known message', async () => {
    const responses = await reflect(
      version,
      { $case: 'fileContainingSymbol', value: 'thriftproxy.v1.ScenarioControl.NoSuchMethod' },
      { $case: 'fileContainingSymbol', value: 'no.such.Thing' },
      { $case: 'fileByFilename', value: 'no/such.proto' },
      { $case: 'fileContainingExtension', value: { containingType: 'thriftproxy.v1.EnableScenarioRequest', extensionNumber: 100 } },
      { $case: 'allExtensionNumbersOfType', value: 'thriftproxy.v1.EnableScenarioRequest' },
      { $case: 'allExtensionNumbersOfType', value: 'no.such.Message' },
      undefined,
    );
    const notFound = { $case: 'errorResponse', value: expect.objectContaining({ errorCode: status.NOT_FOUND }) };
    expect(responses.map((r) => r.messageResponse)).toEqual([
      notFound,
      notFound,
      notFound,
      notFound,
      {
        $case: 'allExtensionNumbersResponse',
        value: { baseTypeName: 'thriftproxy.v1.EnableScenarioRequest', extensionNumber: [] },
      },
      notFound,
      { $case: 'errorResponse', value: expect.objectContaining({ errorCode: status.INVALID_ARGUMENT }) },
    ]);
    expect(responses[1].messageResponse).toMatchObject({ value: { errorMessage: "symbol 'no.such.Thing' not found" } });
  });
});

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(BUF, args, { timeout: 15_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('buf curl over v1alpha reflection', () => {
  const base = (): string[] => ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '--reflect-protocol', 'grpc-v1alpha'];

  it('lists the methods', async () => {
    const result = await run([...base(), '--list-methods', `http://${address}`]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('thriftproxy.v1.ScenarioControl/EnableScenario\n');
    expect(result.stdout).toContain('grpc.health.v1.Health/Check\n');
  });

  it('calls health Check with the schema it learnt', async () => {
    const result = await run([...base(), '-d', '{"service":"thriftproxy.v1.ScenarioControl"}', `http://${address}/grpc.health.v1.Health/Check`]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({ status: 'SERVING' });
  });
});
