// Waiting for something to happen, never for a fixed time: every wait has a deadline and says what it was
// waiting for when it expires.
import { EventEmitter, once } from 'node:events';

/** Polls `condition` (on every macrotask turn) until it returns a value other than undefined/false. */
export async function waitFor<T>(condition: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves with the event's arguments, or rejects when it has not come within the timeout. */
export async function waitForEvent<T extends unknown[] = unknown[]>(emitter: EventEmitter, event: string, timeoutMs = 5000): Promise<T> {
  return (await once(emitter, event, { signal: AbortSignal.timeout(timeoutMs) })) as T;
}

/** Resolves with how a promise settled, so tests can assert on rejections without try/catch noise. */
export async function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: NodeJS.ErrnoException }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error: error as NodeJS.ErrnoException };
  }
}
