// The Hive-style result schema (TTableSchema) for result columns; column names must match the Arrow fields.
import { DEFAULT_DECIMAL_PRECISION, DEFAULT_DECIMAL_SCALE } from './arrow-columns';
import type { ColumnType, ResultColumn } from './result-source';
import { T, type TTableSchema } from './tcli-service';

const TYPE_ID: Record<ColumnType, number> = {
  BOOLEAN: T.TTypeId.BOOLEAN_TYPE,
  SMALLINT: T.TTypeId.SMALLINT_TYPE,
  INT: T.TTypeId.INT_TYPE,
  BIGINT: T.TTypeId.BIGINT_TYPE,
  DOUBLE: T.TTypeId.DOUBLE_TYPE,
  STRING: T.TTypeId.STRING_TYPE,
  TIMESTAMP: T.TTypeId.TIMESTAMP_TYPE,
  DECIMAL: T.TTypeId.DECIMAL_TYPE,
};

export function thriftTableSchema(columns: readonly ResultColumn[]): TTableSchema {
  return new T.TTableSchema({
    columns: columns.map(
      (c, i) =>
        new T.TColumnDesc({
          columnName: c.name,
          position: i + 1,
          comment: c.comment ?? '',
          typeDesc: new T.TTypeDesc({
            types: [
              new T.TTypeEntry({
                primitiveEntry: new T.TPrimitiveTypeEntry({
                  type: TYPE_ID[c.type],
                  typeQualifiers: c.type === 'DECIMAL' ? decimalQualifiers(c) : undefined,
                }),
              }),
            ],
          }),
        }),
    ),
  });
}

function decimalQualifiers(c: ResultColumn) {
  return new T.TTypeQualifiers({
    qualifiers: {
      precision: new T.TTypeQualifierValue({ i32Value: c.precision ?? DEFAULT_DECIMAL_PRECISION }),
      scale: new T.TTypeQualifierValue({ i32Value: c.scale ?? DEFAULT_DECIMAL_SCALE }),
    },
  });
}
