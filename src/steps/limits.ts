// Bounds shared by the step kinds that wait or count body bytes.

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

/** Largest byte count, offset or rate a response-side step takes: 1 TiB (beyond any reply). */
export const MAX_BODY_BYTES = 2 ** 40;

/** Checks a whole number of bytes from `min`; `field` is the proto field name ("after_bytes"). */
export function checkByteCount(bytes: number, field: string, problem: (field: string, message: string) => void, min = 0): void {
  if (!Number.isSafeInteger(bytes) || bytes < min || bytes > MAX_BODY_BYTES) {
    problem(field, `${bytes} is out of range: give a whole number from ${min} to ${MAX_BODY_BYTES} (1 TiB)`);
  }
}

/** "65536 bytes (64 KiB)", "10 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes} bytes (${bytes / (1024 * 1024)} MiB)`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes} bytes (${bytes / 1024} KiB)`;
  return `${bytes} bytes`;
}
