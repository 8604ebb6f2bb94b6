// Responses encoded ahead of grpc-js: a WatchCalls event encoded once for every subscriber, a ListCalls page cut
// at an exact encoded size. The service's response serializers pass such bytes through untouched.
import { ServiceDefinition } from '@grpc/grpc-js';

/** The same service, whose response serializers send a Buffer as it is (and encode anything else as before). */
export function acceptEncodedResponses<S extends ServiceDefinition>(service: S): S {
  const wrapped: Record<string, ServiceDefinition[string]> = {};
  for (const [name, method] of Object.entries(service)) {
    const serialize = method.responseSerialize;
    wrapped[name] = {
      ...method,
      responseSerialize: (value: unknown): Buffer => (Buffer.isBuffer(value) ? value : serialize(value)),
    };
  }
  return wrapped as ServiceDefinition as S;
}

/** Bytes of a `T`, typed as the `T` a handler answers (the service must come from acceptEncodedResponses). */
export function asEncoded<T>(bytes: Uint8Array): T {
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as unknown as T;
}
