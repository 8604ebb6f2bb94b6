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
  DEFAULT_SHUTDOWN_GRACE_MS,
  MAX_HISTORY_SIZE,
  DEFAULT_HISTORY_MIB,
  MAX_HISTORY_MIB,
  MAX_SHUTDOWN_GRACE_MS,
} from '../app-defaults';
import {
  DEFAULT_CA_DIR,
  DEFAULT_LOG_LEVEL,
  FLAGS,
  LOG_LEVELS,
  MAX_FAKE_EXECUTION_DELAY_MS,
  MAX_FAKE_LINK_LIFETIME_MS,
  MAX_FAKE_LINKS_PER_FETCH,
  MAX_FAKE_ROWS,
  MAX_UPSTREAM_TIMEOUT_MS,
} from './flags';
import { LogLevel } from '../core/logger';
import { DEFAULT_UPSTREAM_TIMEOUTS, UpstreamTimeouts } from '../proxy/upstream-timeouts';

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
  /** --exit-with-parent */
  exitWithParent: boolean;
  /** --upstream-connect-timeout-ms, --upstream-tls-timeout-ms, --upstream-response-timeout-ms */
  upstreamTimeouts: UpstreamTimeouts;
  cloudFetchHosts: string[];
  historySize: number;
  /** --history-mib */
  historyMib: number;
  /** How long a stop signal lets requests in flight finish. */
  shutdownGraceMs: number;
  logLevel: LogLevel;
  fakeWarehouse: boolean;
  /** Settings of the fake warehouse given on the command line (only with --fake-warehouse); unset: its defaults. */
  fakeWarehouseSettings: FakeWarehouseSettings;
}

/** The fake warehouse's settings reachable from the command line (names as in FakeWarehouseOptions). */
export interface FakeWarehouseSettings {
  /** --fake-cloudfetch-threshold */
  cloudFetchThresholdRows?: number;
  /** --fake-rows-per-file */
  rowsPerCloudFetchFile?: number;
  /** --fake-link-lifetime-ms */
  linkLifetimeMs?: number;
  /** --fake-links-per-fetch */
  linksPerFetch?: number;
  /** --fake-execution-delay-ms */
  executionDelayMs?: number;
  /** --fake-no-lz4 sets it to false */
  lz4Compression?: boolean;
}

type NumericFakeSetting = Exclude<keyof FakeWarehouseSettings, 'lz4Compression'>;

/** The numeric flags that configure the fake warehouse (and so need --fake-warehouse), with their ranges. */
const FAKE_NUMBER_FLAGS: readonly { flag: string; setting: NumericFakeSetting; min: number; max: number }[] = [
  { flag: 'fake-cloudfetch-threshold', setting: 'cloudFetchThresholdRows', min: 1, max: MAX_FAKE_ROWS },
  { flag: 'fake-rows-per-file', setting: 'rowsPerCloudFetchFile', min: 1, max: MAX_FAKE_ROWS },
  { flag: 'fake-link-lifetime-ms', setting: 'linkLifetimeMs', min: 1, max: MAX_FAKE_LINK_LIFETIME_MS },
  { flag: 'fake-links-per-fetch', setting: 'linksPerFetch', min: 1, max: MAX_FAKE_LINKS_PER_FETCH },
  { flag: 'fake-execution-delay-ms', setting: 'executionDelayMs', min: 0, max: MAX_FAKE_EXECUTION_DELAY_MS },
];

export type CliCommand = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; options: CliRunOptions };

// Every flag is parsed as `multiple` so that a single-value flag given twice is seen (and refused) rather than
// silently taking the last value.
const PARSE_OPTIONS: NonNullable<ParseArgsConfig['options']> = Object.fromEntries(
  FLAGS.map((flag) => [
    flag.name,
    {
      type: flag.value === undefined ? ('boolean' as const) : ('string' as const),
      multiple: true,
      ...(flag.short === undefined ? {} : { short: flag.short }),
    },
  ]),
);

