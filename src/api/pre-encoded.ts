// Responses encoded ahead of grpc-js: a WatchCalls event encoded once for every subscriber, a ListCalls page cut
// at an exact encoded size. The service's response serializers pass such bytes through untouched.
import { ServiceDefinition } from '@grpc/grpc-js';
import { mapServiceMethods } from './service-methods';

/** The same service, whose response serializers send a Buffer as it is (and encode anything else as before). */
export function acceptEncodedResponses<S extends ServiceDefinition>(service: S): S {
  return mapServiceMethods(service, (method) => ({
    ...method,
    responseSerialize: (value: unknown): Buffer => (Buffer.isBuffer(value) ? value : method.responseSerialize(value)),
  }));
}

/** Bytes of a `T`, typed as the `T` a handler answers (the service must come from acceptEncodedResponses). */
export function asEncoded<T>(bytes: Uint8Array): T {
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as unknown as T;
}
