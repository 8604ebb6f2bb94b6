// Step `respond`: answer with an HTTP status, headers and body of our own; the request never reaches the server.
import { ProblemSink, StepImplementation } from './step-kind';

export const DEFAULT_CONTENT_TYPE = 'text/plain; charset=utf-8';

// RFC 9110 token characters: what a header name may be made of.
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// The proxy frames the answer itself; these would contradict it.
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'trailer', 'te']);
const HEADER_VALUE_MAX = 40;

function shortValue(value: string): string {
  return value.length <= HEADER_VALUE_MAX ? value : `${value.slice(0, HEADER_VALUE_MAX - 3)}...`;
}

/** A status a step may answer with: a final status, 200 to 599. */
export function checkHttpStatus(status: number, field: string, problem: ProblemSink): void {
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    problem(field, `${status} is not an HTTP status (give 200 to 599)`);
  } else if (status < 200) {
    problem(field, `${status} is an interim (1xx) status, not an answer (give 200 to 599)`);
  }
}

export const respond: StepImplementation<'respond'> = {
  kind: 'respond',
  ends: true,
  validate(step, problem) {
    checkHttpStatus(step.httpStatus, 'http_status', problem);
    for (const [name, value] of Object.entries(step.headers ?? {})) {
      if (!HEADER_NAME.test(name)) problem(`headers[${JSON.stringify(name)}]`, 'is not a valid header name (letters, digits and !#$%&\'*+.^_`|~-)');
      else if (FRAMING_HEADERS.has(name.toLowerCase())) {
        problem(`headers[${JSON.stringify(name)}]`, 'is set by the proxy itself (it frames the answer); leave it out');
      } else if (name.toLowerCase() === 'content-type') problem(`headers[${JSON.stringify(name)}]`, 'give the content type as content_type');
      if (/[\r\n\0]/.test(value)) problem(`headers[${JSON.stringify(name)}]`, 'a header value must not contain CR, LF or NUL');
    }
    if (step.contentType !== undefined && /[\r\n\0]/.test(step.contentType)) {
      problem('content_type', 'must not contain CR, LF or NUL');
    }
  },
  explain(step) {
    // Only Retry-After is worth a place in one line: it changes what a driver does next.
    const retryAfter = Object.entries(step.headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after');
    return `respond HTTP ${step.httpStatus}${retryAfter === undefined ? '' : ` (Retry-After: ${shortValue(retryAfter[1])})`}`;
  },
  run(exchange, step) {
    return exchange.reply({
      status: step.httpStatus,
      headers: { ...step.headers, 'content-type': step.contentType ?? DEFAULT_CONTENT_TYPE },
      body: Buffer.from(step.body, 'utf8'),
    });
  },
};
