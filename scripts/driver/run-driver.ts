// Child-process entry: runs the official Databricks Node.js driver (@databricks/sql) as a user would, from a
// JSON request on stdin, and prints one report line. It runs in its own process because the driver trusts
// only NODE_EXTRA_CA_CERTS behind a proxy, which Node reads at start.
import { DBSQLClient, LogLevel } from '@databricks/sql';
import type IDBSQLSession from '@databricks/sql/dist/contracts/IDBSQLSession';
import type IOperation from '@databricks/sql/dist/contracts/IOperation';
import {
  canonicalRow,
  REPORT_LINE_PREFIX,
  RowDigest,
  type DriverErrorReport,
  type DriverRunReport,
  type DriverRunRequest,
  type DriverStep,
  type StepReport,
} from './protocol';

const MAX_LOG_LINES = 200;

async function main(): Promise<void> {
  const request = JSON.parse(await readStdin()) as DriverRunRequest;
  const report = await run(request);
  await new Promise<void>((resolve) => process.stdout.write(`${REPORT_LINE_PREFIX}${JSON.stringify(report)}\n`, () => resolve()));
}

export async function run(request: DriverRunRequest): Promise<DriverRunReport> {
  const started = Date.now();
  const log: string[] = [];
  const logger = {
    log(level: LogLevel, message: string) {
      if (level === LogLevel.debug || log.length >= MAX_LOG_LINES) return;
      log.push(`${level}: ${redactSignatures(message)}`);
    },
  };
  const client = new DBSQLClient({ logger });
  const steps: StepReport[] = [];
  const finish = (failedAt?: string, error?: DriverErrorReport): DriverRunReport => ({
    ok: failedAt === undefined,
    failedAt,
    error,
    steps,
    log,
    durationMs: Date.now() - started,
  });

  const { connection, client: knobs = {} } = request;
  try {
    await client.connect({
      host: connection.host,
      port: connection.port,
      path: connection.path,
      token: connection.token,
      proxy: connection.proxy ? { protocol: 'http', host: connection.proxy.host, port: connection.proxy.port } : undefined,
      telemetryEnabled: false,
      retryMaxAttempts: knobs.retryMaxAttempts,
      retryDelayMin: knobs.retryDelayMin,
      retryDelayMax: knobs.retryDelayMax,
      retriesTimeout: knobs.retriesTimeout,
      socketTimeout: knobs.socketTimeout,
    });
  } catch (err) {
    return finish('connect', describeError(err));
  }
  if (knobs.cloudFetchConcurrentDownloads !== undefined) {
    client.getConfig().cloudFetchConcurrentDownloads = knobs.cloudFetchConcurrentDownloads;
  }

  let session: IDBSQLSession;
  try {
    session = await client.openSession();
  } catch (err) {
    await client.close().catch(() => undefined);
    return finish('openSession', describeError(err));
  }

  for (const [index, step] of request.steps.entries()) {
    const stepReport = await runStep(session, step, request.maxRowsReturned ?? 100);
    steps.push(stepReport);
    if (!stepReport.ok) {
      await session.close().catch(() => undefined);
      await client.close().catch(() => undefined);
      return finish(`step ${index}`, stepReport.error);
    }
  }

  try {
    await session.close();
  } catch (err) {
    await client.close().catch(() => undefined);
    return finish('closeSession', describeError(err));
  }
  try {
    await client.close();
  } catch (err) {
    return finish('close', describeError(err));
  }
  return finish();
}

async function runStep(session: IDBSQLSession, step: DriverStep, maxRowsReturned: number): Promise<StepReport> {
  const started = Date.now();
  let operation: IOperation | undefined;
  try {
    if (step.kind === 'info') {
      const info = await session.getInfo(step.infoType);
      return { ok: true, value: info.getValue() as string | number | boolean | null, durationMs: Date.now() - started };
    }
    operation =
      step.kind === 'query'
        ? await session.executeStatement(step.sql, { useCloudFetch: step.useCloudFetch, maxRows: step.maxRows })
        : await session[step.call]({ ...step.args } as never);
    const rows = (await operation.fetchAll(step.kind === 'query' && step.fetchChunkRows !== undefined ? { maxRows: step.fetchChunkRows } : undefined)) as Record<string, unknown>[];
    const schema = await operation.getSchema();
    await operation.close();
    const digest = new RowDigest();
    const returned = [];
    for (const row of rows) {
      const canonical = canonicalRow(row);
      digest.add(canonical);
      if (returned.length < maxRowsReturned) returned.push(canonical);
    }
    return {
      ok: true,
      rowCount: digest.count,
      rowsDigest: digest.digest(),
      rows: returned,
      columns: schema?.columns.map((c) => c.columnName) ?? [],
      durationMs: Date.now() - started,
    };
  } catch (err) {
    await operation?.close().catch(() => undefined);
    return { ok: false, error: describeError(err), durationMs: Date.now() - started };
  }
}

export function describeError(err: unknown): DriverErrorReport {
  if (typeof err !== 'object' || err === null) return { name: typeof err, message: String(err) };
  const e = err as Record<string, unknown> & { constructor?: { name?: string } };
  const response = (e.response ?? undefined) as { errorMessage?: string; sqlState?: string; displayMessage?: string } | undefined;
  const report: DriverErrorReport = {
    name: e.constructor?.name && e.constructor.name !== 'Object' ? e.constructor.name : String(e.name ?? 'Error'),
    message: redactSignatures(String(e.message ?? response?.errorMessage ?? response?.displayMessage ?? '')),
  };
  if (typeof e.code === 'string' || typeof e.code === 'number') report.code = e.code;
  if (typeof e.errorCode === 'string') report.errorCode = e.errorCode;
  if (typeof e.statusCode === 'number') report.statusCode = e.statusCode;
  if (response?.sqlState) report.sqlState = response.sqlState;
  if (!report.message && response?.errorMessage) report.message = response.errorMessage;
  return report;
}

/** Presigned-URL signatures must not leave the process, even in a test report. */
function redactSignatures(text: string): string {
  return text.replace(/([?&](?:sig|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|X-Goog-Signature|X-Goog-Credential)=)[^&\s"']*/gi, '$1REDACTED');
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

if (require.main === module || process.env.DRIVER_RUNNER_MAIN === '1') {
  main().then(
    // The driver may leave keep-alive sockets and timers behind; the report is written, so end here.
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`driver runner crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(2);
    },
  );
}
