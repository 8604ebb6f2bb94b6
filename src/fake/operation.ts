// One operation (a statement or a metadata call) and its life: running until its execution time has passed,
// then finished with a result or failed with a SQL error; or cancelled; closed by the driver.
import type { HandleId } from './handles';
import type { ResultDelivery } from './result-delivery';
import type { SqlFailure } from './sql-surface';
import { T, type TOperationHandle } from './tcli-service';

export type OperationPhase = 'running' | 'finished' | 'failed' | 'canceled' | 'closed';

export class Operation {
  private canceledAt?: number;
  closed = false;

  constructor(
    readonly handle: HandleId,
    readonly sessionId: string,
    readonly operationType: number,
    readonly startedAt: number,
    /** When execution ends; the phase is derived from the clock, so no timer has to be kept. */
    readonly readyAt: number,
    readonly outcome: { delivery: ResultDelivery } | { failure: SqlFailure },
  ) {}

  phase(now: number = Date.now()): OperationPhase {
    if (this.closed) return 'closed';
    if (this.canceledAt !== undefined) return 'canceled';
    if (now < this.readyAt) return 'running';
    return 'failure' in this.outcome ? 'failed' : 'finished';
  }

  /** Cancelling is only meaningful while running; a finished operation keeps its result, as on Databricks. */
  cancel(now: number = Date.now()): void {
    if (this.phase(now) === 'running') this.canceledAt = now;
  }

  close(): void {
    this.closed = true;
    if ('delivery' in this.outcome) this.outcome.delivery.release();
  }

  /**
   * Every statement the fake runs is a query and every metadata call returns rows, so an operation has a result
   * set even when it fails: the driver then waits for the operation and reports its error, instead of
   * returning no rows.
   */
  get hasResultSet(): boolean {
    return true;
  }

  get delivery(): ResultDelivery | undefined {
    return 'delivery' in this.outcome ? this.outcome.delivery : undefined;
  }

  get failure(): SqlFailure | undefined {
    return 'failure' in this.outcome ? this.outcome.failure : undefined;
  }

  get completedAt(): number {
    return this.canceledAt ?? this.readyAt;
  }

  thriftState(now: number = Date.now()): number {
    const states: Record<OperationPhase, number> = {
      running: T.TOperationState.RUNNING_STATE,
      finished: T.TOperationState.FINISHED_STATE,
      failed: T.TOperationState.ERROR_STATE,
      canceled: T.TOperationState.CANCELED_STATE,
      closed: T.TOperationState.CLOSED_STATE,
    };
    return states[this.phase(now)];
  }

  thriftHandle(): TOperationHandle {
    return new T.TOperationHandle({
      operationId: new T.THandleIdentifier({ guid: this.handle.guid, secret: this.handle.secret }),
      operationType: this.operationType,
      hasResultSet: this.hasResultSet,
    });
  }
}
