// decodeThriftMessage against the npm thrift library's own binary (strict and old header) and compact writers:
// every wire type, headers, limits, and exact failures on malformed input.
import fc from 'fast-check';
import * as thrift from 'thrift';
import { decodeThriftMessage, DEFAULT_DECODE_LIMITS, TType } from '../../src/thrift/decoder';
import { countNodes, decodeError, decodeOk } from './support/decoded';
import { encodeWithNpmThrift, expectedStruct, structArb, type StructValue, type WireProtocolName } from './support/thrift-values';

const MT = thrift.Thrift.MessageType;
const PROTOCOLS: readonly WireProtocolName[] = ['binary', 'binary-old-header', 'compact'];

/** A struct with one field of every wire type, nested containers, and field ids that need compact's long form. */
const EVERY_TYPE: StructValue = {
  t: 'struct',
  fields: [
    { id: 1, value: { t: 'bool', v: true } },
    { id: 2, value: { t: 'bool', v: false } },
    { id: 3, value: { t: 'byte', v: -5 } },
    { id: 4, value: { t: 'i16', v: -300 } },
    { id: 5, value: { t: 'i32', v: -70000 } },
    { id: 6, value: { t: 'i64', v: -123456789012n } },
    { id: 7, value: { t: 'i64', v: 2n ** 63n - 1n } },
    { id: 8, value: { t: 'i64', v: -(2n ** 63n) } },
    { id: 9, value: { t: 'i64', v: 2n ** 53n } },
    { id: 10, value: { t: 'double', v: 3.25 } },
    { id: 11, value: { t: 'string', v: 'héllo wörld' } },
    { id: 12, value: { t: 'binary', v: new Uint8Array([0, 1, 2, 255]) } },
    { id: 13, value: { t: 'uuid', v: '01234567-89ab-4def-8123-456789abcdef' } },
    { id: 1281, value: { t: 'list', element: { t: 'i32' }, items: [1, -2, 3].map((v) => ({ t: 'i32' as const, v })) } },
    { id: 40, value: { t: 'set', element: { t: 'string' }, items: [{ t: 'string', v: 'a' }] } },
    {
      id: -3,
      value: { t: 'map', key: { t: 'string' }, value: { t: 'i64' }, entries: [[{ t: 'string', v: 'k' }, { t: 'i64', v: 42n }]] },
    },
    {
      id: 41,
      value: {
        t: 'list',
        element: { t: 'list', element: { t: 'bool' } },
        items: [{ t: 'list', element: { t: 'bool' }, items: [{ t: 'bool', v: true }, { t: 'bool', v: false }] }],
      },
    },
    { id: 42, value: { t: 'list', element: { t: 'struct', fields: [] }, items: [] } },
    { id: 43, value: { t: 'map', key: { t: 'i32' }, value: { t: 'string' }, entries: [] } },
    { id: 44, value: { t: 'struct', fields: [{ id: 1, value: { t: 'struct', fields: [{ id: 15, value: { t: 'bool', v: true } }] } }] } },
  ],
};

