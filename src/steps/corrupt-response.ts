// Step `corrupt_response`: every bit of body bytes [offset, offset + length) flipped; length and headers
// unchanged (for checksum, LZ4 and Arrow validation paths).
import { CorruptStream } from '../proxy/reply/corrupt-stream';
import { checkByteCount, formatBytes } from './limits';
import { StepImplementation } from './step-kind';

export const corruptResponse: StepImplementation<'corrupt_response'> = {
  kind: 'corrupt_response',
  ends: false,
  onResponse: true,
  validate(step, problem) {
    checkByteCount(step.offset, 'offset', problem);
    checkByteCount(step.length, 'length', problem, 1);
  },
  explain: (step) => `flip the bits of ${formatBytes(step.length)} of the reply body from byte ${step.offset}`,
  run(exchange, step) {
    exchange.onResponse({ step: corruptResponse.explain(step), body: () => new CorruptStream(step.offset, step.length) });
    return 'continue';
  },
};
