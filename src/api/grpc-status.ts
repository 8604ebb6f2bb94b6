// Maps what a handler threw to a gRPC status. Domain errors keep their message (it says what to fix);
// anything else is a bug on our side: INTERNAL, logged, without echoing internals to the client.
import { status, StatusObject } from '@grpc/grpc-js';
import { ScenarioError, ScenarioErrorCode } from '../core/model';

const STATUS_OF: Record<ScenarioErrorCode, status> = {
  not_found: status.NOT_FOUND,
  invalid_argument: status.INVALID_ARGUMENT,
  already_exists: status.ALREADY_EXISTS,
  failed_precondition: status.FAILED_PRECONDITION,
};

/**
 * Longest status message sent. Messages may echo what a client sent; grpc-js clients choke on trailers of
 * ~100 KB (the call hangs and the channel stays broken), so every message is cut well below that.
 */
export const MAX_STATUS_DETAILS_CHARS = 1024;

export type ApiErrorLog = (rpc: string, error: unknown) => void;

export function toGrpcStatus(error: unknown, rpc: string, logError: ApiErrorLog): Pick<StatusObject, 'code' | 'details'> {
  if (error instanceof ScenarioError) {
    return {
      code: STATUS_OF[error.code],
      details: clipDetails(error.message),
    };
  }
  logError(rpc, error);
  return { code: status.INTERNAL, details: `${rpc} failed inside the proxy; its log has the details` };
}

function clipDetails(message: string): string {
  return message.length <= MAX_STATUS_DETAILS_CHARS ? message : `${message.slice(0, MAX_STATUS_DETAILS_CHARS)}...(cut)`;
}
