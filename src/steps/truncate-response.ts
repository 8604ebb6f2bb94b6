// Step `truncate_response`: the server's status and headers go out unchanged (Content-Length still promises the
// whole body), then exactly `after_bytes` body bytes, then the client's connection ends: reset (RST) or closed
// (FIN), or after a share of the body (after_percent of Content-Length). A body no longer than that is
// delivered whole.
import { TruncateStream } from '../proxy/reply/truncate-stream';
import { checkByteCount, formatBytes } from './limits';
import { StepImplementation } from './step-kind';

export const truncateResponse: StepImplementation<'truncate_response'> = {
  kind: 'truncate_response',
  ends: false,
  onResponse: true,
  validate(step, problem) {
    checkByteCount(step.afterBytes, 'after_bytes', problem);
    if (step.afterPercent !== undefined) {
      if (!Number.isInteger(step.afterPercent) || step.afterPercent < 1 || step.afterPercent > 99) problem('after_percent', `${step.afterPercent} is out of range: give 1 to 99`);
      if (step.afterBytes !== 0) problem('after_percent', 'give after_bytes or after_percent, not both');
    }
    if (step.then !== 'reset' && step.then !== 'close') problem('then', 'give CONNECTION_END_RESET (TCP reset) or CONNECTION_END_CLOSE (FIN)');
  },
  explain: (step) =>
    `truncate the reply after ${step.afterPercent === undefined ? formatBytes(step.afterBytes) : `${step.afterPercent} % of its body`}, ` +
    `then ${step.then === 'reset' ? 'reset the connection (RST)' : 'close the connection (FIN)'}`,
  run(exchange, step) {
    exchange.onResponse({
      step: truncateResponse.explain(step),
      body: (control) => {
        // A share needs the announced length; a reply that announces none is delivered whole.
        const length = control.contentLength;
        const after = step.afterPercent === undefined ? step.afterBytes : length === undefined ? Infinity : Math.floor((length * step.afterPercent) / 100);
        return new TruncateStream(after, () => control.cut(step.then));
      },
    });
    return 'continue';
  },
};
