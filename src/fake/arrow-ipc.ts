// Arrow IPC framing as Databricks uses it: the result metadata carries the schema as one encapsulated IPC
// message, inline results carry record-batch messages without the schema, and a CloudFetch file is a whole
// IPC stream (schema, batches, end-of-stream marker).
import type { RecordBatch, Schema } from 'apache-arrow';
import { arrow } from './arrow-module';

/** The IPC end-of-stream marker: continuation token, then a zero metadata length. */
export const IPC_END_OF_STREAM = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/** The schema as one encapsulated IPC message (TGetResultSetMetadataResp.arrowSchema). */
export function schemaMessage(schema: Schema): Buffer {
  const writer = new (arrow().RecordBatchStreamWriter)();
  writer.reset(undefined, schema);
  const bytes = Buffer.from(writer.finish().toUint8Array(true));
  return stripEndOfStream(bytes);
}

/**
 * The batch as encapsulated IPC messages without the schema (TSparkArrowBatch.batch). apache-arrow only writes
 * whole streams, so the stream's schema prefix (the same bytes schemaMessage returns) is cut off.
 */
export function recordBatchMessage(batch: RecordBatch, schemaBytes: Buffer): Buffer {
  const stream = Buffer.from(arrow().RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true));
  const prefix = stream.subarray(0, schemaBytes.length);
  if (!prefix.equals(schemaBytes)) throw new Error('Arrow IPC stream does not start with the expected schema message');
  return stripEndOfStream(stream.subarray(schemaBytes.length));
}

function stripEndOfStream(bytes: Buffer): Buffer {
  const tail = bytes.subarray(bytes.length - IPC_END_OF_STREAM.length);
  if (!tail.equals(IPC_END_OF_STREAM)) throw new Error('Arrow IPC stream does not end with an end-of-stream marker');
  return Buffer.from(bytes.subarray(0, bytes.length - IPC_END_OF_STREAM.length));
}
