// The general encoder: a decoded tree written back in its own protocol. Proven by round trips against the npm
// thrift library (the independent writer and reader), on fuzzed trees and on every reply type of the schema.
import { DATABRICKS_SUPPLEMENT } from '../../scripts/tcli-schema/databricks-supplement';
import fc from 'fast-check';
import { decodeThriftMessage, TType, type ThriftMessage, type ThriftStruct, type ThriftValue } from '../../src/thrift/decoder';
import { encodeThriftMessage, LOSSLESS_DECODE_LIMITS, ThriftEncodeError } from '../../src/thrift/message-encoder';
import { TCLI_SCHEMA } from '../../src/thrift/tcli-schema';
import { driverCall, driverReadReply, driverReply, type DriverProtocol } from './support/driver-wire';
import { sampleRequests } from './support/sample-requests';
import { executeStatementError, fetchResultsArrow, fetchResultsCloudFetch, fetchResultsColumns, openSessionSuccess, resultSetMetadata } from './support/sample-replies';
import { encodeWithNpmThrift, expectedStruct, structArb, type WireProtocolName } from './support/thrift-values';
import { resultArb } from './support/schema-trees';

const PROTOCOLS: readonly WireProtocolName[] = ['binary', 'binary-old-header', 'compact'];
const RUNS = 300;

function decodeLossless(bytes: Buffer): ThriftMessage {
  const result = decodeThriftMessage(bytes, LOSSLESS_DECODE_LIMITS);
  if (!result.ok) throw new Error(`expected a message, got: ${result.error}`);
  return result.message;
}

function header(protocol: WireProtocolName): Pick<ThriftMessage, 'protocol' | 'strictHeader'> {
  return { protocol: protocol === 'compact' ? 'compact' : 'binary', strictHeader: protocol !== 'binary-old-header' };
}

