// argv -> what to do. Every mistake is a UsageError whose message says what was wrong and what is allowed;
// the CLI prints it and exits 2.
import os from 'node:os';
import path from 'node:path';
import { parseArgs, ParseArgsConfig } from 'node:util';
import {
  DEFAULT_API_HOST,
  DEFAULT_API_PORT,
  DEFAULT_HISTORY_SIZE,
  DEFAULT_LISTEN_HOST,
  DEFAULT_LISTEN_PORT,
  MAX_HISTORY_SIZE,
} from '../app-defaults';
import { DEFAULT_CA_DIR, DEFAULT_LOG_LEVEL, FLAGS, LOG_LEVELS } from './flags';
import { LogLevel } from '../core/logger';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CliRunOptions {
  listenHost: string;
  listenPort: number;
  apiHost: string;
  apiPort: number;
  /** Absolute, with ~ expanded. */
  caDir: string;
  mapHosts: string[];
  upstreamCaFiles: string[];
  insecureUpstream: boolean;
  cloudFetchHosts: string[];
  historySize: number;
  logLevel: LogLevel;
  fakeWarehouse: boolean;
}

export type CliCommand = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; options: CliRunOptions };

const PARSE_OPTIONS: NonNullable<ParseArgsConfig['options']> = Object.fromEntries(
  FLAGS.map((flag) => [
    flag.name,
    flag.value === undefined ? { type: 'boolean' as const } : { type: 'string' as const, multiple: flag.repeatable ?? false },
  ]),
);

export function parseCliArgs(argv: readonly string[], homeDir: string = os.homedir()): CliCommand {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: PARSE_OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };

  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const list = (name: string): string[] => {
    const value = values[name];
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  };

  return {
    kind: 'run',
    options: {
      listenHost: host(text('listen-host'), 'listen-host', DEFAULT_LISTEN_HOST),
      listenPort: port(text('listen-port'), 'listen-port', DEFAULT_LISTEN_PORT),
      apiHost: host(text('api-host'), 'api-host', DEFAULT_API_HOST),
      apiPort: port(text('api-port'), 'api-port', DEFAULT_API_PORT),
      caDir: directory(text('ca-dir') ?? DEFAULT_CA_DIR, homeDir),
      mapHosts: list('map-host'),
      upstreamCaFiles: list('upstream-ca').map((file) => path.resolve(file)),
      insecureUpstream: values['insecure-upstream'] === true,
      cloudFetchHosts: nonEmpty(list('cloudfetch-host'), 'cloudfetch-host'),
      historySize: integer(text('history-size'), 'history-size', DEFAULT_HISTORY_SIZE, 1, MAX_HISTORY_SIZE),
      logLevel: logLevel(text('log-level')),
      fakeWarehouse: values['fake-warehouse'] === true,
    },
  };
}

function host(value: string | undefined, flag: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (value.trim() === '') throw new UsageError(`--${flag}: an address is required, e.g. 127.0.0.1 or 0.0.0.0`);
  return value;
}

function port(value: string | undefined, flag: string, fallback: number): number {
  return integer(value, flag, fallback, 0, 65535);
}

function integer(value: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${flag}: '${value}' is not a whole number from ${min} to ${max}`);
  }
  return n;
}

function directory(value: string, homeDir: string): string {
  if (value.trim() === '') throw new UsageError('--ca-dir: a directory is required');
  const expanded = value === '~' || value.startsWith('~/') ? path.join(homeDir, value.slice(1)) : value;
  return path.resolve(expanded);
}

function nonEmpty(values: string[], flag: string): string[] {
  if (values.some((v) => v.trim() === '')) throw new UsageError(`--${flag}: a host name pattern is required`);
  return values;
}

function logLevel(value: string | undefined): LogLevel {
  if (value === undefined) return DEFAULT_LOG_LEVEL;
  const level = LOG_LEVELS.find((l) => l === value);
  if (level === undefined) throw new UsageError(`--log-level: '${value}' is not one of ${LOG_LEVELS.join(', ')}`);
  return level;
}
