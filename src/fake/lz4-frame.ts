// LZ4 frame compression of Arrow data, as Databricks sends it to a driver that sets canDecompressLZ4Result: each
// inline Arrow batch, and each CloudFetch file as a whole, is one LZ4 frame (magic 0x184D2204). lz4-napi (the
// codec the official Node.js driver decodes with) is a native module: loaded on the first compressed result, so
// a proxy that never serves one never loads it.
import type * as Lz4Napi from 'lz4-napi';

let codec: typeof Lz4Napi | undefined;

export function lz4Frame(data: Buffer): Buffer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  codec ??= require('lz4-napi') as typeof Lz4Napi;
  return codec.compressFrameSync(data);
}