describe('encodeThriftMessage', () => {
  describe.each(PROTOCOLS)('%s protocol', (protocol) => {
    it('re-encodes what npm thrift wrote byte for byte, for fuzzed messages (property)', () => {
      fc.assert(
        fc.property(structArb(4), fc.integer({ min: -2147483648, max: 2147483647 }), (body, seqid) => {
          const bytes = encodeWithNpmThrift(protocol, 'Method', 2, seqid, body);
          const message = decodeLossless(bytes);
          expect(encodeThriftMessage(message).equals(bytes)).toBe(true);
        }),
        { numRuns: RUNS },
      );
    });

    it('decode(encode(tree)) == tree for fuzzed trees (property)', () => {
      fc.assert(
        fc.property(structArb(4), (value) => {
          const body = expectedStruct(value, protocol);
          const encoded = encodeThriftMessage({ ...header(protocol), name: 'M', type: 'call', seqid: 9, body });
          const decoded = decodeLossless(encoded);
          expect(decoded.body).toEqual(body);
          expect(decoded).toMatchObject({ name: 'M', type: 'call', seqid: 9, trailingBytes: 0, ...header(protocol) });
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe.each(['binary', 'compact'] as const)('every reply type of the schema, %s protocol', (protocol) => {
    const driverProtocol: DriverProtocol = protocol;
    // The driver's client can only read replies of the methods it implements (not the supplement's SetClientInfo, GetQueryId, UploadData, DownloadData).
    const driverMethods = Object.keys(TCLI_SCHEMA.methods).filter((m) => !(m in DATABRICKS_SUPPLEMENT.methods));
    it.each(driverMethods)('%s: decode(encode(tree)) == tree, and the driver reads it (property)', (method) => {
      fc.assert(
        fc.property(resultArb(method), (body) => {
          const encoded = encodeThriftMessage({ protocol, strictHeader: true, name: method, type: 'reply', seqid: 77, body });
          // The compact protocol writes no key and value types for an empty map: they read back as STOP.
          expect(decodeLossless(encoded).body).toEqual(protocol === 'compact' ? withoutEmptyMapTypes(body) : body);
          // The driver's own generated client reads what we wrote.
          const read = driverReadReply(method, encoded, driverProtocol);
          expect(read).toMatchObject({ name: method, type: 2, seqid: 77 });
          expect(read.error).toBeUndefined();
        }),
        { numRuns: 40 },
      );
    });
  });

  describe('real replies', () => {
    const replies: Array<[string, object]> = [
      ['OpenSession', openSessionSuccess()],
      ['ExecuteStatement', executeStatementError()],
      ['GetResultSetMetadata', resultSetMetadata()],
      ['FetchResults', fetchResultsCloudFetch()],
      ['FetchResults', fetchResultsColumns(3000)],
      ['FetchResults', fetchResultsArrow(5 * 1024 * 1024)],
    ];
    it.each(['binary', 'binary-old-header', 'compact'] as const)('re-encodes every sample reply byte for byte (%s)', (protocol) => {
      for (const [method, resp] of replies) {
        const bytes = driverReply(method, driverCall(method, sampleRequests()[method], 5, protocol), resp, protocol);
        expect(encodeThriftMessage(decodeLossless(bytes)).equals(bytes)).toBe(true);
      }
    });
  });

  describe('refuses trees it cannot write faithfully', () => {
    const message = (body: ThriftStruct): Parameters<typeof encodeThriftMessage>[0] => ({ protocol: 'binary', strictHeader: true, name: 'M', type: 'reply', seqid: 1, body });

    it('a tree decoded under limits (elements left out)', () => {
      const bytes = driverReply('FetchResults', driverCall('FetchResults', sampleRequests().FetchResults, 5), fetchResultsColumns(3000));
      const cut = decodeThriftMessage(bytes);
      if (!cut.ok) throw new Error(cut.error);
      expect(() => encodeThriftMessage(cut.message)).toThrow(ThriftEncodeError);
      expect(() => encodeThriftMessage(cut.message)).toThrow(/elements were not decoded; decode with LOSSLESS_DECODE_LIMITS/);
    });

    it('a struct with omitted fields', () => {
      expect(() => encodeThriftMessage(message({ type: TType.STRUCT, fields: [], omittedFields: 2 }))).toThrow(/body: 2 fields were not decoded/);
    });

    it('an element of the wrong type, with where it is', () => {
      const list: ThriftValue = { type: TType.LIST, elementType: TType.I32, size: 2, elements: [{ type: TType.I32, value: 1 }, { type: TType.BOOL, value: true }] };
      expect(() => encodeThriftMessage(message({ type: TType.STRUCT, fields: [{ id: 3, value: list }], omittedFields: 0 }))).toThrow(
        'body.3[1]: a value of type 2 in a container of type 8',
      );
    });

    it.each([
      [{ type: TType.I32, value: 2 ** 31 } as const, /not an integer in/],
      [{ type: TType.I64, value: 2 ** 60 } as const, /not a safe integer/],
      [{ type: TType.I64, value: '12x' } as const, /not a decimal integer/],
      [{ type: TType.I64, value: '9223372036854775808' } as const, /out of range/],
      [{ type: TType.UUID, value: 'nope' } as const, /not a UUID/],
    ])('an out-of-range or malformed scalar (%j)', (value, error) => {
      expect(() => encodeThriftMessage(message({ type: TType.STRUCT, fields: [{ id: 1, value }], omittedFields: 0 }))).toThrow(error);
    });
  });
});

function withoutEmptyMapTypes<T extends ThriftValue>(node: T): T {
  switch (node.type) {
    case TType.STRUCT:
      return { ...node, fields: node.fields.map((f) => ({ id: f.id, value: withoutEmptyMapTypes(f.value) })) };
    case TType.LIST:
    case TType.SET:
      return { ...node, elements: node.elements.map(withoutEmptyMapTypes) };
    case TType.MAP:
      if (node.size === 0) return { ...node, keyType: TType.STOP, valueType: TType.STOP };
      return { ...node, entries: node.entries.map((e) => ({ key: withoutEmptyMapTypes(e.key), value: withoutEmptyMapTypes(e.value) })) };
    default:
      return node;
  }
}
