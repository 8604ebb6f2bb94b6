// Every step kind and the module that implements it. The mapped type makes a kind of StepSpec without an
// entry here (or an entry of the wrong kind) a compile error: adding a kind is its module, its line here, its
// proto member (and translate.ts), and its tests. docs/EXTENDING.md walks through it.
import { StepKind, StepSpec } from '../core/model';
import { close } from './close';
import { corruptResponse } from './corrupt-response';
import { delay } from './delay';
import { forward } from './forward';
import { hold } from './hold';
import { reset } from './reset';
import { respond } from './respond';
import { rewriteThriftReplyStep } from './rewrite-thrift-reply';
import { setResponse } from './set-response';
import { stallResponse } from './stall-response';
import { Exchange, ProblemSink, StepImplementation, StepOutcome } from './step-kind';
import { thriftError } from './thrift-error';
import { throttleResponse } from './throttle-response';
import { truncateResponse } from './truncate-response';

export type StepRegistry = { readonly [K in StepKind]: StepImplementation<K> };

export const STEP_KINDS: StepRegistry = {
  delay,
  respond,
  thrift_error: thriftError,
  reset,
  close,
  hold,
  forward,
  truncate_response: truncateResponse,
  throttle_response: throttleResponse,
  stall_response: stallResponse,
  corrupt_response: corruptResponse,
  set_response: setResponse,
  rewrite_thrift_reply: rewriteThriftReplyStep,
};

/** Every step kind's name, for messages: "delay, respond, ...". */
export const STEP_KIND_NAMES = Object.keys(STEP_KINDS).join(', ');

// TypeScript cannot correlate STEP_KINDS[step.kind] with step's own type; the registry's mapped type
// guarantees it, so these three helpers are the one place that says so.
function implementationOf(step: StepSpec): StepImplementation<StepKind> {
  return STEP_KINDS[step.kind] as unknown as StepImplementation<StepKind>;
}

export function runStep(exchange: Exchange, step: StepSpec): StepOutcome | Promise<StepOutcome> {
  return implementationOf(step).run(exchange, step);
}

export function explainStep(step: StepSpec): string {
  return implementationOf(step).explain(step);
}

export function validateStep(step: StepSpec, problem: ProblemSink): void {
  implementationOf(step).validate(step as never, problem);
}

/** Acts only on the server's reply (a response-side step). */
export function stepActsOnResponse(step: StepSpec): boolean {
  return implementationOf(step).onResponse === true;
}

/** Ends the exchange with an answer of its own or a cut, never sending the request to the server. */
export function stepAnswersItself(step: StepSpec): boolean {
  const implementation = implementationOf(step);
  return implementation.ends && implementation.forwards !== true;
}

export function stepEnds(step: StepSpec): boolean {
  return implementationOf(step).ends;
}
