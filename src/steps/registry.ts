// Every step kind and the module that implements it. The mapped type makes a kind of StepSpec without an
// entry here (or an entry of the wrong kind) a compile error: adding a kind is its module, its line here, its
// proto member (and translate.ts), and its tests. docs/EXTENDING.md walks through it.
import { StepKind, StepSpec } from '../core/model';
import { close } from './close';
import { delay } from './delay';
import { forward } from './forward';
import { hold } from './hold';
import { reset } from './reset';
import { respond } from './respond';
import { Exchange, ProblemSink, StepImplementation, StepOutcome } from './step-kind';
import { thriftError } from './thrift-error';

export type StepRegistry = { readonly [K in StepKind]: StepImplementation<K> };

export const STEP_KINDS: StepRegistry = {
  delay,
  respond,
  thrift_error: thriftError,
  reset,
  close,
  hold,
  forward,
};

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

export function stepEnds(step: StepSpec): boolean {
  return implementationOf(step).ends;
}
