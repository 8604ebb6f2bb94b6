// A query result the fake can page through: column descriptions plus rows produced on demand, so a result of
// millions of rows costs nothing until a slice of it is fetched or downloaded.
import type { RecordBatch } from 'apache-arrow';

export type ColumnType = 'BOOLEAN' | 'SMALLINT' | 'INT' | 'BIGINT' | 'DOUBLE' | 'STRING' | 'TIMESTAMP' | 'DECIMAL';

export interface ResultColumn {
  name: string;
  type: ColumnType;
  /** DECIMAL only. */
  precision?: number;
  /** DECIMAL only. */
  scale?: number;
  comment?: string;
}

export interface ResultSource {
  readonly columns: readonly ResultColumn[];
  readonly rowCount: number;
  /** Rows [start, start + count) as one Arrow record batch; the range must lie inside the result. */
  batch(start: number, count: number): RecordBatch;
}
