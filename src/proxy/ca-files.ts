// File-system steps of making the CA directory, safe against what users point --ca-dir at and against several
// proxies starting at once on the same new directory.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Creates `dir` and its missing parents. Node's own recursive mkdir loops forever (100 % CPU, deaf to signals)
 * where a parent exists but refuses children with ENOENT, as /proc does; this fails with the reason instead.
 */
export function makeDirectory(dir: string, mode?: number): void {
  const missing: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(current);
    } catch (error) {
      // ENOTDIR: some ancestor is a file; walking up finds it and says so.
      if (codeOf(error) !== 'ENOENT' && codeOf(error) !== 'ENOTDIR') throw cannotCreate(dir, error);
    }
    if (stat !== undefined) {
      if (!stat.isDirectory()) throw new Error(`cannot create ${dir}: ${current} is not a directory`);
      break;
    }
    missing.push(current);
    if (path.dirname(current) === current) break;
  }
  for (const directory of missing.reverse()) {
    try {
      fs.mkdirSync(directory, { mode });
    } catch (error) {
      // Another process may have made it meanwhile.
      if (codeOf(error) === 'EEXIST' && fs.statSync(directory).isDirectory()) continue;
      throw cannotCreate(dir, error);
    }
  }
}

/** A creator holding the lock longer than this has died or hung: creating a CA takes well under a second. */
const STALE_LOCK_MS = 30_000;
/** How often a waiting process looks whether the lock was released (the holder needs milliseconds). */
const LOCK_POLL_MS = 10;

/**
 * Runs `work` while holding `lockFile`, created with O_EXCL, so that of several processes (or several proxies in
 * one process) starting at once on one CA directory exactly one creates the CA; the others wait for the lock and
 * then find the CA on disk. A lock left by a process that died is taken over.
 */
export async function withFileLock<T>(lockFile: string, work: () => T | Promise<T>): Promise<T> {
  for (;;) {
    let fd: number;
    try {
      fd = fs.openSync(lockFile, 'wx', 0o600);
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw new Error(`cannot create ${lockFile}: ${messageOf(error)}`);
      removeIfStale(lockFile);
      await delay(LOCK_POLL_MS);
      continue;
    }
    try {
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      return await work();
    } finally {
      fs.rmSync(lockFile, { force: true });
    }
  }
}

function removeIfStale(lockFile: string): void {
  let stat: fs.Stats;
  let content: string;
  try {
    stat = fs.statSync(lockFile);
    content = fs.readFileSync(lockFile, 'utf8');
  } catch {
    return; // released meanwhile
  }
  const pid = Number.parseInt(content, 10);
  const holderGone = Number.isSafeInteger(pid) && pid > 0 && !isAlive(pid);
  if (!holderGone && Date.now() - stat.mtimeMs < STALE_LOCK_MS) return;
  // Move it aside and check it is the file judged stale, not a fresh lock taken meanwhile; put a fresh one back.
  const aside = `${lockFile}.stale.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    fs.renameSync(lockFile, aside);
  } catch {
    return;
  }
  if (fs.statSync(aside).ino !== stat.ino) {
    try {
      fs.linkSync(aside, lockFile);
    } catch {
      // Someone took the lock since: theirs stands, and this one was theirs too late to matter.
    }
  }
  fs.rmSync(aside, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === 'EPERM';
  }
}

function cannotCreate(dir: string, error: unknown): Error {
  return new Error(`cannot create ${dir}: ${messageOf(error)}`);
}

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
