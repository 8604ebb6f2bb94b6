// Step `thrift_error`: answer a Thrift call the way a real server reports a failure: HTTP 200 with a Thrift
// REPLY for the same method and seqid, in the caller's protocol, whose TStatus carries the error; or, when
// asked, an EXCEPTION message with a TApplicationException (a failure of the call itself).
import { encodeThriftApplicationException, encodeThriftErrorReply } from '../thrift/error-reply';
import { StepImplementation } from './step-kind';
import { DEFAULT_CONTENT_TYPE } from './respond';

export const THRIFT_CONTENT_TYPE = 'application/x-thrift';

export const TSTATUS_NAMES: Readonly<Record<number, string>> = {
  0: 'SUCCESS_STATUS',
  1: 'SUCCESS_WITH_INFO_STATUS',
  2: 'STILL_EXECUTING_STATUS',
  3: 'ERROR_STATUS',
  4: 'INVALID_HANDLE_STATUS',
};

const APPLICATION_EXCEPTION_TYPES = [
  'UNKNOWN',
  'UNKNOWN_METHOD',
  'INVALID_MESSAGE_TYPE',
  'WRONG_METHOD_NAME',
  'BAD_SEQUENCE_ID',
  'MISSING_RESULT',
  'INTERNAL_ERROR',
  'PROTOCOL_ERROR',
  'INVALID_TRANSFORM',
  'INVALID_PROTOCOL',
  'UNSUPPORTED_CLIENT_TYPE',
] as const;

const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;

export const thriftError: StepImplementation<'thrift_error'> = {
  kind: 'thrift_error',
  ends: true,
  validate(step, problem) {
    if (!Number.isInteger(step.statusCode) || TSTATUS_NAMES[step.statusCode] === undefined) {
      problem('status_code', `${step.statusCode} is not a TStatusCode (0 SUCCESS to 4 INVALID_HANDLE; errors are 3 and 4)`);
    }
    if (step.errorCode !== undefined && (!Number.isInteger(step.errorCode) || step.errorCode < I32_MIN || step.errorCode > I32_MAX)) {
      problem('error_code', `${step.errorCode} is not a 32-bit integer`);
    }
    const type = step.applicationExceptionType;
    if (type !== undefined && (!Number.isInteger(type) || type < 0 || type >= APPLICATION_EXCEPTION_TYPES.length)) {
      problem('application_exception.type', `${type} is not a TApplicationException type (0 UNKNOWN to 10 UNSUPPORTED_CLIENT_TYPE)`);
    }
  },
  explain(step) {
    const message = step.errorMessage === '' ? '' : `: "${step.errorMessage}"`;
    if (step.applicationExceptionType !== undefined) {
      return `answer with a Thrift TApplicationException ${APPLICATION_EXCEPTION_TYPES[step.applicationExceptionType] ?? step.applicationExceptionType}${message}`;
    }
    return `reply with a Thrift ${TSTATUS_NAMES[step.statusCode] ?? `status ${step.statusCode}`}${message}`;
  },
  run(exchange, step) {
    const call = exchange.thriftCall;
    if (call === undefined) {
      // Nothing to echo (not a decodable Thrift call): say it the way the original proxy did, as HTTP 500.
      return exchange.reply({ status: 500, headers: { 'content-type': DEFAULT_CONTENT_TYPE }, body: Buffer.from(step.errorMessage, 'utf8') });
    }
    const body =
      step.applicationExceptionType !== undefined
        ? encodeThriftApplicationException({ ...call, type: step.applicationExceptionType, message: step.errorMessage })
        : encodeThriftErrorReply({
            ...call,
            statusCode: step.statusCode,
            message: step.errorMessage,
            sqlState: step.sqlState,
            errorCode: step.errorCode,
          });
    return exchange.reply({ status: 200, headers: { 'content-type': THRIFT_CONTENT_TYPE }, body, thrift: true });
  },
};
