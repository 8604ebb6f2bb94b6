// Runs the built command (dist/src/cli.js) as a child process, as users and launchers do.
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const CLI = path.join(__dirname, '../../../dist/src/cli.js');

/** The CLI tests exercise the build; say so plainly when there is none. */
export function assertBuilt(): void {
  if (!fs.existsSync(CLI)) {
    throw new Error(`${CLI} is missing: run 'npm run build' first (npm test does it before jest)`);
  }
}

export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
}

/** Starts the CLI with --exit-with-parent and its stdin a pipe from here: if jest dies, the proxy goes too. */
export function startCli(args: readonly string[]): CliRun {
  const child = spawn(process.execPath, [CLI, '--exit-with-parent', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits for the first complete stdout line; fails with stderr if the process exits or stalls first. */
export function firstLine(run: CliRun, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms`), timeoutMs);
    const check = (): void => {
      const newline = run.stdout().indexOf('\n');
      if (newline >= 0) done(() => resolve(run.stdout().slice(0, newline)));
    };
    const fail = (why: string): void => done(() => reject(new Error(`${why}; stderr:\n${run.stderr()}`)));
    const onExit = (code: number | null): void => fail(`exited with ${code} before its ready line`);
    const done = (settle: () => void): void => {
      clearTimeout(timer);
      run.child.stdout?.off('data', check);
      run.child.off('exit', onExit);
      settle();
    };
    run.child.stdout?.on('data', check);
    run.child.on('exit', onExit);
    check();
  });
}

/** Runs the CLI to completion (for --help, bad flags, ...). */
export async function runCli(args: readonly string[]): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const run = startCli(args);
  const code = await withTimeout(run.exited, 10_000, `thrift-fault-proxy ${args.join(' ')} did not exit`);
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Waits until stderr contains `text`. stdout and stderr are separate pipes: the banner the CLI writes to stderr
 * right after its ready line may reach the parent after that line.
 */
export function stderrContaining(run: CliRun, text: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(() => reject(new Error(`stderr did not contain ${JSON.stringify(text)} within ${timeoutMs} ms:\n${run.stderr()}`))), timeoutMs);
    const check = (): void => {
      if (run.stderr().includes(text)) done(() => resolve(run.stderr()));
    };
    const done = (settle: () => void): void => {
      clearTimeout(timer);
      run.child.stderr?.off('data', check);
      settle();
    };
    run.child.stderr?.on('data', check);
    check();
  });
}