const TAKES_VALUE: ReadonlySet<string> = new Set(
  FLAGS.filter((flag) => flag.value !== undefined).flatMap((flag) => [`--${flag.name}`, ...(flag.short ? [`-${flag.short}`] : [])]),
);

/**
 * `--listen-port -1` as `--listen-port=-1`: node's parser takes a value starting with '-' for an option and
 * calls the argument ambiguous; joined, the value reaches the range check and its message.
 */
function joinNegativeNumbers(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = argv[i + 1];
    if (TAKES_VALUE.has(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

export function parseCliArgs(argv: readonly string[], homeDir: string = os.homedir()): CliCommand {
  let parsed: Record<string, (string | boolean)[] | undefined>;
  try {
    ({ values: parsed } = parseArgs({ args: joinNegativeNumbers(argv), options: PARSE_OPTIONS, strict: true, allowPositionals: false }) as {
      values: Record<string, (string | boolean)[] | undefined>;
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const values: Record<string, string | boolean | (string | boolean)[] | undefined> = {};
  for (const flag of FLAGS) {
    const given = parsed[flag.name];
    if (given === undefined) continue;
    if (flag.repeatable) {
      values[flag.name] = given;
    } else if (given.length > 1 && flag.value !== undefined) {
      throw new UsageError(`--${flag.name} was given ${given.length} times; give it once (only repeatable flags may be repeated)`);
    } else {
      values[flag.name] = given[given.length - 1];
    }
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

  const fakeWarehouse = values['fake-warehouse'] === true;
  const strayFakeFlag = [...FAKE_NUMBER_FLAGS.map(({ flag }) => flag), 'fake-no-lz4'].find((flag) => values[flag] !== undefined);
  if (!fakeWarehouse && strayFakeFlag !== undefined) {
    throw new UsageError(`--${strayFakeFlag} configures the fake warehouse: it needs --fake-warehouse too`);
  }
  const fakeWarehouseSettings: FakeWarehouseSettings = {};
  for (const { flag, setting, min, max } of FAKE_NUMBER_FLAGS) {
    const value = text(flag);
    if (value !== undefined) fakeWarehouseSettings[setting] = integer(value, flag, min, min, max);
  }
  if (values['fake-no-lz4'] === true) fakeWarehouseSettings.lz4Compression = false;

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
      exitWithParent: values['exit-with-parent'] === true,
      cloudFetchHosts: nonEmpty(list('cloudfetch-host'), 'cloudfetch-host'),
      historySize: integer(text('history-size'), 'history-size', DEFAULT_HISTORY_SIZE, 1, MAX_HISTORY_SIZE),
      historyMib: integer(text('history-mib'), 'history-mib', DEFAULT_HISTORY_MIB, 1, MAX_HISTORY_MIB),
      upstreamTimeouts: {
        connectMs: integer(text('upstream-connect-timeout-ms'), 'upstream-connect-timeout-ms', DEFAULT_UPSTREAM_TIMEOUTS.connectMs, 0, MAX_UPSTREAM_TIMEOUT_MS),
        tlsHandshakeMs: integer(text('upstream-tls-timeout-ms'), 'upstream-tls-timeout-ms', DEFAULT_UPSTREAM_TIMEOUTS.tlsHandshakeMs, 0, MAX_UPSTREAM_TIMEOUT_MS),
        responseMs: integer(text('upstream-response-timeout-ms'), 'upstream-response-timeout-ms', DEFAULT_UPSTREAM_TIMEOUTS.responseMs, 0, MAX_UPSTREAM_TIMEOUT_MS),
      },
      shutdownGraceMs: integer(text('shutdown-grace-ms'), 'shutdown-grace-ms', DEFAULT_SHUTDOWN_GRACE_MS, 0, MAX_SHUTDOWN_GRACE_MS),
      logLevel: logLevel(text('log-level')),
      fakeWarehouse,
      fakeWarehouseSettings,
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
