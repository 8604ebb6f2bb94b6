// Bounds shared by the step kinds that wait.

/** The longest a delay or hold may wait: one hour. */
export const MAX_WAIT_MS = 3_600_000;

/** Checks a wait time in milliseconds; `field` is the proto field name ("duration"). */
export function checkWaitMs(ms: number, field: string, problem: (field: string, message: string) => void): void {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_WAIT_MS) {
    problem(field, `${ms} ms is out of range: give 0 to ${MAX_WAIT_MS / 1000} s in whole milliseconds`);
  }
}

/** "35s", "1.5s", "250ms". */
export function formatMs(ms: number): string {
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(3).replace(/0+$/, '')}s`;
  return `${ms}ms`;
}
