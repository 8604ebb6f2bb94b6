// Answers to the metadata calls (GetCatalogs, GetSchemas, GetTables, GetColumns, GetTypeInfo, GetTableTypes,
// GetFunctions, GetPrimaryKeys, GetCrossReference), with JDBC-style column names as Databricks returns them,
// from a small fixed catalog. Name filters are SQL LIKE patterns.
import type { CellValue } from './arrow-columns';
import type { ColumnType, ResultColumn } from './result-source';
import { RANGE_COLUMNS } from './range-result';
import { TableResult } from './table-result';

interface FakeTable {
  catalog: string;
  schema: string;
  name: string;
  type: 'TABLE' | 'VIEW';
  remarks: string;
  columns: readonly ResultColumn[];
}

const FAKE_TABLES: readonly FakeTable[] = [
  {
    catalog: 'main',
    schema: 'default',
    name: 'numbers',
    type: 'TABLE',
    remarks: 'The columns of range(N) as a table',
    columns: RANGE_COLUMNS,
  },
  {
    catalog: 'samples',
    schema: 'nyctaxi',
    name: 'trips',
    type: 'TABLE',
    remarks: 'Taxi trips',
    columns: [
      { name: 'tpep_pickup_datetime', type: 'TIMESTAMP' },
      { name: 'trip_distance', type: 'DOUBLE' },
      { name: 'fare_amount', type: 'DOUBLE' },
      { name: 'pickup_zip', type: 'INT' },
    ],
  },
  {
    catalog: 'samples',
    schema: 'nyctaxi',
    name: 'long_trips',
    type: 'VIEW',
    remarks: 'Trips over ten miles',
    columns: [{ name: 'trip_distance', type: 'DOUBLE' }],
  },
];
const FAKE_SCHEMAS: readonly { catalog: string; schema: string }[] = [
  { catalog: 'hive_metastore', schema: 'default' },
  { catalog: 'main', schema: 'default' },
  { catalog: 'main', schema: 'information_schema' },
  { catalog: 'samples', schema: 'nyctaxi' },
  { catalog: 'system', schema: 'information_schema' },
];
const FAKE_CATALOGS = [...new Set(FAKE_SCHEMAS.map((s) => s.catalog))];

/** java.sql.Types codes, as JDBC metadata reports DATA_TYPE. */
const JDBC_TYPE: Record<ColumnType, number> = {
  BOOLEAN: 16,
  SMALLINT: 5,
  INT: 4,
  BIGINT: -5,
  DOUBLE: 8,
  STRING: 12,
  TIMESTAMP: 93,
  DECIMAL: 3,
};

const str = (name: string): ResultColumn => ({ name, type: 'STRING' });
const int = (name: string): ResultColumn => ({ name, type: 'INT' });

export function catalogsResult(): TableResult {
  return new TableResult([str('TABLE_CAT')], FAKE_CATALOGS.map((c) => [c]));
}

export function schemasResult(catalogName?: string | null, schemaPattern?: string | null): TableResult {
  const rows = FAKE_SCHEMAS.filter((s) => matchesName(s.catalog, catalogName) && matchesLike(s.schema, schemaPattern)).map(
    (s): CellValue[] => [s.schema, s.catalog],
  );
  return new TableResult([str('TABLE_SCHEM'), str('TABLE_CATALOG')], rows);
}

export function tablesResult(
  catalogName?: string | null,
  schemaPattern?: string | null,
  tablePattern?: string | null,
  tableTypes?: readonly string[] | null,
): TableResult {
  const wanted = tableTypes && tableTypes.length > 0 ? new Set(tableTypes.map((t) => t.toUpperCase())) : undefined;
  const rows = FAKE_TABLES.filter(
    (t) =>
      matchesName(t.catalog, catalogName) &&
      matchesLike(t.schema, schemaPattern) &&
      matchesLike(t.name, tablePattern) &&
      (!wanted || wanted.has(t.type)),
  ).map((t): CellValue[] => [t.catalog, t.schema, t.name, t.type, t.remarks]);
  return new TableResult([str('TABLE_CAT'), str('TABLE_SCHEM'), str('TABLE_NAME'), str('TABLE_TYPE'), str('REMARKS')], rows);
}

export function columnsResult(
  catalogName?: string | null,
  schemaPattern?: string | null,
  tablePattern?: string | null,
  columnPattern?: string | null,
): TableResult {
  const rows: CellValue[][] = [];
  for (const t of FAKE_TABLES) {
    if (!matchesName(t.catalog, catalogName) || !matchesLike(t.schema, schemaPattern) || !matchesLike(t.name, tablePattern)) continue;
    t.columns.forEach((c, i) => {
      if (!matchesLike(c.name, columnPattern)) return;
      rows.push([t.catalog, t.schema, t.name, c.name, JDBC_TYPE[c.type], typeName(c), 1, i + 1, 'YES']);
    });
  }
  return new TableResult(
    [
      str('TABLE_CAT'),
      str('TABLE_SCHEM'),
      str('TABLE_NAME'),
      str('COLUMN_NAME'),
      int('DATA_TYPE'),
      str('TYPE_NAME'),
      int('NULLABLE'),
      int('ORDINAL_POSITION'),
      str('IS_NULLABLE'),
    ],
    rows,
  );
}

export function tableTypesResult(): TableResult {
  return new TableResult([str('TABLE_TYPE')], [['TABLE'], ['VIEW']]);
}

export function typeInfoResult(): TableResult {
  const types: [string, ColumnType, number][] = [
    ['BOOLEAN', 'BOOLEAN', 1],
    ['SMALLINT', 'SMALLINT', 5],
    ['INT', 'INT', 10],
    ['BIGINT', 'BIGINT', 19],
    ['DOUBLE', 'DOUBLE', 15],
    ['STRING', 'STRING', 2147483647],
    ['TIMESTAMP', 'TIMESTAMP', 29],
    ['DECIMAL', 'DECIMAL', 38],
  ];
  return new TableResult(
    [str('TYPE_NAME'), int('DATA_TYPE'), int('PRECISION'), { name: 'NULLABLE', type: 'SMALLINT' }, { name: 'CASE_SENSITIVE', type: 'BOOLEAN' }],
    types.map(([name, type, precision]): CellValue[] => [name, JDBC_TYPE[type], precision, 1, type === 'STRING']),
  );
}

/** GetFunctions, GetPrimaryKeys, GetCrossReference: the fake catalog has no functions and no keys. */
export function emptyResult(columnNames: readonly string[]): TableResult {
  return new TableResult(columnNames.map(str), []);
}

function typeName(c: ResultColumn): string {
  return c.type === 'DECIMAL' ? `DECIMAL(${c.precision ?? 10},${c.scale ?? 2})` : c.type;
}

/** Exact match; an absent name matches everything. */
function matchesName(value: string, name?: string | null): boolean {
  return name === undefined || name === null || name === '' || name === value;
}

/** SQL LIKE (`%`, `_`, backslash escapes), case-insensitive as Databricks metadata is; also `*` as Hive's wildcard. */
export function matchesLike(value: string, pattern?: string | null): boolean {
  if (pattern === undefined || pattern === null || pattern === '' || pattern === '*' || pattern === '%') return true;
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) re += escapeRegExp(pattern[++i]!);
    else if (ch === '%' || ch === '*') re += '.*';
    else if (ch === '_') re += '.';
    else re += escapeRegExp(ch);
  }
  return new RegExp(`^${re}$`, 'i').test(value);
}

function escapeRegExp(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
