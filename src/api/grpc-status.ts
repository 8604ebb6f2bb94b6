// Maps what a handler threw to a gRPC status. Domain errors keep their message (it says what to fix);
// anything else is a bug on our side: INTERNAL, logged, without echoing internals to the client.
import { status, StatusObject } from '@grpc/grpc-js';
import { ScenarioError } from '../core/model';

export type ApiErrorLog = (rpc: string, error: unknown) => void;

export function toGrpcStatus(error: unknown, rpc: string, logError: ApiErrorLog): Pick<StatusObject, 'code' | 'details'> {
  if (error instanceof ScenarioError) {
    return {
      code: error.code === 'not_found' ? status.NOT_FOUND : status.INVALID_ARGUMENT,
      details: error.message,
    };
  }
  logError(rpc, error);
  return { code: status.INTERNAL, details: `${rpc} failed inside the proxy; its log has the details` };
}
