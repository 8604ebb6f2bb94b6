#!/usr/bin/env node
// The thrift-fault-proxy command: parse flags, start everything, print the ready line, stop on SIGTERM/SIGINT.
// Exit codes: 0 stopped cleanly (or --help/--version), 1 failed to start or to stop, 2 bad command line.
import { startThriftFaultProxy } from './app';
import { createLogger } from './core/logger';
import { renderHelp } from './cli/help';
import { CliCommand, parseCliArgs, UsageError } from './cli/parse-args';
import { watchParent } from './cli/parent-watch';
import { readyLine, startupBanner } from './cli/ready-line';
import { appOptionsFromCli } from './cli/resolve-options';
import { VERSION } from './version';

/** A stop that takes this much longer than its grace period is a bug; exit anyway rather than hang a CI job. */
const STOP_OVERRUN_MS = 10_000;

async function main(argv: readonly string[]): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCliArgs(argv);
    if (command.kind === 'help') {
      process.stdout.write(renderHelp());
      return 0;
    }
    if (command.kind === 'version') {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
  } catch (error) {
    return usage(error);
  }

  const log = createLogger({ level: command.options.logLevel });
  let options;
  try {
    options = appOptionsFromCli(command.options, log);
  } catch (error) {
    return usage(error);
  }

  // Listening before anything starts: a signal that came before its listener would kill the process outright.
  let received: string | undefined;
  let stopWatchingParent = (): void => undefined;
  const stopRequested = new Promise<string>((resolve) => {
    const requestStop = (reason: string): void => {
      received ??= reason;
      resolve(reason);
    };
    process.once('SIGTERM', requestStop);
    process.once('SIGINT', requestStop);
    if (command.options.exitWithParent) stopWatchingParent = watchParent(requestStop);
  });

  let app;
  try {
    app = await startThriftFaultProxy(options);
  } catch (error) {
    process.stderr.write(`thrift-fault-proxy: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }

  // Stopped while starting: no ready line, since nothing will be there to connect to.
  if (received === undefined) {
    process.stdout.write(`${JSON.stringify(readyLine(app.info))}\n`);
    process.stderr.write(startupBanner(app.info));
  }

  const reason = await stopRequested;
  stopWatchingParent();
  log.info('stopping', { reason });
  // A second signal while stopping means "now".
  process.once('SIGTERM', () => process.exit(1));
  process.once('SIGINT', () => process.exit(1));
  const { shutdownGraceMs } = command.options;
  const stopTimeoutMs = shutdownGraceMs + STOP_OVERRUN_MS;
  const timer = setTimeout(() => {
    process.stderr.write(`thrift-fault-proxy: did not stop within ${stopTimeoutMs} ms\n`);
    process.exit(1);
  }, stopTimeoutMs);
  timer.unref();
  try {
    await app.close({ graceMs: shutdownGraceMs });
  } catch (error) {
    process.stderr.write(`thrift-fault-proxy: error while stopping: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  return 0;
}

function usage(error: unknown): number {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`thrift-fault-proxy: ${error.message}\nRun 'thrift-fault-proxy --help' for the options.\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`thrift-fault-proxy: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
