// The SQL the fake understands: `SELECT 1` and `SELECT * FROM range(N)`. Anything else fails the way a
// Databricks warehouse fails a statement: an error class in brackets, a message and a SQLSTATE.
import type { ResultSource } from './result-source';
import { RangeResult } from './range-result';
import { TableResult } from './table-result';

export interface SqlFailure {
  errorClass: string;
  sqlState: string;
  message: string;
}

export type PlannedStatement =
  | { ok: true; result: ResultSource; delayMs?: number }
  | { ok: false; failure: SqlFailure; delayMs?: number };

/** A hint a test may put in a statement to make it run for a while: `/* fake:delay_ms=500 *\/ SELECT 1`. */
const DELAY_HINT = /\/\*\s*fake:delay_ms\s*=\s*(\d+)\s*\*\//i;
const SQL_KEYWORDS = new Set([
  'SELECT', 'WITH', 'VALUES', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'USE', 'SET', 'CREATE', 'DROP', 'ALTER',
  'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'TRUNCATE', 'OPTIMIZE', 'ANALYZE', 'CACHE', 'UNCACHE', 'REFRESH', 'COPY',
  'GRANT', 'REVOKE', 'LIST', 'GET', 'PUT', 'REMOVE', 'TABLE', 'FROM',
]);

export function planStatement(statement: string, maxRangeRows: number): PlannedStatement {
  const hint = DELAY_HINT.exec(statement);
  const delayMs = hint ? Number(hint[1]) : undefined;
  const withDelay = <T extends PlannedStatement>(p: T): T => (delayMs === undefined ? p : { ...p, delayMs });
  const sql = normalize(statement);

  if (/^SELECT 1$/i.test(sql)) {
    return withDelay({ ok: true, result: new TableResult([{ name: '1', type: 'INT' }], [[1]]) });
  }
  const range = /^SELECT \* FROM range\s*\(\s*(\d+)\s*\)$/i.exec(sql);
  if (range) {
    const rows = Number(range[1]);
    if (!Number.isSafeInteger(rows) || rows > maxRangeRows) {
      return withDelay({
        ok: false,
        failure: fail('FAKE_WAREHOUSE_RANGE_TOO_LARGE', '54000', `range(${range[1]}) exceeds this warehouse's limit of ${maxRangeRows} rows.`),
      });
    }
    return withDelay({ ok: true, result: new RangeResult(rows) });
  }
  const table = /^SELECT \* FROM ([A-Za-z_`][\w.`]*)$/i.exec(sql);
  if (table) {
    return withDelay({
      ok: false,
      failure: fail(
        'TABLE_OR_VIEW_NOT_FOUND',
        '42P01',
        `The table or view ${table[1]} cannot be found. Verify the spelling and correctness of the schema and catalog.`,
      ),
    });
  }
  const firstWord = (/^[A-Za-z]+/.exec(sql)?.[0] ?? sql.slice(0, 1)).toUpperCase();
  if (sql.length === 0 || !SQL_KEYWORDS.has(firstWord)) {
    return withDelay({ ok: false, failure: fail('PARSE_SYNTAX_ERROR', '42601', `Syntax error at or near '${firstWord || 'end of input'}'.`) });
  }
  return withDelay({
    ok: false,
    failure: fail(
      'FAKE_WAREHOUSE_UNSUPPORTED_STATEMENT',
      '0A000',
      'The fake warehouse runs only `SELECT 1` and `SELECT * FROM range(N)`.',
    ),
  });
}

function fail(errorClass: string, sqlState: string, text: string): SqlFailure {
  return { errorClass, sqlState, message: `[${errorClass}] ${text} SQLSTATE: ${sqlState}` };
}

/** Drops comments and a trailing semicolon, collapses whitespace. */
function normalize(statement: string): string {
  return statement
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\s*;$/, '');
}
