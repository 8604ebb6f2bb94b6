import { planStatement } from '../../src/fake/sql-surface';

describe('planStatement (the SQL the fake warehouse runs)', () => {
  it('runs SELECT 1 as one INT column named 1', () => {
    const plan = planStatement('  select 1 ; ', 100);
    if (!plan.ok) throw new Error(plan.failure.message);
    expect(plan.result.columns).toEqual([{ name: '1', type: 'INT' }]);
    expect(plan.result.rowCount).toBe(1);
  });

  it('runs SELECT * FROM range(N) with N rows, comments ignored', () => {
    const plan = planStatement('-- numbers\nSELECT *\n  FROM range( 1234 )', 10_000);
    if (!plan.ok) throw new Error(plan.failure.message);
    expect(plan.result.rowCount).toBe(1234);
    expect(plan.result.columns.map((c) => c.name)).toEqual(['id', 'label', 'ratio', 'event_time', 'amount', 'is_even']);
  });

  it('reads a delay hint', () => {
    expect(planStatement('/* fake:delay_ms=250 */ SELECT 1', 10).delayMs).toBe(250);
    expect(planStatement('SELECT 1', 10).delayMs).toBeUndefined();
  });

  it.each([
    ['SELECT * FROM samples.nyctaxi.trips', 'TABLE_OR_VIEW_NOT_FOUND', '42P01'],
    ['SELEC 1', 'PARSE_SYNTAX_ERROR', '42601'],
    ['', 'PARSE_SYNTAX_ERROR', '42601'],
    ['SELECT 2', 'FAKE_WAREHOUSE_UNSUPPORTED_STATEMENT', '0A000'],
    ['SELECT * FROM range(101)', 'FAKE_WAREHOUSE_RANGE_TOO_LARGE', '54000'],
  ])('fails %j like a warehouse: [%s], SQLSTATE %s', (sql, errorClass, sqlState) => {
    const plan = planStatement(sql, 100);
    if (plan.ok) throw new Error('expected a failure');
    expect(plan.failure.errorClass).toBe(errorClass);
    expect(plan.failure.sqlState).toBe(sqlState);
    expect(plan.failure.message).toMatch(new RegExp(`^\\[${errorClass}\\] .* SQLSTATE: ${sqlState}$`));
  });
});
