// The fake warehouse spoken to directly in Thrift (the driver's generated client over the npm thrift library's
// HTTPS connection) and its storage over plain HTTPS: handle life cycle, execution modes, paging, CloudFetch
// links and their signatures, metadata calls, authentication.
import https from 'node:https';
import Int64 from 'node-int64';
import { tableFromIPC } from 'apache-arrow';
import { decompressFrameSync } from 'lz4-napi';
import { expectedRangeRow, startFakeWarehouse, type RunningFakeWarehouse } from '../../src/fake';
import { waitFor } from '../helpers/wait-for';
import { httpsRequest, inlineTable, T, tcliClient, type TcliTestClient } from './support/tcli-client';

const V8 = T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8;

let fake: RunningFakeWarehouse;
let client: TcliTestClient;

beforeAll(async () => {
  fake = await startFakeWarehouse({ directLinks: true, cloudFetchThresholdRows: 10, rowsPerCloudFetchFile: 10, linksPerFetch: 2, maxRowsPerInlineBatch: 700 });
  client = tcliClient(fake);
});

afterAll(async () => {
  client?.close();
  await fake?.close();
});

async function openSession() {
  const resp = await client.call('OpenSession', new T.TOpenSessionReq({ client_protocol_i64: new Int64(V8) }));
  expect(resp.status.statusCode).toBe(T.TStatusCode.SUCCESS_STATUS);
  return resp.sessionHandle!;
}

