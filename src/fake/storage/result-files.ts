// The CloudFetch files of live results. Only a description of each result is kept (the ResultSource, which
// produces rows on demand); a file's bytes are produced again each time it is downloaded, in small batches.
import { arrowSchema } from '../arrow-columns';
import { IPC_END_OF_STREAM, recordBatchMessage, schemaMessage } from '../arrow-ipc';
import { lz4Frame } from '../lz4-frame';
import type { ResultSource } from '../result-source';

/** Rows per record batch inside a file: bounds the memory one download needs. */
const FILE_BATCH_ROWS = 4096;

export interface ResultFileRef {
  resultId: string;
  startRow: number;
  rowCount: number;
}

interface Entry {
  source: ResultSource;
  /** Each file is one LZ4 frame of its Arrow IPC stream. */
  lz4: boolean;
  schemaBytes: Buffer;
  sizes: Map<string, number>;
  dropTimer?: NodeJS.Timeout;
}

export class ResultFiles {
  private readonly entries = new Map<string, Entry>();

  /** @param retainAfterReleaseMs how long files stay downloadable after their operation is closed (links outlive it). */
  constructor(private readonly retainAfterReleaseMs: number) {}

  register(resultId: string, source: ResultSource, encoding: { lz4: boolean } = { lz4: false }): void {
    this.entries.set(resultId, { source, lz4: encoding.lz4, schemaBytes: schemaMessage(arrowSchema(source.columns)), sizes: new Map() });
  }

  release(resultId: string): void {
    const entry = this.entries.get(resultId);
    if (!entry || entry.dropTimer) return;
    entry.dropTimer = setTimeout(() => this.entries.delete(resultId), this.retainAfterReleaseMs);
    entry.dropTimer.unref();
  }

  has(ref: ResultFileRef): boolean {
    const entry = this.entries.get(ref.resultId);
    return !!entry && ref.startRow >= 0 && ref.rowCount > 0 && ref.startRow + ref.rowCount <= entry.source.rowCount;
  }

  /** Byte size of a file as served (compressed, if it is); computed once by producing it, then remembered. */
  size(ref: ResultFileRef): number {
    const entry = this.entryFor(ref);
    return this.remembered(entry, `${ref.startRow}-${ref.rowCount}`, () => this.chunks(ref));
  }

  /** Byte size of the file's Arrow IPC stream before compression: what a link's bytesNum reports. */
  uncompressedSize(ref: ResultFileRef): number {
    const entry = this.entryFor(ref);
    if (!entry.lz4) return this.size(ref);
    return this.remembered(entry, `${ref.startRow}-${ref.rowCount}:ipc`, () => this.ipcStream(entry, ref));
  }

  private remembered(entry: Entry, key: string, produce: () => Iterable<Buffer>): number {
    let size = entry.sizes.get(key);
    if (size === undefined) {
      size = 0;
      for (const chunk of produce()) size += chunk.length;
      entry.sizes.set(key, size);
    }
    return size;
  }

  /**
   * The file as a whole Arrow IPC stream, produced chunk by chunk; compressed, as one LZ4 frame (the codec has no
   * streaming API, so a compressed file is held whole while it is sent).
   */
  *chunks(ref: ResultFileRef): Generator<Buffer> {
    const entry = this.entryFor(ref);
    if (entry.lz4) {
      yield lz4Frame(Buffer.concat([...this.ipcStream(entry, ref)]));
      return;
    }
    yield* this.ipcStream(entry, ref);
  }

  private *ipcStream(entry: Entry, ref: ResultFileRef): Generator<Buffer> {
    yield entry.schemaBytes;
    for (let offset = 0; offset < ref.rowCount; offset += FILE_BATCH_ROWS) {
      const count = Math.min(FILE_BATCH_ROWS, ref.rowCount - offset);
      yield recordBatchMessage(entry.source.batch(ref.startRow + offset, count), entry.schemaBytes);
    }
    yield IPC_END_OF_STREAM;
  }

  close(): void {
    for (const entry of this.entries.values()) clearTimeout(entry.dropTimer);
    this.entries.clear();
  }

  private entryFor(ref: ResultFileRef): Entry {
    const entry = this.entries.get(ref.resultId);
    if (!entry || !this.has(ref)) throw new Error(`no such result file: ${ref.resultId} rows ${ref.startRow}+${ref.rowCount}`);
    return entry;
  }
}

/** Blob path of a file inside the storage account: /<container>/<result>/part-<start>-<count>.arrow */
export function blobPath(ref: ResultFileRef): string {
  return `/dbsql-results/${ref.resultId}/part-${ref.startRow}-${ref.rowCount}.arrow`;
}

export function parseBlobPath(pathname: string): ResultFileRef | undefined {
  const m = /^\/dbsql-results\/([0-9a-f-]{36})\/part-(\d+)-(\d+)\.arrow$/.exec(pathname);
  if (!m) return undefined;
  return { resultId: m[1]!, startRow: Number(m[2]), rowCount: Number(m[3]) };
}
