// gRPC server reflection, grpc.reflection.v1 and v1alpha (the same messages; older clients speak v1alpha), on
// the ts-proto stubs. Each request on the bidi stream gets one response, in order, answered from the
// descriptor index (gen/scenario_control.binpb), which is loaded on the first request.
import { handleBidiStreamingCall, Server, status } from '@grpc/grpc-js';
import { ServerReflectionRequest, ServerReflectionResponse, ServerReflectionService } from '../../gen/grpc/reflection/v1/reflection';
import { ServerReflectionService as ServerReflectionV1AlphaService } from '../../gen/grpc/reflection/v1alpha/reflection';
import { DescriptorIndex, findDescriptorSet, loadDescriptorIndex } from './descriptor-index';

export interface ReflectionOptions {
  /** Services list_services reports (the ones clients are meant to call). */
  services: readonly string[];
  /** Default: gen/scenario_control.binpb, found above this file. */
  descriptorSetPath?: string;
}

export function addReflection(server: Pick<Server, 'addService'>, options: ReflectionOptions): void {
  const descriptorSetPath = options.descriptorSetPath ?? findDescriptorSet();
  let index: Promise<DescriptorIndex> | undefined;
  const handler = reflectionHandler(() => (index ??= loadDescriptorIndex(descriptorSetPath)), options.services);
  server.addService(ServerReflectionService, { serverReflectionInfo: handler });
  server.addService(ServerReflectionV1AlphaService, { serverReflectionInfo: handler });
}

function reflectionHandler(
  index: () => Promise<DescriptorIndex>,
  services: readonly string[],
): handleBidiStreamingCall<ServerReflectionRequest, ServerReflectionResponse> {
  return (call) => {
    // One chain per stream keeps the responses in request order.
    let answered: Promise<void> = Promise.resolve();
    call.on('data', (request: ServerReflectionRequest) => {
      answered = answered.then(async () => {
        let response: ServerReflectionResponse;
        try {
          response = answer(await index(), services, request);
        } catch (error) {
          response = failed(request, status.INTERNAL, `reflection data unavailable: ${error instanceof Error ? error.message : String(error)}`);
        }
        if (!call.cancelled) call.write(response);
      });
    });
    call.on('end', () => void answered.then(() => call.end()));
    // A cancelled stream has no one to answer; its pending writes are dropped above.
    call.on('error', () => undefined);
  };
}

function answer(index: DescriptorIndex, services: readonly string[], request: ServerReflectionRequest): ServerReflectionResponse {
  const files = (fileName: string | undefined, what: string): ServerReflectionResponse => {
    const found = fileName === undefined ? undefined : index.fileWithDependencies(fileName);
    return found === undefined
      ? failed(request, status.NOT_FOUND, `${what} not found`)
      : respond(request, { $case: 'fileDescriptorResponse', value: { fileDescriptorProto: found } });
  };
  const asked = request.messageRequest;
  switch (asked?.$case) {
    case 'listServices':
      return respond(request, { $case: 'listServicesResponse', value: { service: services.map((name) => ({ name })) } });
    case 'fileByFilename':
      return files(asked.value, `file '${asked.value}'`);
    case 'fileContainingSymbol':
      return files(index.fileDeclaring(asked.value), `symbol '${asked.value}'`);
    case 'fileContainingExtension': {
      const { containingType, extensionNumber } = asked.value;
      return files(index.fileExtending(containingType, extensionNumber), `extension ${extensionNumber} of '${containingType}'`);
    }
    case 'allExtensionNumbersOfType': {
      const numbers = index.extensionNumbersOf(asked.value);
      return numbers === undefined
        ? failed(request, status.NOT_FOUND, `type '${asked.value}' not found`)
        : respond(request, { $case: 'allExtensionNumbersResponse', value: { baseTypeName: asked.value, extensionNumber: numbers } });
    }
    case undefined:
      return failed(request, status.INVALID_ARGUMENT, 'empty reflection request');
  }
}

function respond(request: ServerReflectionRequest, messageResponse: ServerReflectionResponse['messageResponse']): ServerReflectionResponse {
  return { validHost: request.host, originalRequest: request, messageResponse };
}

function failed(request: ServerReflectionRequest, code: status, errorMessage: string): ServerReflectionResponse {
  return respond(request, { $case: 'errorResponse', value: { errorCode: code, errorMessage } });
}