describe('decodeThriftMessage', () => {
  describe.each(PROTOCOLS)('%s protocol', (protocol) => {
    it('decodes every wire type exactly as npm thrift wrote it', () => {
      const bytes = encodeWithNpmThrift(protocol, 'ExecuteStatement', MT.CALL, 77, EVERY_TYPE);
      const message = decodeOk(bytes);
      expect(message).toEqual({
        protocol: protocol === 'compact' ? 'compact' : 'binary',
        strictHeader: protocol !== 'binary-old-header',
        name: 'ExecuteStatement',
        type: 'call',
        seqid: 77,
        body: expectedStruct(EVERY_TYPE, protocol),
        byteLength: bytes.length,
        trailingBytes: 0,
      });
      const i64s = message.body.fields.filter((f) => f.value.type === TType.I64).map((f) => ('value' in f.value ? f.value.value : null));
      expect(i64s).toEqual([-123456789012, '9223372036854775807', '-9223372036854775808', '9007199254740992', ]);
    });

    it.each([
      [MT.CALL, 'call'],
      [MT.REPLY, 'reply'],
      [MT.EXCEPTION, 'exception'],
      [MT.ONEWAY, 'oneway'],
    ] as const)('reads message type %i as %s, with extreme sequence ids', (type, name) => {
      for (const seqid of [0, 1, -1, 2147483647, -2147483648]) {
        expect(decodeOk(encodeWithNpmThrift(protocol, 'M', type, seqid, { t: 'struct', fields: [] }))).toMatchObject({ type: name, seqid });
      }
    });

    it('round-trips random structs (property)', () => {
      fc.assert(
        fc.property(structArb(3), fc.integer({ min: -2147483648, max: 2147483647 }), (body, seqid) => {
          const bytes = encodeWithNpmThrift(protocol, 'GetTables', MT.REPLY, seqid, body);
          const message = decodeOk(bytes);
          expect(message.body).toEqual(expectedStruct(body, protocol));
          expect(message.seqid).toBe(seqid);
          expect(message.trailingBytes).toBe(0);
        }),
        { numRuns: 150 },
      );
    });

    it('skips exactly what it does not keep: tight limits consume the same bytes (property)', () => {
      const tight = { maxDepth: 64, maxElementsPerContainer: 1, maxNodes: 4 };
      fc.assert(
        fc.property(structArb(3), (body) => {
          const bytes = encodeWithNpmThrift(protocol, 'GetTables', MT.REPLY, 1, body);
          const message = decodeOk(bytes, tight);
          expect(message.byteLength).toBe(bytes.length);
          expect(message.trailingBytes).toBe(0);
          expect(countNodes(message.body)).toBeLessThanOrEqual(tight.maxNodes + 1);
        }),
        { numRuns: 150 },
      );
    });

    it('fails cleanly on every truncation of a valid message', () => {
      const bytes = encodeWithNpmThrift(protocol, 'ExecuteStatement', MT.CALL, 1, EVERY_TYPE);
      for (let n = 0; n < bytes.length; n++) {
        const result = decodeThriftMessage(bytes.subarray(0, n));
        expect(result.ok).toBe(false);
      }
    });

    it('counts bytes after the message as trailing', () => {
      const bytes = encodeWithNpmThrift(protocol, 'CloseSession', MT.CALL, 1, EVERY_TYPE);
      const message = decodeOk(Buffer.concat([bytes, Buffer.from('extra')]));
      expect(message.byteLength).toBe(bytes.length);
      expect(message.trailingBytes).toBe(5);
    });
  });

  describe('limits', () => {
    const bigList = (n: number): StructValue => ({
      t: 'struct',
      fields: [{ id: 1, value: { t: 'list', element: { t: 'i32' }, items: Array.from({ length: n }, (_, v) => ({ t: 'i32' as const, v })) } }],
    });

    it.each(PROTOCOLS)('%s: keeps at most maxElementsPerContainer elements and reports the full size', (protocol) => {
      const message = decodeOk(encodeWithNpmThrift(protocol, 'FetchResults', MT.REPLY, 1, bigList(5000)));
      const list = message.body.fields[0].value;
      if (list.type !== TType.LIST) throw new Error('not a list');
      expect(list.size).toBe(5000);
      expect(list.elements).toHaveLength(DEFAULT_DECODE_LIMITS.maxElementsPerContainer);
      expect(list.elements[999]).toEqual({ type: TType.I32, value: 999 });
    });

    it.each(PROTOCOLS)('%s: stops materializing at maxNodes, still validating the rest', (protocol) => {
      const limits = { ...DEFAULT_DECODE_LIMITS, maxNodes: 3 };
      const body: StructValue = {
        t: 'struct',
        fields: [
          { id: 1, value: { t: 'i32', v: 1 } },
          { id: 2, value: { t: 'list', element: { t: 'string' }, items: [{ t: 'string', v: 'a' }, { t: 'string', v: 'b' }] } },
          { id: 3, value: { t: 'i32', v: 3 } },
          { id: 4, value: { t: 'bool', v: true } },
        ],
      };
      const bytes = encodeWithNpmThrift(protocol, 'M', MT.CALL, 1, body);
      const message = decodeOk(bytes, limits);
      expect(message.body.fields.map((f) => f.id)).toEqual([1, 2]);
      expect(message.body.omittedFields).toBe(2);
      expect(message.trailingBytes).toBe(0);
      // Skipped parts are still validated: a truncation inside them is an error.
      expect(decodeThriftMessage(bytes.subarray(0, bytes.length - 2), limits).ok).toBe(false);
    });

    it('rejects nesting deeper than maxDepth', () => {
      const nested = (depth: number): Buffer => {
        // binary: struct field 1 of type LIST holding one LIST ... holding zero i32s
        const parts: Buffer[] = [Buffer.from([0x80, 1, 0, 1, 0, 0, 0, 1, 0x4d, 0, 0, 0, 1, TType.LIST, 0, 1])];
        for (let i = 1; i < depth; i++) parts.push(Buffer.from([TType.LIST, 0, 0, 0, 1]));
        parts.push(Buffer.from([TType.I32, 0, 0, 0, 0]), Buffer.from([0]));
        return Buffer.concat(parts);
      };
      expect(decodeThriftMessage(nested(60)).ok).toBe(true);
      expect(decodeError(nested(200))).toMatch(/nesting deeper than 64/);
    });
  });

  describe('malformed input', () => {
    const strict = (name: string, type = 1): Buffer => {
      const n = Buffer.from(name);
      return Buffer.concat([Buffer.from([0x80, 1, 0, type]), Buffer.from([0, 0, 0, n.length]), n, Buffer.from([0, 0, 0, 1])]);
    };

    it.each<[string, Buffer, RegExp]>([
      ['an empty body', Buffer.alloc(0), /empty body/],
      ['a bad binary version', Buffer.from([0x80, 2, 0, 1, 0, 0, 0, 0]), /bad binary protocol version/],
      ['an unknown message type', Buffer.concat([strict('M', 7), Buffer.from([0])]), /unknown message type 7/],
      ['an unknown field type', Buffer.concat([strict('M'), Buffer.from([99, 0, 1, 0])]), /unknown field type 99/],
      ['a negative string length', Buffer.concat([strict('M'), Buffer.from([11, 0, 1, 0xff, 0xff, 0xff, 0xfe, 0])]), /negative string length/],
      ['a string longer than the body', Buffer.concat([strict('M'), Buffer.from([11, 0, 1, 0x7f, 0xff, 0xff, 0xff, 0])]), /truncated/],
      ['a list count that cannot fit', Buffer.concat([strict('M'), Buffer.from([15, 0, 1, 8, 0x7f, 0xff, 0xff, 0xff, 0])]), /does not fit/],
      ['a map count that cannot fit', Buffer.concat([strict('M'), Buffer.from([13, 0, 1, 11, 11, 0, 0x10, 0, 0, 0])]), /does not fit/],
      ['a huge old-style name length', Buffer.from([0x00, 0x10, 0, 0, 1, 2, 3]), /implausible method name length/],
      ['a compact message with a bad version', Buffer.from([0x82, 0x22, 0, 0]), /unsupported compact protocol version 2/],
      ['a compact varint that never ends', Buffer.concat([Buffer.from([0x82, 0x21]), Buffer.alloc(12, 0xff)]), /varint/],
      ['a compact list count that cannot fit', Buffer.from([0x82, 0x21, 1, 1, 0x4d, 0x19, 0xf5, 0xff, 0xff, 0xff, 0x07]), /does not fit/],
      ['a compact unknown type', Buffer.from([0x82, 0x21, 1, 1, 0x4d, 0x1e, 0]), /unknown compact type 14/],
      ['a missing struct stop', strict('M'), /truncated/],
    ])('reports %s', (_what, bytes, error) => {
      expect(decodeError(bytes)).toMatch(error);
    });

    it('reads a text body (not Thrift) as a failure, not a message', () => {
      expect(decodeThriftMessage(Buffer.from('{"statement": "SELECT 1"}')).ok).toBe(false);
      expect(decodeThriftMessage(Buffer.from('GET / HTTP/1.1\r\n\r\n')).ok).toBe(false);
    });
  });

  describe('speed and memory', () => {
    it('skips a 32 MB binary value without copying it', () => {
      const blob = Buffer.alloc(32 * 1024 * 1024, 0x5a);
      const header = Buffer.from([0x80, 1, 0, 2, 0, 0, 0, 1, 0x46, 0, 0, 0, 1, TType.STRING, 0, 1]);
      const length = Buffer.alloc(4);
      length.writeInt32BE(blob.length);
      const bytes = Buffer.concat([header, length, blob, Buffer.from([0])]);
      const message = decodeOk(bytes);
      const value = message.body.fields[0].value;
      if (value.type !== TType.STRING) throw new Error('not a string');
      // A view into the input, not a copy (speed itself is measured by npm run bench, not asserted here).
      expect(value.bytes.buffer).toBe(bytes.buffer);
    });

    // Built by hand: writing a million values with npm thrift takes seconds.
    const millionI64s: ReadonlyArray<[string, () => Buffer]> = [
      [
        'binary',
        () => {
          const head = Buffer.from([0x80, 1, 0, 2, 0, 0, 0, 1, 0x46, 0, 0, 0, 1, TType.LIST, 0, 1, TType.I64, 0, 0, 0, 0]);
          head.writeInt32BE(1_000_000, head.length - 4);
          return Buffer.concat([head, Buffer.alloc(8_000_000, 1), Buffer.from([0])]);
        },
      ],
      [
        'compact',
        // list header 0xf6: size follows as a varint (1_000_000 = c0 84 3d), element type i64; each value 0x02 (1).
        () => Buffer.concat([Buffer.from([0x82, 0x41, 1, 1, 0x46, 0x19, 0xf6, 0xc0, 0x84, 0x3d]), Buffer.alloc(1_000_000, 2), Buffer.from([0])]),
      ],
    ];

    it.each(millionI64s)('%s: decodes a million-value column keeping a bounded number of nodes', (_protocol, build) => {
      const bytes = build();
      const message = decodeOk(bytes);
      const list = message.body.fields[0].value;
      if (list.type !== TType.LIST) throw new Error('not a list');
      expect(list.size).toBe(1_000_000);
      expect(list.elements.length).toBe(DEFAULT_DECODE_LIMITS.maxElementsPerContainer);
      expect(message.trailingBytes).toBe(0);
    });
  });
});
