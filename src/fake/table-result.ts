// A small result held as rows: `SELECT 1` and the answers to metadata calls (GetCatalogs, GetTables, ...).
import type { RecordBatch } from 'apache-arrow';
import { recordBatch, type CellValue } from './arrow-columns';
import type { ResultColumn, ResultSource } from './result-source';

export class TableResult implements ResultSource {
  readonly rowCount: number;

  constructor(
    readonly columns: readonly ResultColumn[],
    private readonly rows: readonly (readonly CellValue[])[],
  ) {
    for (const row of rows) {
      if (row.length !== columns.length) throw new Error(`row has ${row.length} cells, expected ${columns.length}`);
    }
    this.rowCount = rows.length;
  }

  batch(start: number, count: number): RecordBatch {
    const slice = this.rows.slice(start, start + count);
    return recordBatch(
      this.columns,
      this.columns.map((_, c) => slice.map((row) => row[c] ?? null)),
    );
  }
}
