// Step `stall_response`: the first `after_bytes` of the reply body, then nothing for `duration`, then the rest.
import { StallStream } from '../proxy/reply/stall-stream';
import { checkByteCount, checkWaitMs, formatBytes, formatMs } from './limits';
import { StepImplementation } from './step-kind';

export const stallResponse: StepImplementation<'stall_response'> = {
  kind: 'stall_response',
  ends: false,
  onResponse: true,
  validate(step, problem) {
    checkByteCount(step.afterBytes, 'after_bytes', problem);
    checkWaitMs(step.durationMs, 'duration', problem);
  },
  explain: (step) => `stall the reply ${formatMs(step.durationMs)} after ${formatBytes(step.afterBytes)}`,
  run(exchange, step) {
    exchange.onResponse({ step: stallResponse.explain(step), body: () => new StallStream(step.afterBytes, step.durationMs) });
    return 'continue';
  },
};
