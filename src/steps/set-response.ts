// Step `set_response`: the server's status replaced (when given) and headers added, replaced or, with an empty
// value, removed; the body passes through (without Content-Length it goes out chunked).
import { changeHead } from '../proxy/reply/head-change';
import { checkHttpStatus, HEADER_NAME } from './respond';
import { StepImplementation } from './step-kind';

// Framing the proxy must stay in charge of (Content-Length may be removed, not set).
const FRAMING_HEADERS = new Set(['transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'trailer', 'te']);

export const setResponse: StepImplementation<'set_response'> = {
  kind: 'set_response',
  ends: false,
  onResponse: true,
  validate(step, problem) {
    const status = step.httpStatus ?? 0;
    if (status !== 0) checkHttpStatus(status, 'http_status', problem);
    const headers = Object.entries(step.headers ?? {});
    for (const [name, value] of headers) {
      const field = `headers[${JSON.stringify(name)}]`;
      if (!HEADER_NAME.test(name)) problem(field, "is not a valid header name (letters, digits and !#$%&'*+.^_`|~-)");
      else if (FRAMING_HEADERS.has(name.toLowerCase())) problem(field, 'frames the connection; the proxy sets it itself');
      else if (name.toLowerCase() === 'content-length' && value !== '') problem(field, 'can only be removed (give an empty value): the body is passed through as it is');
      if (/[\r\n\0]/.test(value)) problem(field, 'a header value must not contain CR, LF or NUL');
    }
    if (status === 0 && headers.length === 0) problem('http_status', 'nothing to set: give http_status, headers, or both');
  },
  explain(step) {
    const parts: string[] = [];
    if (step.httpStatus !== undefined && step.httpStatus !== 0) parts.push(`status ${step.httpStatus}`);
    for (const [name, value] of Object.entries(step.headers ?? {})) parts.push(value === '' ? `no ${name}` : `${name}: ${value}`);
    return `set the reply's ${parts.join(', ')}`;
  },
  run(exchange, step) {
    exchange.onResponse({ step: setResponse.explain(step), head: (head) => changeHead(head, step) });
    return 'continue';
  },
};