async function waitForState(operationHandle: T.TOperationHandle, done: (state: number) => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await client.call('GetOperationStatus', new T.TGetOperationStatusReq({ operationHandle }));
    if (done(status.operationState!)) return status;
    if (Date.now() > deadline) throw new Error(`operation still in state ${status.operationState} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The first CloudFetch link of `SELECT * FROM range(rows)` in a new session on `c`, from a first page of 10 rows. */
async function firstResultLink(c: TcliTestClient, rows: number) {
  const session = await c.call('OpenSession', new T.TOpenSessionReq({ client_protocol_i64: new Int64(V8) }));
  const exec = await c.call(
    'ExecuteStatement',
    new T.TExecuteStatementReq({ sessionHandle: session.sessionHandle!, statement: `SELECT * FROM range(${rows})`, runAsync: true, canDownloadResult: true }),
  );
  const page = await c.call('FetchResults', new T.TFetchResultsReq({ operationHandle: exec.operationHandle!, maxRows: new Int64(10), orientation: T.TFetchOrientation.FETCH_FIRST }));
  return page.results!.resultLinks![0]!;
}

function rowsOf(table: ReturnType<typeof inlineTable>) {
  return table.toArray().map((r) => Number((r.toJSON() as { id: bigint }).id));
}

describe('sessions and handles', () => {
  it('opens a session with protocol V8 and an RFC 4122 version-4 handle', async () => {
    const handle = await openSession();
    const guid = handle.sessionId.guid;
    expect(guid).toHaveLength(16);
    expect(guid[6]! >> 4).toBe(4);
    expect(guid[8]! >> 6).toBe(0b10);
  });

  it('answers INVALID_HANDLE for an unknown session and for a closed one', async () => {
    const unknown = new T.TSessionHandle({ sessionId: new T.THandleIdentifier({ guid: Buffer.alloc(16, 7), secret: Buffer.alloc(16) }) });
    const exec = await client.call('ExecuteStatement', new T.TExecuteStatementReq({ sessionHandle: unknown, statement: 'SELECT 1' }));
    expect(exec.status.statusCode).toBe(T.TStatusCode.INVALID_HANDLE_STATUS);
    expect(exec.status.errorMessage).toMatch(/^Invalid SessionHandle/);

    const handle = await openSession();
    expect((await client.call('CloseSession', new T.TCloseSessionReq({ sessionHandle: handle }))).status.statusCode).toBe(T.TStatusCode.SUCCESS_STATUS);
    expect((await client.call('CloseSession', new T.TCloseSessionReq({ sessionHandle: handle }))).status.statusCode).toBe(T.TStatusCode.INVALID_HANDLE_STATUS);
    const after = await client.call('GetInfo', new T.TGetInfoReq({ sessionHandle: handle, infoType: T.TGetInfoType.CLI_DBMS_VER }));
    expect(after.status.statusCode).toBe(T.TStatusCode.INVALID_HANDLE_STATUS);
  });

  it('closes the operations of a closed session', async () => {
    const sessionHandle = await openSession();
    const exec = await client.call('ExecuteStatement', new T.TExecuteStatementReq({ sessionHandle, statement: 'SELECT * FROM range(3000)', runAsync: true }));
    await client.call('CloseSession', new T.TCloseSessionReq({ sessionHandle }));
    const status = await client.call('GetOperationStatus', new T.TGetOperationStatusReq({ operationHandle: exec.operationHandle! }));
    expect(status.status.statusCode).toBe(T.TStatusCode.INVALID_HANDLE_STATUS);
    expect(status.status.errorMessage).toMatch(/^Invalid OperationHandle/);
  });
});

describe('execution', () => {
  it('runs asynchronously: RUNNING, then FINISHED on a later GetOperationStatus; no result before that', async () => {
    const sessionHandle = await openSession();
    const exec = await client.call(
      'ExecuteStatement',
      new T.TExecuteStatementReq({ sessionHandle, statement: '/* fake:delay_ms=300 */ SELECT 1', runAsync: true, getDirectResults: new T.TSparkGetDirectResults({ maxRows: new Int64(100) }) }),
    );
    expect(exec.directResults?.operationStatus?.operationState).toBe(T.TOperationState.RUNNING_STATE);
    expect(exec.directResults?.resultSet).toBeFalsy();
    const operationHandle = exec.operationHandle!;
    const early = await client.call('FetchResults', new T.TFetchResultsReq({ operationHandle, maxRows: new Int64(10), orientation: T.TFetchOrientation.FETCH_NEXT }));
    expect(early.status.statusCode).toBe(T.TStatusCode.ERROR_STATUS);
    const done = await waitForState(operationHandle, (s) => s !== T.TOperationState.RUNNING_STATE);
    expect(done.operationState).toBe(T.TOperationState.FINISHED_STATE);
    expect(done.hasResultSet).toBe(true);
    const meta = await client.call('GetResultSetMetadata', new T.TGetResultSetMetadataReq({ operationHandle }));
    expect(meta.resultFormat).toBe(T.TSparkRowSetType.ARROW_BASED_SET);
    const page = await client.call('FetchResults', new T.TFetchResultsReq({ operationHandle, maxRows: new Int64(10), orientation: T.TFetchOrientation.FETCH_FIRST }));
    expect(inlineTable(meta.arrowSchema!, page.results!).toArray().map((r) => r.toJSON())).toEqual([{ '1': 1 }]);
    expect(page.hasMoreRows).toBe(false);
  });

  it('runs synchronously without runAsync: answers once done, with the whole small result and the operation closed', async () => {
    const sessionHandle = await openSession();
    const started = Date.now();
    const exec = await client.call(
      'ExecuteStatement',
      new T.TExecuteStatementReq({ sessionHandle, statement: '/* fake:delay_ms=200 */ SELECT * FROM range(5)', runAsync: false, getDirectResults: new T.TSparkGetDirectResults({ maxRows: new Int64(100) }) }),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    const direct = exec.directResults!;
    expect(direct.operationStatus!.operationState).toBe(T.TOperationState.FINISHED_STATE);
    expect(rowsOf(inlineTable(direct.resultSetMetadata!.arrowSchema!, direct.resultSet!.results!))).toEqual([0, 1, 2, 3, 4]);
    expect(direct.closeOperation!.status.statusCode).toBe(T.TStatusCode.SUCCESS_STATUS);
    const after = await client.call('GetOperationStatus', new T.TGetOperationStatusReq({ operationHandle: exec.operationHandle! }));
    expect(after.status.statusCode).toBe(T.TStatusCode.INVALID_HANDLE_STATUS);
  });

  it('fails unsupported SQL with ERROR_STATE, message and SQLSTATE', async () => {
    const sessionHandle = await openSession();
    const exec = await client.call('ExecuteStatement', new T.TExecuteStatementReq({ sessionHandle, statement: 'SELECT * FROM nope', runAsync: true }));
    expect(exec.status.statusCode).toBe(T.TStatusCode.SUCCESS_STATUS);
    const status = await waitForState(exec.operationHandle!, (s) => s !== T.TOperationState.RUNNING_STATE);
    expect(status.operationState).toBe(T.TOperationState.ERROR_STATE);
    expect(status.sqlState).toBe('42P01');
    expect(status.errorMessage).toMatch(/^\[TABLE_OR_VIEW_NOT_FOUND\]/);
    const meta = await client.call('GetResultSetMetadata', new T.TGetResultSetMetadataReq({ operationHandle: exec.operationHandle! }));
    expect(meta.status.statusCode).toBe(T.TStatusCode.ERROR_STATUS);
    expect(meta.status.sqlState).toBe('42P01');
  });

  it('cancels a running operation; a closed operation is gone', async () => {
    const sessionHandle = await openSession();
    const exec = await client.call('ExecuteStatement', new T.TExecuteStatementReq({ sessionHandle, statement: '/* fake:delay_ms=60000 */ SELECT 1', runAsync: true }));
    const operationHandle = exec.operationHandle!;
    expect((await client.call('CancelOperation', new T.TCancelOperationReq({ operationHandle }))).status.statusCode).toBe(T.TStatusCode.SUCCESS_STATUS);
    const status = await client.call('GetOperationStatus', new T.TGetOperationStatusReq({ operationHandle }));
    expect(status.operationState).toBe(T.TOperationState.CANCELED_STATE);
    expect((await client.call('CloseOperation', new T.TCloseOperationReq({ operationHandle }))).status.statusCode).toBe(T.TStatusCode.SUCCESS_STATUS);
    expect((await client.call('CloseOperation', new T.TCloseOperationReq({ operationHandle }))).status.statusCode).toBe(T.TStatusCode.INVALID_HANDLE_STATUS);
  });
});

describe('result paging', () => {
  it('pages an inline result with FetchResults, several Arrow batches per page, FETCH_FIRST starting over', async () => {
    const sessionHandle = await openSession();
    const exec = await client.call('ExecuteStatement', new T.TExecuteStatementReq({ sessionHandle, statement: 'SELECT * FROM range(2500)', runAsync: true, canReadArrowResult: true }));
    const operationHandle = exec.operationHandle!;
    const meta = await client.call('GetResultSetMetadata', new T.TGetResultSetMetadataReq({ operationHandle }));
    expect(meta.schema!.columns.map((c) => c.columnName)).toEqual(['id', 'label', 'ratio', 'event_time', 'amount', 'is_even']);
    const ids: number[] = [];
    const pages: { rows: number; batches: number; more: boolean }[] = [];
    let orientation = T.TFetchOrientation.FETCH_FIRST;
    for (let i = 0; i < 5; i++) {
      const page = await client.call('FetchResults', new T.TFetchResultsReq({ operationHandle, maxRows: new Int64(1000), orientation }));
      orientation = T.TFetchOrientation.FETCH_NEXT;
      const table = inlineTable(meta.arrowSchema!, page.results!);
      ids.push(...rowsOf(table));
      pages.push({ rows: table.numRows, batches: page.results!.arrowBatches!.length, more: page.hasMoreRows! });
      if (!page.hasMoreRows) break;
    }
    expect(pages).toEqual([
      { rows: 1000, batches: 2, more: true },
      { rows: 1000, batches: 2, more: true },
      { rows: 500, batches: 1, more: false },
    ]);
    expect(ids).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    const again = await client.call('FetchResults', new T.TFetchResultsReq({ operationHandle, maxRows: new Int64(3), orientation: T.TFetchOrientation.FETCH_FIRST }));
    expect(rowsOf(inlineTable(meta.arrowSchema!, again.results!))).toEqual([0, 1, 2]);
  });
});

describe('CloudFetch', () => {
  async function cloudFetchLinks(rows: number) {
    const sessionHandle = await openSession();
    const exec = await client.call(
      'ExecuteStatement',
      new T.TExecuteStatementReq({ sessionHandle, statement: `SELECT * FROM range(${rows})`, runAsync: true, canReadArrowResult: true, canDownloadResult: true }),
    );
    const operationHandle = exec.operationHandle!;
    const meta = await client.call('GetResultSetMetadata', new T.TGetResultSetMetadataReq({ operationHandle }));
    const pages = [];
    let orientation = T.TFetchOrientation.FETCH_FIRST;
    for (;;) {
      const page = await client.call('FetchResults', new T.TFetchResultsReq({ operationHandle, maxRows: new Int64(100_000), orientation }));
      orientation = T.TFetchOrientation.FETCH_NEXT;
      pages.push(page);
      if (!page.hasMoreRows) break;
    }
    return { meta, pages, operationHandle };
  }

  it('hands out links to whole Arrow IPC files, a few per FetchResults, which download as the expected rows', async () => {
    const { meta, pages } = await cloudFetchLinks(25);
    expect(meta.resultFormat).toBe(T.TSparkRowSetType.URL_BASED_SET);
    const links = pages.flatMap((p) => p.results!.resultLinks!);
    expect(pages.map((p) => p.results!.resultLinks!.length)).toEqual([2, 1]);
    expect(links.map((l) => [l.startRowOffset.toNumber(), l.rowCount.toNumber()])).toEqual([[0, 10], [10, 10], [20, 5]]);
    const ids: number[] = [];
    for (const link of links) {
      expect(link.fileLink).toMatch(/\?sv=[^&]+&se=[^&]+&sr=b&sp=r&sig=[^&]+$/);
      expect(link.expiryTime.toNumber()).toBeGreaterThan(Date.now());
      const reply = await httpsRequest(link.fileLink, fake.caCertPem);
      expect(reply.status).toBe(200);
      expect(Number(reply.headers['content-length'])).toBe(link.bytesNum.toNumber());
      const table = tableFromIPC(reply.body);
      ids.push(...table.toArray().map((r) => Number((r.toJSON() as { id: bigint }).id)));
      const first = table.get(0)!.toJSON() as { label: string | null };
      expect(first.label).toBe(expectedRangeRow(link.startRowOffset.toNumber()).label);
    }
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('re-issues links from a given row offset (what a driver does when links expire)', async () => {
    const { operationHandle } = await cloudFetchLinks(25);
    const page = await client.call('FetchResults', new T.TFetchResultsReq({ operationHandle, maxRows: new Int64(100), orientation: T.TFetchOrientation.FETCH_NEXT, startRowOffset: new Int64(10) }));
    expect(page.results!.resultLinks!.map((l) => l.startRowOffset.toNumber())).toEqual([10, 20]);
  });

  it('keeps a CloudFetch operation open when every link came with the direct results, and re-issues fresh links until CloseOperation', async () => {
    const sessionHandle = await openSession();
    const exec = await client.call(
      'ExecuteStatement',
      new T.TExecuteStatementReq({
        sessionHandle,
        statement: 'SELECT * FROM range(15)',
        canDownloadResult: true,
        getDirectResults: new T.TSparkGetDirectResults({ maxRows: new Int64(100_000) }),
      }),
    );
    const direct = exec.directResults!;
    const first = direct.resultSet!.results!.resultLinks!;
    expect(first.map((l) => l.startRowOffset.toNumber())).toEqual([0, 10]);
    expect(direct.resultSet!.hasMoreRows).toBe(false);
    // Not closed: links expire, and the driver must be able to ask for them again.
    expect(direct.closeOperation).toBeFalsy();
    const operationHandle = exec.operationHandle!;
    await new Promise((r) => setTimeout(r, 5)); // a later expiry, so a visibly different link
    const again = await client.call(
      'FetchResults',
      new T.TFetchResultsReq({ operationHandle, maxRows: new Int64(100), orientation: T.TFetchOrientation.FETCH_NEXT, startRowOffset: new Int64(0) }),
    );
    expect(again.status.statusCode).toBe(T.TStatusCode.SUCCESS_STATUS);
    const fresh = again.results!.resultLinks!;
    expect(fresh.map((l) => l.startRowOffset.toNumber())).toEqual([0, 10]);
    expect(fresh[0]!.fileLink).not.toBe(first[0]!.fileLink);
    expect(fresh[0]!.expiryTime.toNumber()).toBeGreaterThan(first[0]!.expiryTime.toNumber());
    expect((await httpsRequest(fresh[0]!.fileLink, fake.caCertPem)).status).toBe(200);

    expect((await client.call('CloseOperation', new T.TCloseOperationReq({ operationHandle }))).status.statusCode).toBe(T.TStatusCode.SUCCESS_STATUS);
    const closed = await client.call('FetchResults', new T.TFetchResultsReq({ operationHandle, maxRows: new Int64(100), orientation: T.TFetchOrientation.FETCH_NEXT, startRowOffset: new Int64(0) }));
    expect(closed.status.statusCode).toBe(T.TStatusCode.INVALID_HANDLE_STATUS);
  });

  it('refuses a link made to expire early (expireLink) like an expired one, while the same file re-issued from its offset downloads', async () => {
    const { operationHandle, pages } = await cloudFetchLinks(15);
    const link = pages[0]!.results!.resultLinks![0]!;
    expect((await httpsRequest(link.fileLink, fake.caCertPem)).status).toBe(200);
    const url = new URL(link.fileLink);
    // As the proxy records it: the signature redacted.
    expect(fake.expireLink(`${url.pathname}?${url.search.slice(1).replace(/sig=[^&]+/, 'sig=REDACTED')}`)).toBe(true);
    expect(fake.expireLink('/somewhere/else?se=2030-01-01T00%3A00%3A00Z')).toBe(false);

    const refused = await httpsRequest(link.fileLink, fake.caCertPem);
    expect(refused.status).toBe(403);
    expect(refused.body.toString('utf8')).toMatch(/<Code>AuthenticationFailed<\/Code>.*Signature not valid in the specified time frame/s);
    await new Promise((r) => setTimeout(r, 5));
    const refreshed = await client.call(
      'FetchResults',
      new T.TFetchResultsReq({ operationHandle, maxRows: new Int64(10), orientation: T.TFetchOrientation.FETCH_NEXT, startRowOffset: link.startRowOffset }),
    );
    const fresh = refreshed.results!.resultLinks![0]!;
    expect(new URL(fresh.fileLink).pathname).toBe(url.pathname);
    expect((await httpsRequest(fresh.fileLink, fake.caCertPem)).status).toBe(200);
    expect(fake.stats().expiredLinks).toBeGreaterThanOrEqual(1);
  });

  it('refuses a tampered link with 403 and an Azure-style XML error that does not echo the signature', async () => {
    const { pages } = await cloudFetchLinks(15);
    const link = pages[0]!.results!.resultLinks![0]!.fileLink;
    const sig = new URL(link).searchParams.get('sig')!;
    const tampered = link.replace('part-0-10', 'part-0-11');
    const reply = await httpsRequest(tampered, fake.caCertPem);
    expect(reply.status).toBe(403);
    expect(reply.headers['content-type']).toBe('application/xml');
    const body = reply.body.toString('utf8');
    expect(body).toMatch(/<Code>AuthenticationFailed<\/Code>/);
    expect(body).toMatch(/Signature did not match/);
    expect(body).not.toContain(sig);
    expect((await httpsRequest(link, fake.caCertPem, { method: 'POST' })).status).toBe(405);
  });

  it('refuses an expired link with 403 AuthenticationFailed', async () => {
    const shortLived = await startFakeWarehouse({ directLinks: true, cloudFetchThresholdRows: 1, linkLifetimeMs: 200 });
    const shortClient = tcliClient(shortLived);
    try {
      const link = await firstResultLink(shortClient, 5);
      expect((await httpsRequest(link.fileLink, shortLived.caCertPem)).status).toBe(200);
      // Wait exactly until the link's own expiry time has passed.
      await new Promise((r) => setTimeout(r, Math.max(0, link.expiryTime.toNumber() - Date.now() + 5)));
      const reply = await httpsRequest(link.fileLink, shortLived.caCertPem);
      expect(reply.status).toBe(403);
      expect(reply.body.toString('utf8')).toMatch(/<Code>AuthenticationFailed<\/Code>.*<AuthenticationErrorDetail>Signature not valid in the specified time frame: Expiry \[/s);
      expect(shortLived.stats().downloads).toMatchObject({ served: 1, rejected: 1 });
    } finally {
      shortClient.close();
      await shortLived.close();
    }
  });
  it('streams a large file: the client gets the headers and first bytes long before the end, and may hang up', async () => {
    const big = await startFakeWarehouse({ directLinks: true, cloudFetchThresholdRows: 1, rowsPerCloudFetchFile: 100_000 });
    const bigClient = tcliClient(big);
    try {
      const link = await firstResultLink(bigClient, 100_000);
      const size = link.bytesNum.toNumber();
      expect(size).toBeGreaterThan(2 * 1024 * 1024);
      const received = await new Promise<number>((resolve, reject) => {
        const req = https.get(link.fileLink, { ca: big.caCertPem, agent: false }, (res) => {
          expect(res.statusCode).toBe(200);
          expect(Number(res.headers['content-length'])).toBe(size);
          res.once('data', (chunk: Buffer) => {
            req.destroy();
            resolve(chunk.length);
          });
        });
        req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      });
      expect(received).toBeLessThan(size);
      await waitFor(() => big.stats().downloads.aborted === 1, 'the storage to notice the hang-up');
      expect(big.stats().downloads.served).toBe(0);
      // Still serving: the next download of the same link completes.
      const again = await httpsRequest(link.fileLink, big.caCertPem);
      expect(again.body.length).toBe(size);
      expect(big.stats().downloads.served).toBe(1);
    } finally {
      bigClient.close();
      await big.close();
    }
  });
});

describe('metadata calls', () => {
  async function metadataRows<M extends 'GetCatalogs' | 'GetSchemas' | 'GetTables' | 'GetColumns' | 'GetTypeInfo' | 'GetTableTypes'>(
    method: M,
    extra: Record<string, unknown> = {},
  ) {
    const sessionHandle = await openSession();
    const reqClass = { GetCatalogs: T.TGetCatalogsReq, GetSchemas: T.TGetSchemasReq, GetTables: T.TGetTablesReq, GetColumns: T.TGetColumnsReq, GetTypeInfo: T.TGetTypeInfoReq, GetTableTypes: T.TGetTableTypesReq }[method];
    const req = new (reqClass as new (args: object) => object)({ sessionHandle, runAsync: true, getDirectResults: new T.TSparkGetDirectResults({ maxRows: new Int64(1000) }), ...extra });
    const resp = (await client.call(method, req as never)) as { status: T.TStatus; directResults?: T.TSparkDirectResults };
    expect(resp.status.statusCode).toBe(T.TStatusCode.SUCCESS_STATUS);
    const direct = resp.directResults!;
    return inlineTable(direct.resultSetMetadata!.arrowSchema!, direct.resultSet!.results!).toArray().map((r) => r.toJSON() as Record<string, unknown>);
  }

  it('lists catalogs, schemas by LIKE pattern, tables by type, columns, types and table types', async () => {
    expect((await metadataRows('GetCatalogs')).map((r) => r.TABLE_CAT)).toEqual(['hive_metastore', 'main', 'samples', 'system']);
    expect(await metadataRows('GetSchemas', { catalogName: 'main', schemaName: 'def%' })).toEqual([{ TABLE_SCHEM: 'default', TABLE_CATALOG: 'main' }]);
    expect((await metadataRows('GetTables', { catalogName: 'samples', tableTypes: ['VIEW'] })).map((r) => r.TABLE_NAME)).toEqual(['long_trips']);
    const columns = await metadataRows('GetColumns', { catalogName: 'main', schemaName: 'default', tableName: 'numbers' });
    expect(columns.map((r) => [r.COLUMN_NAME, r.TYPE_NAME, r.ORDINAL_POSITION])).toEqual([
      ['id', 'BIGINT', 1],
      ['label', 'STRING', 2],
      ['ratio', 'DOUBLE', 3],
      ['event_time', 'TIMESTAMP', 4],
      ['amount', 'DECIMAL(18,2)', 5],
      ['is_even', 'BOOLEAN', 6],
    ]);
    expect((await metadataRows('GetTypeInfo')).map((r) => r.TYPE_NAME)).toContain('DECIMAL');
    expect((await metadataRows('GetTableTypes')).map((r) => r.TABLE_TYPE)).toEqual(['TABLE', 'VIEW']);
  });
});

describe('HTTP front', () => {
  it('answers 401 to a wrong or missing token, 404 off the warehouse path, and counts refusals', async () => {
    const before = fake.stats().unauthorized;
    const wrong = await httpsRequest(fake.direct.warehouseUrl, fake.caCertPem, { method: 'POST', headers: { Authorization: 'Bearer dapi-wrong' }, body: Buffer.from([0x80, 1, 0, 1]) });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body.toString('utf8'))).toEqual({ error_code: '401', message: 'Invalid access token.' });
    expect((await httpsRequest(fake.direct.warehouseUrl, fake.caCertPem, { method: 'POST', body: Buffer.alloc(4) })).status).toBe(401);
    expect(fake.stats().unauthorized).toBe(before + 2);
    const other = fake.direct.warehouseUrl.replace(/warehouses\/.*/, 'warehouses/other');
    expect((await httpsRequest(other, fake.caCertPem, { method: 'POST', headers: { Authorization: `Bearer ${fake.info.token}` } })).status).toBe(404);
  });

  it('answers 400 to a body that is not a Thrift message', async () => {
    const reply = await httpsRequest(fake.direct.warehouseUrl, fake.caCertPem, { method: 'POST', headers: { Authorization: `Bearer ${fake.info.token}` }, body: Buffer.from([0x80, 0x01]) });
    expect(reply.status).toBe(400);
  });
});

describe('LZ4 compression (canDecompressLZ4Result)', () => {
  const LZ4_FRAME_MAGIC = Buffer.from([0x04, 0x22, 0x4d, 0x18]);

  async function execute(c: TcliTestClient, rows: number, flags: { lz4: boolean; cloudFetch: boolean }) {
    const session = await c.call('OpenSession', new T.TOpenSessionReq({ client_protocol_i64: new Int64(V8) }));
    const exec = await c.call(
      'ExecuteStatement',
      new T.TExecuteStatementReq({
        sessionHandle: session.sessionHandle!,
        statement: `SELECT * FROM range(${rows})`,
        canDownloadResult: flags.cloudFetch,
        canDecompressLZ4Result: flags.lz4,
        getDirectResults: new T.TSparkGetDirectResults({ maxRows: new Int64(100_000) }),
      }),
    );
    return exec.directResults!;
  }

  it('sends each inline Arrow batch as an LZ4 frame and says so in lz4Compressed', async () => {
    const direct = await execute(client, 5, { lz4: true, cloudFetch: false });
    expect(direct.resultSetMetadata!.lz4Compressed).toBe(true);
    const batches = direct.resultSet!.results!.arrowBatches!;
    expect(batches.length).toBeGreaterThan(0);
    for (const b of batches) expect(b.batch.subarray(0, 4)).toEqual(LZ4_FRAME_MAGIC);
    const decompressed = new T.TRowSet({
      startRowOffset: new Int64(0),
      rows: [],
      arrowBatches: batches.map((b) => new T.TSparkArrowBatch({ batch: decompressFrameSync(b.batch), rowCount: b.rowCount })),
    });
    expect(rowsOf(inlineTable(direct.resultSetMetadata!.arrowSchema!, decompressed))).toEqual([0, 1, 2, 3, 4]);
  });

  it('serves each CloudFetch file as one LZ4 frame of the Arrow IPC stream, bytesNum its uncompressed size', async () => {
    const direct = await execute(client, 15, { lz4: true, cloudFetch: true });
    expect(direct.resultSetMetadata!.lz4Compressed).toBe(true);
    const ids: number[] = [];
    for (const link of direct.resultSet!.results!.resultLinks!) {
      const reply = await httpsRequest(link.fileLink, fake.caCertPem);
      expect(reply.status).toBe(200);
      expect(reply.body.subarray(0, 4)).toEqual(LZ4_FRAME_MAGIC);
      expect(Number(reply.headers['content-length'])).toBe(reply.body.length);
      const ipc = decompressFrameSync(reply.body);
      expect(reply.body.length).toBeLessThan(ipc.length);
      // bytesNum is the uncompressed size, as the IDL defines it.
      expect(ipc.length).toBe(link.bytesNum.toNumber());
      ids.push(...tableFromIPC(ipc).toArray().map((r) => Number((r.toJSON() as { id: bigint }).id)));
    }
    expect(ids).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });

  it('does not compress for a driver that does not ask, nor with lz4Compression: false', async () => {
    const plain = await execute(client, 5, { lz4: false, cloudFetch: false });
    expect(plain.resultSetMetadata!.lz4Compressed).toBe(false);
    expect(plain.resultSet!.results!.arrowBatches![0]!.batch.subarray(0, 4)).not.toEqual(LZ4_FRAME_MAGIC);

    const noLz4 = await startFakeWarehouse({ directLinks: true, cloudFetchThresholdRows: 10, rowsPerCloudFetchFile: 10, lz4Compression: false });
    const noLz4Client = tcliClient(noLz4);
    try {
      const inline = await execute(noLz4Client, 5, { lz4: true, cloudFetch: false });
      expect(inline.resultSetMetadata!.lz4Compressed).toBe(false);
      expect(rowsOf(inlineTable(inline.resultSetMetadata!.arrowSchema!, inline.resultSet!.results!))).toEqual([0, 1, 2, 3, 4]);
      const links = await execute(noLz4Client, 15, { lz4: true, cloudFetch: true });
      expect(links.resultSetMetadata!.lz4Compressed).toBe(false);
      const file = await httpsRequest(links.resultSet!.results!.resultLinks![0]!.fileLink, noLz4.caCertPem);
      expect(tableFromIPC(file.body).numRows).toBe(10);
    } finally {
      noLz4Client.close();
      await noLz4.close();
    }
  });
});
