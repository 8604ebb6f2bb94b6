// Step `throttle_response`: the reply body reaches the client at `bytes_per_second` (a token bucket, smooth to
// within a few percent over a second), with backpressure: the proxy holds only a small window of it.
import { ThrottleStream } from '../proxy/reply/throttle-stream';
import { checkByteCount, formatBytes } from './limits';
import { StepImplementation } from './step-kind';

export const throttleResponse: StepImplementation<'throttle_response'> = {
  kind: 'throttle_response',
  ends: false,
  onResponse: true,
  validate: (step, problem) => checkByteCount(step.bytesPerSecond, 'bytes_per_second', problem, 1),
  explain: (step) => `throttle the reply to ${formatBytes(step.bytesPerSecond)}/s`,
  run(exchange, step) {
    exchange.onResponse({ step: throttleResponse.explain(step), body: () => new ThrottleStream(step.bytesPerSecond) });
    return 'continue';
  },
};
