// Arrow types and vectors for the fake's column types, matching what Databricks sends with native Arrow types:
// timestamps as microseconds in UTC, decimals as 128-bit.
import type { DataType, Decimal, RecordBatch, Schema, Vector } from 'apache-arrow';
import { arrow } from './arrow-module';
import type { ColumnType, ResultColumn } from './result-source';

/** One value of a column: numbers for numeric types (bigint for BIGINT), epoch ms for TIMESTAMP, the unscaled bigint for DECIMAL. */
export type CellValue = boolean | number | bigint | string | null;

export const DEFAULT_DECIMAL_PRECISION = 10;
export const DEFAULT_DECIMAL_SCALE = 2;

export function arrowType(column: ResultColumn): DataType {
  const { Bool, Decimal, Float64, Int16, Int32, Int64, TimestampMicrosecond, Utf8 } = arrow();
  const kinds: Record<ColumnType, () => DataType> = {
    BOOLEAN: () => new Bool(),
    SMALLINT: () => new Int16(),
    INT: () => new Int32(),
    BIGINT: () => new Int64(),
    DOUBLE: () => new Float64(),
    STRING: () => new Utf8(),
    TIMESTAMP: () => new TimestampMicrosecond('Etc/UTC'),
    DECIMAL: () => new Decimal(column.scale ?? DEFAULT_DECIMAL_SCALE, column.precision ?? DEFAULT_DECIMAL_PRECISION, 128),
  };
  return kinds[column.type]();
}

export function arrowSchema(columns: readonly ResultColumn[]): Schema {
  const { Field, Schema } = arrow();
  return new Schema(columns.map((c) => new Field(c.name, arrowType(c), true)));
}

/** Builds one record batch from column-major values; every column must hold the same number of values. */
export function recordBatch(columns: readonly ResultColumn[], values: readonly (readonly CellValue[])[]): RecordBatch {
  const { makeData, RecordBatch, Struct } = arrow();
  const schema = arrowSchema(columns);
  const length = values[0]?.length ?? 0;
  const children = columns.map((column, i) => {
    const cells = values[i] ?? [];
    if (cells.length !== length) throw new Error(`column ${column.name} has ${cells.length} values, expected ${length}`);
    return vectorFor(column, cells).data[0]!;
  });
  const data = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

function vectorFor(column: ResultColumn, cells: readonly CellValue[]): Vector {
  if (column.type === 'DECIMAL') return decimalVector(column, cells);
  const type = arrowType(column);
  return arrow().vectorFromArray(cells as unknown[], type);
}

// vectorFromArray has no builder input for 128-bit decimals from bigint, so the words are laid out here:
// four little-endian 32-bit words per value, two's complement.
function decimalVector(column: ResultColumn, cells: readonly CellValue[]): Vector {
  const { makeData, makeVector } = arrow();
  const words = new Uint32Array(cells.length * 4);
  const validity = new Uint8Array(Math.ceil(cells.length / 8));
  let nullCount = 0;
  cells.forEach((cell, i) => {
    if (cell === null) {
      nullCount++;
      return;
    }
    validity[i >> 3]! |= 1 << (i & 7);
    let v = BigInt.asUintN(128, BigInt(cell as number | bigint));
    for (let w = 0; w < 4; w++) {
      words[i * 4 + w] = Number(v & 0xffffffffn);
      v >>= 32n;
    }
  });
  return makeVector(
    makeData({ type: arrowType(column) as Decimal, length: cells.length, nullCount, data: words, nullBitmap: validity }),
  );
}
