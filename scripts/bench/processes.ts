// Child processes of the benchmark: each role runs in its own process so that none starves another on 2 cores.
import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { createInterface } from 'node:readline';
import { msSince } from './stats';

/** Children still running; the benchmark stops them all however it ends. */
const running = new Set<ChildProcess>();

export function spawnTracked(args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], ...options });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

export function killAll(): void {
  for (const child of running) child.kill('SIGTERM');
}

/** The first line a child prints on stdout, as JSON; fails when the child exits first or takes too long. */
export async function readJsonLine<T>(child: ChildProcess, timeoutMs = 60_000): Promise<T> {
  if (!child.stdout) throw new Error('child has no stdout');
  const lines = createInterface({ input: child.stdout });
  let timer: NodeJS.Timeout | undefined;
  try {
    const line = await Promise.race([
      new Promise<string>((resolve) => lines.once('line', resolve)),
      once(child, 'exit').then(([code]) => {
        throw new Error(`child exited with ${String(code)} before its first line`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no line from the child within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return JSON.parse(line) as T;
  } finally {
    clearTimeout(timer);
    lines.close();
  }
}

/**
 * Spawns a Node process and measures spawn → its first stdout line, and the CPU time (user + system, all threads)
 * it had used by then; stops it (SIGTERM) and waits for its exit.
 */
export async function timeToFirstLine<T>(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; cpuMs: number; line: T }> {
  const t0 = process.hrtime.bigint();
  const child = spawnTracked(args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const line = await readJsonLine<T>(child);
    const ms = msSince(t0);
    return { ms, cpuMs: cpuMs(child.pid ?? 0), line };
  } finally {
    await stop(child);
  }
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** Clock ticks per second of /proc/PID/stat's times (USER_HZ: 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, every thread) a process has used, in ms, 10 ms resolution. Unlike wall time it hardly
 * moves with the load others put on the machine, so it says what a figure costs even when the wall clock cannot.
 */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces, hence the last ')'): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

export function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Samples a process's RSS every 20 ms while `work` runs; returns the peak seen. */
export async function peakRssDuring<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakMiB: number }> {
  let peak = rssMiB(pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 20);
  try {
    const result = await work();
    return { result, peakMiB: Math.max(peak, rssMiB(pid)) };
  } finally {
    clearInterval(sampler);
  }
}
