// `SELECT * FROM range(N)`: N deterministic rows, computed from the row index alone so any slice can be
// produced on demand (for a FetchResults page or a CloudFetch file) without keeping the result in memory.
import type { RecordBatch } from 'apache-arrow';
import { recordBatch, type CellValue } from './arrow-columns';
import type { ResultColumn, ResultSource } from './result-source';

export const RANGE_COLUMNS: readonly ResultColumn[] = [
  { name: 'id', type: 'BIGINT' },
  { name: 'label', type: 'STRING' },
  { name: 'ratio', type: 'DOUBLE' },
  { name: 'event_time', type: 'TIMESTAMP' },
  { name: 'amount', type: 'DECIMAL', precision: 18, scale: 2 },
  { name: 'is_even', type: 'BOOLEAN' },
];

const EPOCH_2024_MS = Date.UTC(2024, 0, 1);

/** The row with index i, as the driver returns it (the values tests compare against). */
export interface RangeRow {
  id: number;
  label: string | null;
  ratio: number | null;
  event_time: Date | null;
  amount: number | null;
  is_even: boolean | null;
}

/** Row i of range(N). Nulls fall on fixed residues so every column has some and tests can predict them. */
export function expectedRangeRow(i: number): RangeRow {
  return {
    id: i,
    label: i % 7 === 3 ? null : `row-${i}`,
    ratio: i % 11 === 5 ? null : i / 4,
    event_time: i % 13 === 6 ? null : new Date(EPOCH_2024_MS + i * 1000),
    amount: i % 17 === 8 ? null : (i * 125) / 100,
    is_even: i % 19 === 9 ? null : i % 2 === 0,
  };
}

export class RangeResult implements ResultSource {
  readonly columns = RANGE_COLUMNS;

  constructor(readonly rowCount: number) {}

  batch(start: number, count: number): RecordBatch {
    if (start < 0 || count < 0 || start + count > this.rowCount) {
      throw new RangeError(`rows [${start}, ${start + count}) are outside range(${this.rowCount})`);
    }
    const ids: CellValue[] = new Array(count);
    const labels: CellValue[] = new Array(count);
    const ratios: CellValue[] = new Array(count);
    const times: CellValue[] = new Array(count);
    const amounts: CellValue[] = new Array(count);
    const evens: CellValue[] = new Array(count);
    for (let k = 0; k < count; k++) {
      const row = expectedRangeRow(start + k);
      ids[k] = BigInt(row.id);
      labels[k] = row.label;
      ratios[k] = row.ratio;
      times[k] = row.event_time === null ? null : row.event_time.getTime();
      // The unscaled decimal: amount * 10^scale, exact because amount = i * 1.25.
      amounts[k] = row.amount === null ? null : BigInt(row.id) * 125n;
      evens[k] = row.is_even;
    }
    return recordBatch(this.columns, [ids, labels, ratios, times, amounts, evens]);
  }
}
