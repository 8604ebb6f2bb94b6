// TStatus values the fake answers with, worded like Databricks' own.
import { T, type TStatus } from './tcli-service';

export function successStatus(): TStatus {
  return new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS });
}

export function errorStatus(message: string, sqlState?: string): TStatus {
  return new T.TStatus({ statusCode: T.TStatusCode.ERROR_STATUS, errorMessage: message, displayMessage: message, sqlState });
}

export function invalidSessionHandle(id: string): TStatus {
  const message = `Invalid SessionHandle: SessionHandle [${id}]`;
  return new T.TStatus({ statusCode: T.TStatusCode.INVALID_HANDLE_STATUS, errorMessage: message, displayMessage: message, sqlState: 'HY000' });
}

export function invalidOperationHandle(id: string): TStatus {
  const message = `Invalid OperationHandle: OperationHandle [${id}]`;
  return new T.TStatus({ statusCode: T.TStatusCode.INVALID_HANDLE_STATUS, errorMessage: message, displayMessage: message, sqlState: 'HY000' });
}
