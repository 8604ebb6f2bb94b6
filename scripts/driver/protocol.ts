// What the driver runner (a child process running the official @databricks/sql driver) is asked to do and
// what it reports back, plus the canonical row form both sides use to compare results.
import { createHash } from 'node:crypto';

export interface DriverConnection {
  host: string;
  port?: number;
  path: string;
  token: string;
  /** An HTTP proxy the driver sends everything through (CONNECT for HTTPS). */
  proxy?: { host: string; port: number };
}

/** Driver knobs worth changing in tests; everything else keeps the driver's defaults. */
export interface DriverClientOptions {
  retryMaxAttempts?: number;
  retryDelayMin?: number;
  retryDelayMax?: number;
  retriesTimeout?: number;
  socketTimeout?: number;
  /** Parallel CloudFetch downloads (driver default 10); not a connect() option, set on the client's config. */
  cloudFetchConcurrentDownloads?: number;
}

export type MetadataCall = 'getCatalogs' | 'getSchemas' | 'getTables' | 'getColumns' | 'getTypeInfo' | 'getTableTypes' | 'getFunctions';

export type DriverStep =
  | {
      kind: 'query';
      sql: string;
      useCloudFetch?: boolean;
      /** Rows asked for with the statement (direct results); the driver's default is 100000. */
      maxRows?: number;
      /** Rows asked for per FetchResults while reading (fetchAll's maxRows); the driver's default is 100000. */
      fetchChunkRows?: number;
    }
  | { kind: 'metadata'; call: MetadataCall; args?: Record<string, string> }
  | { kind: 'info'; infoType: number };

export interface DriverRunRequest {
  connection: DriverConnection;
  client?: DriverClientOptions;
  steps: DriverStep[];
  /** Return every row of a step up to this many (default 100); the digest always covers all rows. */
  maxRowsReturned?: number;
}

/** An error as thrown by the driver, reduced to what a test can compare. */
export interface DriverErrorReport {
  /** Constructor name: StatusError, OperationStateError, RetryError, HiveDriverError, FetchError, Error, ... */
  name: string;
  message: string;
  /** StatusError's TStatusCode, or an errno such as ECONNRESET. */
  code?: string | number;
  /** OperationStateError / RetryError code. */
  errorCode?: string;
  /** HTTP status carried by a Thrift transport error. */
  statusCode?: number;
  sqlState?: string;
}

export interface StepReport {
  ok: boolean;
  rowCount?: number;
  rowsDigest?: string;
  rows?: CanonicalRow[];
  columns?: string[];
  value?: string | number | boolean | null;
  error?: DriverErrorReport;
  durationMs: number;
}

export interface DriverRunReport {
  /** Everything succeeded, including closing the session and client. */
  ok: boolean;
  /** Where the run stopped: connect, openSession, step <n>, closeSession, close; undefined when ok. */
  failedAt?: string;
  error?: DriverErrorReport;
  steps: StepReport[];
  /** Driver log lines at info level and above (URL signatures removed). */
  log: string[];
  durationMs: number;
}

/** A row in JSON-safe form: Dates as ISO strings, bigints as decimal strings, Buffers as base64. */
export type CanonicalRow = Record<string, string | number | boolean | null>;

export function canonicalRow(row: Record<string, unknown>): CanonicalRow {
  const out: CanonicalRow = {};
  for (const [key, value] of Object.entries(row)) out[key] = canonicalValue(value);
  return out;
}

function canonicalValue(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** Order-sensitive digest of rows, so a large result can be compared without shipping it between processes. */
export class RowDigest {
  private readonly hash = createHash('sha256');
  count = 0;

  add(row: CanonicalRow): void {
    this.hash.update(JSON.stringify(row));
    this.hash.update('\n');
    this.count++;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Prefix of the one stdout line that carries the report (the driver and node may print other lines). */
export const REPORT_LINE_PREFIX = 'DRIVER_RUN_REPORT ';
