// How named output looks when the input is unusual: unknown methods and fields, wire types that disagree with
// the schema, values outside an enum, long strings, and the output size limits.
import * as thrift from 'thrift';
import { decodeThriftMessage, type ThriftMessage } from '../../src/thrift/decoder';
import { nameCall } from '../../src/thrift/naming';
import { DEFAULT_RENDER_LIMITS, OMITTED } from '../../src/thrift/render-fields';
import { decodeOk } from './support/decoded';
import { encodeWithNpmThrift, type StructValue, type Value } from './support/thrift-values';

const CALL = thrift.Thrift.MessageType.CALL;

/** A CALL of `method` whose field 1 is a struct with the given fields. */
function call(method: string, fields: Array<{ id: number; value: Value }>): ThriftMessage {
  const body: StructValue = { t: 'struct', fields: [{ id: 1, value: { t: 'struct', fields } }] };
  return decodeOk(encodeWithNpmThrift('binary', method, CALL, 1, body));
}

const str = (v: string): Value => ({ t: 'string', v });

describe('naming unusual input', () => {
  it('keys fields the schema does not know by their id, and guesses text or binary', () => {
    const named = nameCall(
      call('ExecuteStatement', [
        { id: 2, value: str('SELECT 1') },
        { id: 9999, value: str('hello') },
        { id: 9998, value: { t: 'binary', v: new Uint8Array([0, 1, 2, 0xff]) } },
        { id: 9997, value: { t: 'binary', v: new Uint8Array(100).fill(1) } },
      ]),
    );
    expect(named.request).toEqual({ statement: 'SELECT 1', 9999: 'hello', 9998: '000102ff', 9997: '<binary 100 bytes>' });
  });

  it('names an unknown method by field ids only', () => {
    expect(nameCall(call('NoSuchMethod', [{ id: 1, value: { t: 'i32', v: 5 } }, { id: 2, value: str('x') }]))).toEqual({
      method: 'NoSuchMethod',
      request: { 1: 5, 2: 'x' },
    });
  });

  it('shows a value whose wire type disagrees with the schema as it is, under the schema name', () => {
    // TExecuteStatementReq.statement (2) is a string; runAsync (4) is a bool.
    const named = nameCall(call('ExecuteStatement', [{ id: 2, value: { t: 'i32', v: 7 } }, { id: 4, value: str('yes') }]));
    expect(named.request).toEqual({ statement: 7, runAsync: 'yes' });
  });

  it('shows enum values outside the enum as numbers', () => {
    // TGetInfoReq.infoType (2) is the TGetInfoType enum.
    expect(nameCall(call('GetInfo', [{ id: 2, value: { t: 'i32', v: 123456 } }])).request).toEqual({ infoType: 123456 });
    expect(nameCall(call('GetInfo', [{ id: 2, value: { t: 'i32', v: 17 } }])).request).toEqual({ infoType: 'CLI_DBMS_NAME' });
  });

  it('shows non-finite doubles as strings (JSON has no NaN)', () => {
    const named = nameCall(call('X', [{ id: 1, value: { t: 'double', v: Number.POSITIVE_INFINITY } }, { id: 2, value: { t: 'double', v: Number.NaN } }]));
    expect(named.request).toEqual({ 1: 'Infinity', 2: 'NaN' });
  });

  it('cuts a long string and says how long it was', () => {
    const statement = `SELECT '${'x'.repeat(10_000)}'`;
    const shown = nameCall(call('ExecuteStatement', [{ id: 2, value: str(statement) }])).request?.statement;
    expect(shown).toBe(`${statement.slice(0, DEFAULT_RENDER_LIMITS.maxStringChars)}...<cut, ${statement.length} bytes in all>`);
  });

  it('bounds the whole output: total characters and number of values', () => {
    const manyStrings = Array.from({ length: 300 }, (_, i) => ({ id: 100 + i, value: str('y'.repeat(2000)) }));
    const named = nameCall(call('X', manyStrings), { ...DEFAULT_RENDER_LIMITS, maxTotalChars: 10_000 });
    expect(JSON.stringify(named).length).toBeLessThan(10_000 + 300 * 60);

    const manyInts = Array.from({ length: 50 }, (_, i) => ({ id: 100 + i, value: { t: 'i32' as const, v: i } }));
    const limited = nameCall(call('X', manyInts), { ...DEFAULT_RENDER_LIMITS, maxValues: 10 }).request ?? {};
    const values = Object.values(limited);
    expect(values.slice(0, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(values.slice(10).every((v) => v === OMITTED)).toBe(true);
    expect(values).toHaveLength(50);
  });

  it('returns no request for a reply, and the method for a call without field 1', () => {
    const reply = decodeThriftMessage(encodeWithNpmThrift('binary', 'GetTables', thrift.Thrift.MessageType.REPLY, 1, { t: 'struct', fields: [] }));
    if (!reply.ok) throw new Error(reply.error);
    expect(nameCall(reply.message)).toEqual({ method: 'GetTables' });
    const empty = decodeThriftMessage(encodeWithNpmThrift('binary', 'GetTables', CALL, 1, { t: 'struct', fields: [] }));
    if (!empty.ok) throw new Error(empty.error);
    expect(nameCall(empty.message)).toEqual({ method: 'GetTables' });
  });
});
