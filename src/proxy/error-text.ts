// One way to turn a thrown value into log and record text. Duck-typed rather than `instanceof Error`: errors
// from Node's core can come from another realm (e.g. under jest), where instanceof is false.

interface ErrorLike {
  message: string;
  code?: unknown;
}

function isErrorLike(error: unknown): error is ErrorLike {
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

/** `CODE: message` when Node gave an error code the message does not already contain. */
export function errorText(error: unknown): string {
  if (!isErrorLike(error)) return String(error);
  const code = errorCode(error);
  return code !== undefined && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

/** The error code Node attached (ECONNREFUSED, ECONNRESET, CERT_HAS_EXPIRED, ...), if any. */
export function errorCode(error: unknown): string | undefined {
  const code = isErrorLike(error) ? error.code : undefined;
  return typeof code === 'string' ? code : undefined;
}
