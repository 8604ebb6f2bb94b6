// --exit-with-parent: stop when the process that started this one is gone, so that a test harness that crashes
// (or is killed) leaves no proxy holding its ports. Two signs, whichever comes first: stdin, when it is a pipe
// or socket from the parent, reaches its end (the parent's end closed: it exited or closed it on purpose); or
// the parent process id changes (the parent died and the process was re-parented) or no longer exists.
import fs from 'node:fs';

/** How often the parent's process id is checked. The stdin sign is immediate. */
export const PARENT_POLL_MS = 500;

/** Starts watching; `onGone` is called once with the reason. Returns a function that stops watching. */
export function watchParent(onGone: (reason: string) => void, pollMs: number = PARENT_POLL_MS): () => void {
  const parent = process.ppid;
  let stopped = false;
  const gone = (reason: string): void => {
    if (stopped) return;
    stop();
    onGone(reason);
  };

  const timer = setInterval(() => {
    if (process.ppid !== parent || !isAlive(parent)) gone(`the parent process (pid ${parent}) is gone`);
  }, pollMs);
  timer.unref();

  const onEnd = (): void => gone('stdin was closed by the parent process');
  const watchesStdin = stdinIsPipe();
  if (watchesStdin) {
    process.stdin.on('end', onEnd);
    process.stdin.on('error', onEnd);
    // Read (and ignore) whatever arrives: only a flowing stream reports its end.
    process.stdin.on('data', () => undefined);
    process.stdin.resume();
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    if (watchesStdin) {
      process.stdin.off('end', onEnd);
      process.stdin.off('error', onEnd);
      process.stdin.pause();
      // A paused pipe still keeps the event loop alive: let it go.
      process.stdin.destroy();
    }
  }
  return stop;
}

/** stdin as /dev/null or a file ends at once and says nothing about the parent: only pipes and sockets count. */
function stdinIsPipe(): boolean {
  try {
    const stat = fs.fstatSync(0);
    return stat.isFIFO() || stat.isSocket();
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  if (pid <= 1) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
