// What a fake warehouse can be told at start, and the defaults that make it look like a Databricks workspace.
import { randomBytes } from 'node:crypto';

export interface FakeWarehouseOptions {
  /** Address both loopback servers listen on. Default 127.0.0.1. */
  bindHost?: string;
  /** Port of the warehouse's HTTPS server; 0 (default) picks a free one. */
  port?: number;
  /** Port of the storage's HTTPS server; 0 (default) picks a free one. */
  storagePort?: number;
  /** Host name the warehouse's certificate is issued for and drivers connect to. */
  warehouseHostName?: string;
  /** Host name of the fake cloud storage that CloudFetch links point at. */
  storageHostName?: string;
  /** Warehouse id in the HTTP path /sql/1.0/warehouses/<id>. */
  warehouseId?: string;
  /** The only bearer token the warehouse accepts; anything else answers HTTP 401. */
  token?: string;
  /**
   * Results with MORE rows than this are served as CloudFetch links when the driver allows it
   * (TExecuteStatementReq.canDownloadResult); smaller ones inline as Arrow batches. Default 10000.
   */
  cloudFetchThresholdRows?: number;
  /** Rows in each CloudFetch file. Default 5000. */
  rowsPerCloudFetchFile?: number;
  /** Most CloudFetch links handed out by one FetchResults (or direct-results) reply. Default 4. */
  linksPerFetch?: number;
  /** How long a presigned CloudFetch URL stays valid. Default 15 minutes. */
  linkLifetimeMs?: number;
  /** Most rows in one inline Arrow batch; a FetchResults page may carry several batches. Default 2048. */
  maxRowsPerInlineBatch?: number;
  /** How long every statement runs before it finishes (asynchronous execution is polled meanwhile). Default 0. */
  executionDelayMs?: number;
  /**
   * LZ4-frame-compress Arrow results (inline batches and CloudFetch files) for a statement whose driver sets
   * TExecuteStatementReq.canDecompressLZ4Result, and say so in lz4Compressed, as Databricks does. Default true.
   */
  lz4Compression?: boolean;
  /** Largest N accepted in `SELECT * FROM range(N)`. Default 10,000,000. */
  maxRangeRows?: number;
  /**
   * Make CloudFetch links point at the storage server's loopback address instead of the storage host name, for a
   * driver that connects without a proxy (nothing resolves the fake host names then). Default false.
   */
  directLinks?: boolean;
}

export interface ResolvedOptions {
  bindHost: string;
  port: number;
  storagePort: number;
  warehouseHostName: string;
  storageHostName: string;
  warehouseId: string;
  token: string;
  cloudFetchThresholdRows: number;
  rowsPerCloudFetchFile: number;
  linksPerFetch: number;
  linkLifetimeMs: number;
  maxRowsPerInlineBatch: number;
  executionDelayMs: number;
  lz4Compression: boolean;
  maxRangeRows: number;
  directLinks: boolean;
}

/** Results with more rows than this are served as CloudFetch links (when the driver allows it). */
export const DEFAULT_CLOUDFETCH_THRESHOLD_ROWS = 10_000;
/** Rows in each CloudFetch file. */
export const DEFAULT_ROWS_PER_CLOUDFETCH_FILE = 5_000;
/** Most CloudFetch links in one FetchResults (or direct-results) reply. */
export const DEFAULT_LINKS_PER_FETCH = 4;
/** How long every statement runs before it finishes. */
export const DEFAULT_EXECUTION_DELAY_MS = 0;
/** How long a presigned CloudFetch link stays valid: 15 minutes. */
export const DEFAULT_LINK_LIFETIME_MS = 15 * 60 * 1000;

export const DEFAULT_WAREHOUSE_HOST_NAME = 'fake-workspace.cloud.databricks.com';
export const DEFAULT_STORAGE_HOST_NAME = 'fakeaccount.blob.core.windows.net';
export const DEFAULT_WAREHOUSE_ID = 'f4ke0000wh000001';

export function resolveOptions(opts: FakeWarehouseOptions = {}): ResolvedOptions {
  const resolved: ResolvedOptions = {
    bindHost: opts.bindHost ?? '127.0.0.1',
    port: opts.port ?? 0,
    storagePort: opts.storagePort ?? 0,
    warehouseHostName: opts.warehouseHostName ?? DEFAULT_WAREHOUSE_HOST_NAME,
    storageHostName: opts.storageHostName ?? DEFAULT_STORAGE_HOST_NAME,
    warehouseId: opts.warehouseId ?? DEFAULT_WAREHOUSE_ID,
    // A fresh token per start, shaped like a Databricks personal access token, so nothing real is ever accepted.
    token: opts.token ?? `dapi-fake-${randomBytes(16).toString('hex')}`,
    cloudFetchThresholdRows: opts.cloudFetchThresholdRows ?? DEFAULT_CLOUDFETCH_THRESHOLD_ROWS,
    rowsPerCloudFetchFile: opts.rowsPerCloudFetchFile ?? DEFAULT_ROWS_PER_CLOUDFETCH_FILE,
    linksPerFetch: opts.linksPerFetch ?? DEFAULT_LINKS_PER_FETCH,
    linkLifetimeMs: opts.linkLifetimeMs ?? DEFAULT_LINK_LIFETIME_MS,
    maxRowsPerInlineBatch: opts.maxRowsPerInlineBatch ?? 2048,
    executionDelayMs: opts.executionDelayMs ?? DEFAULT_EXECUTION_DELAY_MS,
    lz4Compression: opts.lz4Compression ?? true,
    maxRangeRows: opts.maxRangeRows ?? 10_000_000,
    directLinks: opts.directLinks ?? false,
  };
  validate(resolved);
  return resolved;
}

function validate(o: ResolvedOptions): void {
  const positive: (keyof ResolvedOptions)[] = ['rowsPerCloudFetchFile', 'linksPerFetch', 'linkLifetimeMs', 'maxRowsPerInlineBatch', 'maxRangeRows'];
  for (const key of positive) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`fake warehouse: ${key} must be a positive integer, got ${String(v)}`);
  }
  const nonNegative: (keyof ResolvedOptions)[] = ['port', 'storagePort', 'cloudFetchThresholdRows', 'executionDelayMs'];
  for (const key of nonNegative) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`fake warehouse: ${key} must be a non-negative integer, got ${String(v)}`);
  }
  if (!/^[A-Za-z0-9_-]+$/.test(o.warehouseId)) throw new Error(`fake warehouse: warehouseId must be letters, digits, '-' or '_', got ${o.warehouseId}`);
  if (o.token.length === 0) throw new Error('fake warehouse: token must not be empty');
}
