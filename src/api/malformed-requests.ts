// A request body that is not a valid protobuf message of the method's request type (garbage, truncated) is the
// client's mistake: INVALID_ARGUMENT saying so. grpc-js answers INTERNAL when a deserializer throws, and the
// README reserves INTERNAL for bugs in the proxy, so the deserializers here never throw: they hand a
// MalformedRequest on, and an interceptor answers it before any handler sees it.
import {
  Metadata,
  Server,
  ServerInterceptingCall,
  ServerInterceptor,
  ServerListenerBuilder,
  ServiceDefinition,
  status,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { mapServiceMethods } from './service-methods';

class MalformedRequest {
  constructor(readonly reason: string) {}
}

/** The same service, with request deserializers that return a MalformedRequest instead of throwing. */
export function tolerateMalformedRequests<S extends ServiceDefinition>(service: S): S {
  return mapServiceMethods(service, (method) => ({
    ...method,
    requestDeserialize: (bytes: Buffer): unknown => {
      try {
        return method.requestDeserialize(bytes);
      } catch (error) {
        return new MalformedRequest(error instanceof Error ? error.message : String(error));
      }
    },
  }));
}

/** Answers INVALID_ARGUMENT for a MalformedRequest; passes every other message on untouched. */
export const rejectMalformedRequests: ServerInterceptor = (method, call) =>
  new ServerInterceptingCall(call, {
    start: (next) =>
      next(
        new ServerListenerBuilder()
          .withOnReceiveMessage((message: unknown, pass: (message: unknown) => void) => {
            if (!(message instanceof MalformedRequest)) {
              pass(message);
              return;
            }
            call.sendStatus({
              code: status.INVALID_ARGUMENT,
              details: `${method.path}: the request is not a valid protobuf message of its type (${message.reason.slice(0, 200)})`,
              metadata: new Metadata(),
            });
          })
          .build(),
      ),
  });

/** What adds services to a server: addService with every request deserializer made tolerant. */
export type ServiceRegistry = Pick<Server, 'addService'>;

export function tolerantRegistry(server: Server): ServiceRegistry {
  return {
    addService: (service: ServiceDefinition, implementation: UntypedServiceImplementation) =>
      server.addService(tolerateMalformedRequests(service), implementation),
  };
}
