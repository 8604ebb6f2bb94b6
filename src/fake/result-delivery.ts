// Hands one operation's result to the driver page by page: inline Arrow batches for small results, presigned
// CloudFetch links for large ones (when the driver allows them), with the metadata that tells it which.
import Int64 from 'node-int64';
import { arrowSchema } from './arrow-columns';
import { recordBatchMessage, schemaMessage } from './arrow-ipc';
import { lz4Frame } from './lz4-frame';
import type { ResultSource } from './result-source';
import { blobPath, type ResultFiles } from './storage/result-files';
import type { UrlSigner } from './storage/presigned-url';
import { T, type TGetResultSetMetadataResp, type TRowSet } from './tcli-service';
import { thriftTableSchema } from './thrift-schema';
import { successStatus } from './statuses';

export type ResultFormat = 'inline_arrow' | 'cloudfetch';

/** How the result travels: inline batches or CloudFetch files, each LZ4-frame-compressed or not. */
export interface ResultEncoding {
  format: ResultFormat;
  lz4: boolean;
}

export interface DeliverySettings {
  maxRowsPerInlineBatch: number;
  rowsPerCloudFetchFile: number;
  linksPerFetch: number;
  linkLifetimeMs: number;
  /** Origin of CloudFetch links, e.g. https://fakeaccount.blob.core.windows.net */
  linkOrigin: string;
}

export interface FetchPage {
  rowSet: TRowSet;
  hasMoreRows: boolean;
}

export class ResultDelivery {
  /** Index of the next row FETCH_NEXT returns. */
  private cursor = 0;
  private readonly schemaBytes: Buffer;

  constructor(
    readonly resultId: string,
    readonly source: ResultSource,
    private readonly encoding: ResultEncoding,
    private readonly settings: DeliverySettings,
    private readonly files: ResultFiles,
    private readonly signer: UrlSigner,
  ) {
    this.schemaBytes = schemaMessage(arrowSchema(source.columns));
    if (encoding.format === 'cloudfetch') files.register(resultId, source, { lz4: encoding.lz4 });
  }

  get format(): ResultFormat {
    return this.encoding.format;
  }

  metadata(): TGetResultSetMetadataResp {
    return new T.TGetResultSetMetadataResp({
      status: successStatus(),
      schema: thriftTableSchema(this.source.columns),
      resultFormat: this.format === 'cloudfetch' ? T.TSparkRowSetType.URL_BASED_SET : T.TSparkRowSetType.ARROW_BASED_SET,
      lz4Compressed: this.encoding.lz4,
      arrowSchema: this.schemaBytes,
      isStagingOperation: false,
    });
  }

  /**
   * One page from `startRow` (FETCH_FIRST passes 0, a driver re-fetching expired links passes the link's
   * offset), or from where the previous page ended.
   */
  fetch(maxRows: number, startRow?: number): FetchPage {
    const start = Math.min(Math.max(0, startRow ?? this.cursor), this.source.rowCount);
    const wanted = Math.max(1, maxRows);
    const rowSet = this.format === 'cloudfetch' ? this.linksFrom(start, wanted) : this.batchesFrom(start, wanted);
    return { rowSet: rowSet.rowSet, hasMoreRows: this.cursor < this.source.rowCount };
  }

  /** Called when the operation is closed: its files stay downloadable only while links already handed out live. */
  release(): void {
    this.files.release(this.resultId);
  }

  private batchesFrom(start: number, maxRows: number): { rowSet: TRowSet } {
    const end = Math.min(this.source.rowCount, start + maxRows);
    const arrowBatches = [];
    for (let from = start; from < end; from += this.settings.maxRowsPerInlineBatch) {
      const count = Math.min(this.settings.maxRowsPerInlineBatch, end - from);
      const message = recordBatchMessage(this.source.batch(from, count), this.schemaBytes);
      arrowBatches.push(new T.TSparkArrowBatch({ batch: this.encoding.lz4 ? lz4Frame(message) : message, rowCount: new Int64(count) }));
    }
    this.cursor = end;
    return { rowSet: new T.TRowSet({ startRowOffset: new Int64(start), rows: [], arrowBatches }) };
  }

  private linksFrom(start: number, maxRows: number): { rowSet: TRowSet } {
    const fileRows = this.settings.rowsPerCloudFetchFile;
    const resultLinks = [];
    let from = start;
    const expiry = new Date(Date.now() + this.settings.linkLifetimeMs);
    while (from < this.source.rowCount && resultLinks.length < this.settings.linksPerFetch && (resultLinks.length === 0 || from - start < maxRows)) {
      // Files have fixed boundaries (multiples of fileRows) so a re-fetch from a link's offset names the same file.
      const end = Math.min(this.source.rowCount, (Math.floor(from / fileRows) + 1) * fileRows);
      const ref = { resultId: this.resultId, startRow: from, rowCount: end - from };
      const path = blobPath(ref);
      resultLinks.push(
        new T.TSparkArrowResultLink({
          fileLink: `${this.settings.linkOrigin}${path}?${this.signer.sign(path, expiry)}`,
          expiryTime: new Int64(expiry.getTime()),
          startRowOffset: new Int64(from),
          rowCount: new Int64(ref.rowCount),
          // The IDL: the size of all uncompressed Arrow batches in the file (the download may be smaller, LZ4).
          bytesNum: new Int64(this.files.uncompressedSize(ref)),
          httpHeaders: {},
        }),
      );
      from = end;
    }
    this.cursor = from;
    return { rowSet: new T.TRowSet({ startRowOffset: new Int64(start), rows: [], resultLinks }) };
  }
}
