// The command line, as data: parse-args.ts parses it, help.ts prints it, README.md documents it (a test checks).
import { LogLevel } from '../core/logger';
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
  DEFAULT_CLOUDFETCH_THRESHOLD_ROWS,
  DEFAULT_EXECUTION_DELAY_MS,
  DEFAULT_LINK_LIFETIME_MS,
  DEFAULT_LINKS_PER_FETCH,
  DEFAULT_ROWS_PER_CLOUDFETCH_FILE,
} from '../fake/options';
import { DEFAULT_UPSTREAM_TIMEOUTS } from '../proxy/upstream-timeouts';

export const DEFAULT_CA_DIR = '~/.thrift-fault-proxy/ca';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

/** Largest --fake-cloudfetch-threshold and --fake-rows-per-file. */
export const MAX_FAKE_ROWS = 1_000_000_000;
/** Longest --fake-link-lifetime-ms: 7 days, the longest a real presigned link lives. */
export const MAX_FAKE_LINK_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
/** Longest upstream timeout flag: one day. */
export const MAX_UPSTREAM_TIMEOUT_MS = 24 * 60 * 60 * 1000;
/** Most --fake-links-per-fetch. */
export const MAX_FAKE_LINKS_PER_FETCH = 100_000;
/** Longest --fake-execution-delay-ms: one hour. */
export const MAX_FAKE_EXECUTION_DELAY_MS = 60 * 60 * 1000;

export interface FlagSpec {
  name: string;
  /** Placeholder for the value; absent for switches. */
  value?: string;
  repeatable?: boolean;
  /** One-letter alias, e.g. 'h' for -h. */
  short?: string;
  description: string;
}

export const FLAGS: readonly FlagSpec[] = [
  { name: 'listen-host', value: 'HOST', description: `Address the proxy listens on (default ${DEFAULT_LISTEN_HOST}).` },
  { name: 'listen-port', value: 'PORT', description: `Port the proxy listens on; 0 picks a free one (default ${DEFAULT_LISTEN_PORT}).` },
  { name: 'api-host', value: 'HOST', description: `Address of the gRPC control API (default ${DEFAULT_API_HOST}).` },
  { name: 'api-port', value: 'PORT', description: `Port of the gRPC control API; 0 picks a free one (default ${DEFAULT_API_PORT}).` },
  {
    name: 'ca-dir',
    value: 'DIR',
    description: `Where the proxy's CA certificate and key live; created on first run (default ${DEFAULT_CA_DIR}).`,
  },
  {
    name: 'map-host',
    value: 'NAME=HOST:PORT',
    repeatable: true,
    description: 'Send traffic for host NAME (or *.suffix) to HOST:PORT instead; TLS is still verified for NAME.',
  },
  {
    name: 'upstream-ca',
    value: 'FILE',
    repeatable: true,
    description: 'Also trust this PEM CA certificate for upstream HTTPS (besides the system CAs).',
  },
  { name: 'insecure-upstream', description: 'Do not verify upstream TLS certificates. For tests only.' },
  {
    name: 'exit-with-parent',
    description:
      'Stop, as on SIGTERM, when the process that started it is gone or closes its stdin (for test harnesses: a crashed harness leaves no proxy behind).',
  },
  {
    name: 'upstream-connect-timeout-ms',
    value: 'MS',
    description: `Give up connecting to a server after MS (DNS included): the client gets 504; 0 waits forever (default ${DEFAULT_UPSTREAM_TIMEOUTS.connectMs}).`,
  },
  {
    name: 'upstream-tls-timeout-ms',
    value: 'MS',
    description: `Give up on a server's TLS handshake after MS: the client gets 504; 0 waits forever (default ${DEFAULT_UPSTREAM_TIMEOUTS.tlsHandshakeMs}).`,
  },
  {
    name: 'upstream-response-timeout-ms',
    value: 'MS',
    description: `Give up on a server that sends no response headers within MS of the request (504), or whose response body stalls for MS while the client reads (connection reset); scenario holds do not count; 0 waits forever (default ${DEFAULT_UPSTREAM_TIMEOUTS.responseMs}).`,
  },
  {
    name: 'cloudfetch-host',
    value: 'PATTERN',
    repeatable: true,
    description: 'Also treat GETs to hosts containing PATTERN as CloudFetch downloads.',
  },
  {
    name: 'history-size',
    value: 'N',
    description: `Recorded calls kept, 1 to ${MAX_HISTORY_SIZE}; the oldest are dropped first (default ${DEFAULT_HISTORY_SIZE}).`,
  },
  {
    name: 'history-mib',
    value: 'MIB',
    description: `Memory the recorded calls may take, estimated from their decoded fields, 1 to ${MAX_HISTORY_MIB} MiB; past it the oldest are dropped first (default ${DEFAULT_HISTORY_MIB}).`,
  },
  {
    name: 'shutdown-grace-ms',
    value: 'MS',
    description: `On SIGTERM/SIGINT: stop accepting, release held requests, and let requests in flight finish for up to MS before closing them, 0 to ${MAX_SHUTDOWN_GRACE_MS} (default ${DEFAULT_SHUTDOWN_GRACE_MS}).`,
  },
  {
    name: 'log-level',
    value: LOG_LEVELS.join('|'),
    description: `Log verbosity on stderr; debug logs every call (default ${DEFAULT_LOG_LEVEL}).`,
  },
  {
    name: 'fake-warehouse',
    description:
      'Also start an embedded fake Databricks SQL warehouse and cloud storage behind the proxy; the ready line\'s "warehouse" says how to reach it.',
  },
  {
    name: 'fake-cloudfetch-threshold',
    value: 'ROWS',
    description: `With --fake-warehouse: results with more rows than this are served as CloudFetch links, smaller ones inline (default ${DEFAULT_CLOUDFETCH_THRESHOLD_ROWS}).`,
  },
  {
    name: 'fake-rows-per-file',
    value: 'ROWS',
    description: `With --fake-warehouse: rows in each CloudFetch file (default ${DEFAULT_ROWS_PER_CLOUDFETCH_FILE}).`,
  },
  {
    name: 'fake-link-lifetime-ms',
    value: 'MS',
    description: `With --fake-warehouse: how long a presigned CloudFetch link stays valid; a later download gets 403 (default ${DEFAULT_LINK_LIFETIME_MS}, 15 minutes).`,
  },
  {
    name: 'fake-links-per-fetch',
    value: 'N',
    description: `With --fake-warehouse: most CloudFetch links in one FetchResults or direct-results reply; the driver fetches the rest (default ${DEFAULT_LINKS_PER_FETCH}).`,
  },
  {
    name: 'fake-execution-delay-ms',
    value: 'MS',
    description: `With --fake-warehouse: how long every statement runs before it finishes; drivers poll GetOperationStatus meanwhile (default ${DEFAULT_EXECUTION_DELAY_MS}).`,
  },
  {
    name: 'fake-no-lz4',
    description:
      'With --fake-warehouse: never LZ4-compress results, even for a driver that sets canDecompressLZ4Result (by default its Arrow batches and CloudFetch files are LZ4 frames).',
  },
  { name: 'version', short: 'v', description: 'Print the version and exit (-v is the same).' },
  { name: 'help', short: 'h', description: 'Print this help and exit (-h is the same).' },
];
