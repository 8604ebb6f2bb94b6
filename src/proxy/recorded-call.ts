// One call's journal entry from the proxy's side: begun when the request is understood, annotated when a
// scenario fires, finished exactly once however the exchange ends. (The app logs finished calls at debug
// level from the journal's events, so nothing is logged here.)
import { performance } from 'node:perf_hooks';
import { CallRecord } from '../core/model';
import { redactSecretsInText } from '../core/redact';
import { CallEnd, CallJournal } from '../journal/call-journal';

export type CallRecorder = Pick<CallJournal, 'begin' | 'annotate' | 'finish'>;

/** What the proxy learned by the end of a call, besides its state. */
export type CallOutcome = Omit<CallEnd, 'state' | 'error' | 'durationMs'>;

export class RecordedCall {
  /** performance.now() when the call arrived. */
  readonly startedAt = performance.now();
  private finishedRecord: CallRecord | undefined;
  private steps: string[] | undefined;

  constructor(
    private readonly journal: CallRecorder,
    private record: CallRecord,
  ) {}

  get finished(): boolean {
    return this.finishedRecord !== undefined;
  }

  /** Names the scenario that fired on this call, visible while the call is still in flight. */
  markScenario(scenario: string): void {
    this.record = this.journal.annotate(this.record, { scenario });
  }

  /** Adds a step of the scenario that is running on this call (its explanation), visible while in flight. */
  noteStep(step: string): void {
    (this.steps ??= []).push(step);
    this.record = this.journal.annotate(this.record, { steps: [...this.steps] });
  }

  complete(outcome: CallOutcome): void {
    this.end({ ...outcome, state: 'completed' });
  }

  /** `error` may quote what an upstream or a library said: its secrets are redacted before it is recorded. */
  fail(error: string, outcome: CallOutcome = {}): void {
    this.end({ ...outcome, state: 'failed', error: redactSecretsInText(error) });
  }

  private end(patch: CallEnd): void {
    if (this.finishedRecord !== undefined) return;
    patch.durationMs = performance.now() - this.startedAt;
    if (this.steps !== undefined) patch.steps = this.steps;
    this.finishedRecord = this.journal.finish(this.record, patch);
  }
}
