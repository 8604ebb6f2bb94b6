// The command line, as data: parse-args.ts parses it, help.ts prints it, README.md documents it (a test checks).
import { LogLevel } from '../core/logger';
import {
  DEFAULT_API_HOST,
  DEFAULT_API_PORT,
  DEFAULT_HISTORY_SIZE,
  DEFAULT_LISTEN_HOST,
  DEFAULT_LISTEN_PORT,
  MAX_HISTORY_SIZE,
} from '../app-defaults';

export const DEFAULT_CA_DIR = '~/.thrift-fault-proxy/ca';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

export interface FlagSpec {
  name: string;
  /** Placeholder for the value; absent for switches. */
  value?: string;
  repeatable?: boolean;
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
    name: 'log-level',
    value: LOG_LEVELS.join('|'),
    description: `Log verbosity on stderr; debug logs every call (default ${DEFAULT_LOG_LEVEL}).`,
  },
  {
    name: 'fake-warehouse',
    description:
      'Also start an embedded fake Databricks SQL warehouse and cloud storage behind the proxy; the ready line\'s "warehouse" says how to reach it.',
  },
  { name: 'version', description: 'Print the version and exit.' },
  { name: 'help', description: 'Print this help and exit.' },
];
