import { RecordBatchReader, tableFromIPC } from 'apache-arrow';
import { arrowSchema } from '../../src/fake/arrow-columns';
import { IPC_END_OF_STREAM, recordBatchMessage, schemaMessage } from '../../src/fake/arrow-ipc';
import { expectedRangeRow, RangeResult } from '../../src/fake/range-result';
import { ResultFiles } from '../../src/fake/storage/result-files';

/** Arrow row as the values expectedRangeRow describes (ms timestamps, scaled decimals). */
function plainRow(row: Record<string, unknown>) {
  const amount = row.amount as { valueOf(): unknown } | null;
  return {
    id: Number(row.id as bigint),
    label: row.label,
    ratio: row.ratio,
    event_time: row.event_time === null ? null : new Date(row.event_time as number),
    amount: amount === null ? null : Number(BigInt(String(amount))) / 100,
    is_even: row.is_even,
  };
}

describe('range(N) results as Arrow IPC', () => {
  const result = new RangeResult(300);
  const schemaBytes = schemaMessage(arrowSchema(result.columns));

  it('frames inline batches as schema message + record-batch messages that read back as the expected rows', () => {
    const parts = [schemaBytes, recordBatchMessage(result.batch(0, 120), schemaBytes), recordBatchMessage(result.batch(120, 180), schemaBytes)];
    const table = tableFromIPC(Buffer.concat([...parts, IPC_END_OF_STREAM]));
    expect(table.numRows).toBe(300);
    const rows = table.toArray().map((r) => plainRow(r.toJSON() as Record<string, unknown>));
    expect(rows).toEqual(Array.from({ length: 300 }, (_, i) => expectedRangeRow(i)));
  });

  it('has nulls in every nullable column', () => {
    const table = tableFromIPC(Buffer.concat([schemaBytes, recordBatchMessage(result.batch(0, 300), schemaBytes), IPC_END_OF_STREAM]));
    for (const name of ['label', 'ratio', 'event_time', 'amount', 'is_even']) {
      expect(table.getChild(name)!.nullCount).toBeGreaterThan(0);
    }
    expect(table.getChild('id')!.nullCount).toBe(0);
  });

  it('serves a CloudFetch file as a whole IPC stream whose size is announced exactly', () => {
    const files = new ResultFiles(60_000);
    try {
      files.register('5f0c8a52-6f0e-4a8c-9d55-1c1f1b7f3c11', new RangeResult(10_000));
      const ref = { resultId: '5f0c8a52-6f0e-4a8c-9d55-1c1f1b7f3c11', startRow: 5000, rowCount: 5000 };
      const bytes = Buffer.concat([...files.chunks(ref)]);
      expect(files.size(ref)).toBe(bytes.length);
      const batches = [...RecordBatchReader.from(bytes)];
      // Produced in bounded batches, not as one big buffer.
      expect(batches.length).toBeGreaterThan(1);
      const table = tableFromIPC(bytes);
      expect(table.numRows).toBe(5000);
      expect(plainRow(table.get(0)!.toJSON() as Record<string, unknown>)).toEqual(expectedRangeRow(5000));
      expect(plainRow(table.get(4999)!.toJSON() as Record<string, unknown>)).toEqual(expectedRangeRow(9999));
      expect(files.has({ ...ref, rowCount: 5001 })).toBe(false);
    } finally {
      files.close();
    }
  });
});
