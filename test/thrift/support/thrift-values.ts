// Arbitrary Thrift values for property tests: a typed value model, fast-check generators for it, an encoder
// that writes it with the npm thrift library's own protocols (the independent party), and the field tree our
// decoder is expected to produce for it.
import fc from 'fast-check';
import Int64 from 'node-int64';
import * as thrift from 'thrift';
import { TType, type ThriftStruct, type ThriftValue } from '../../../src/thrift/decoder';

export type WireProtocolName = 'binary' | 'binary-old-header' | 'compact';

export type TypeDesc =
  | { t: 'bool' | 'byte' | 'i16' | 'i32' | 'i64' | 'double' | 'string' | 'binary' | 'uuid' }
  | { t: 'list' | 'set'; element: TypeDesc }
  | { t: 'map'; key: TypeDesc; value: TypeDesc }
  | { t: 'struct'; fields: Array<{ id: number; type: TypeDesc }> };

export type Value =
  | { t: 'bool'; v: boolean }
  | { t: 'byte' | 'i16' | 'i32' | 'double'; v: number }
  | { t: 'i64'; v: bigint }
  | { t: 'string'; v: string }
  | { t: 'binary'; v: Uint8Array }
  | { t: 'uuid'; v: string }
  | { t: 'list' | 'set'; element: TypeDesc; items: Value[] }
  | { t: 'map'; key: TypeDesc; value: TypeDesc; entries: Array<[Value, Value]> }
  | { t: 'struct'; fields: Array<{ id: number; value: Value }> };

export type StructValue = Extract<Value, { t: 'struct' }>;

const SCALARS = ['bool', 'byte', 'i16', 'i32', 'i64', 'double', 'string', 'binary', 'uuid'] as const;

function typeArb(depth: number): fc.Arbitrary<TypeDesc> {
  const scalar = fc.constantFrom(...SCALARS).map((t): TypeDesc => ({ t }));
  if (depth <= 0) return scalar;
  const inner = fc.constant(null).chain(() => typeArb(depth - 1));
  return fc.oneof(
    { weight: 6, arbitrary: scalar },
    { weight: 1, arbitrary: inner.map((element): TypeDesc => ({ t: 'list', element })) },
    { weight: 1, arbitrary: inner.map((element): TypeDesc => ({ t: 'set', element })) },
    { weight: 1, arbitrary: fc.tuple(scalar, inner).map(([key, value]): TypeDesc => ({ t: 'map', key, value })) },
    { weight: 2, arbitrary: structTypeArb(depth - 1) },
  );
}

function structTypeArb(depth: number): fc.Arbitrary<TypeDesc> {
  return fc
    .uniqueArray(fc.integer({ min: -40, max: 1300 }), { maxLength: 6 })
    .chain((ids) => fc.tuple(...ids.map(() => typeArb(depth))).map((types) => ({ t: 'struct' as const, fields: ids.map((id, i) => ({ id, type: types[i] })) })));
}

// npm thrift's writeUuid accepts only RFC 4122 UUIDs: set the version (4) and variant bits.
const uuidArb = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => {
  const bytes = Buffer.from(b);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
});

export function valueArb(type: TypeDesc): fc.Arbitrary<Value> {
  switch (type.t) {
    case 'bool':
      return fc.boolean().map((v) => ({ t: 'bool', v }));
    case 'byte':
      return fc.integer({ min: -128, max: 127 }).map((v) => ({ t: 'byte', v }));
    case 'i16':
      return fc.integer({ min: -32768, max: 32767 }).map((v) => ({ t: 'i16', v }));
    case 'i32':
      return fc.integer({ min: -2147483648, max: 2147483647 }).map((v) => ({ t: 'i32', v }));
    case 'i64':
      return fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -1000n, max: 1000n })).map((v) => ({ t: 'i64', v }));
    case 'double':
      return fc.double({ noDefaultInfinity: false }).map((v) => ({ t: 'double', v }));
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 20 }).map((v) => ({ t: 'string', v }));
    case 'binary':
      return fc.uint8Array({ maxLength: 40 }).map((v) => ({ t: 'binary', v }));
    case 'uuid':
      return uuidArb.map((v) => ({ t: 'uuid', v }));
    case 'list':
    case 'set':
      return fc.array(valueArb(type.element), { maxLength: 5 }).map((items) => ({ t: type.t, element: type.element, items }));
    case 'map':
      return fc
        .array(fc.tuple(valueArb(type.key), valueArb(type.value)), { maxLength: 4 })
        .map((entries) => ({ t: 'map', key: type.key, value: type.value, entries }));
    case 'struct':
      return fc
        .tuple(...type.fields.map((f) => valueArb(f.type)))
        .map((values) => ({ t: 'struct', fields: type.fields.map((f, i) => ({ id: f.id, value: values[i] })) }));
  }
}

/** A random struct (message body) up to `depth` levels of nesting. */
export function structArb(depth = 3): fc.Arbitrary<StructValue> {
  return structTypeArb(depth).chain((type) => valueArb(type)) as fc.Arbitrary<StructValue>;
}

const TT = thrift.Thrift.Type;
const WIRE: Readonly<Record<TypeDesc['t'], thrift.Thrift.Type>> = {
  bool: TT.BOOL,
  byte: TT.BYTE,
  i16: TT.I16,
  i32: TT.I32,
  i64: TT.I64,
  double: TT.DOUBLE,
  string: TT.STRING,
  binary: TT.STRING,
  uuid: 16 as thrift.Thrift.Type,
  list: TT.LIST,
  set: TT.SET,
  map: TT.MAP,
  struct: TT.STRUCT,
};

function int64Of(v: bigint): Int64 {
  const u = BigInt.asUintN(64, v);
  return new Int64(Number(u >> 32n), Number(u & 0xffffffffn));
}

interface UuidWriter {
  writeUuid(uuid: string): void;
}

function writeValue(p: thrift.TProtocol, value: Value): void {
  switch (value.t) {
    case 'bool':
      return p.writeBool(value.v);
    case 'byte':
      return p.writeByte(value.v);
    case 'i16':
      return p.writeI16(value.v);
    case 'i32':
      return p.writeI32(value.v);
    case 'i64':
      return p.writeI64(int64Of(value.v));
    case 'double':
      return p.writeDouble(value.v);
    case 'string':
      return p.writeString(value.v);
    case 'binary':
      return p.writeBinary(Buffer.from(value.v));
    case 'uuid':
      return (p as unknown as UuidWriter).writeUuid(value.v);
    case 'list':
      p.writeListBegin(WIRE[value.element.t], value.items.length);
      value.items.forEach((item) => writeValue(p, item));
      return p.writeListEnd();
    case 'set':
      p.writeSetBegin(WIRE[value.element.t], value.items.length);
      value.items.forEach((item) => writeValue(p, item));
      return p.writeSetEnd();
    case 'map':
      p.writeMapBegin(WIRE[value.key.t], WIRE[value.value.t], value.entries.length);
      for (const [k, v] of value.entries) {
        writeValue(p, k);
        writeValue(p, v);
      }
      return p.writeMapEnd();
    case 'struct':
      p.writeStructBegin('S');
      for (const f of value.fields) {
        p.writeFieldBegin(`f${f.id}`, WIRE[f.value.t], f.id);
        writeValue(p, f.value);
        p.writeFieldEnd();
      }
      p.writeFieldStop();
      return p.writeStructEnd();
  }
}

class OldHeaderBinaryProtocol extends thrift.TBinaryProtocol {
  constructor(transport: thrift.TTransport) {
    super(transport, false, false);
  }
}

export function encodeWithNpmThrift(
  protocol: WireProtocolName,
  name: string,
  type: thrift.Thrift.MessageType,
  seqid: number,
  body: StructValue,
): Buffer {
  let out: Buffer | undefined;
  const transport = new thrift.TBufferedTransport(undefined, (b?: Buffer) => {
    out = b;
  });
  const p =
    protocol === 'compact'
      ? new thrift.TCompactProtocol(transport)
      : protocol === 'binary'
        ? new thrift.TBinaryProtocol(transport)
        : new OldHeaderBinaryProtocol(transport);
  p.writeMessageBegin(name, type, seqid);
  writeValue(p, body);
  p.writeMessageEnd();
  transport.flush();
  if (out === undefined) throw new Error('npm thrift wrote nothing');
  return out;
}

const NUMERIC_TTYPE = { byte: TType.BYTE, i16: TType.I16, i32: TType.I32 } as const;

/** The field tree decodeThriftMessage must produce for `value` written in `protocol`. */
export function expectedTree(value: Value, protocol: WireProtocolName): ThriftValue {
  switch (value.t) {
    case 'bool':
      return { type: TType.BOOL, value: value.v };
    case 'byte':
    case 'i16':
    case 'i32':
      return { type: NUMERIC_TTYPE[value.t], value: value.v };
    case 'i64': {
      const safe = value.v >= BigInt(Number.MIN_SAFE_INTEGER) && value.v <= BigInt(Number.MAX_SAFE_INTEGER);
      return { type: TType.I64, value: safe ? Number(value.v) : value.v.toString() };
    }
    case 'double':
      // npm thrift's writeDouble (both protocols, hand-rolled IEEE 754) encodes -0 as +0: its sign test is `v < 0`.
      return { type: TType.DOUBLE, value: Object.is(value.v, -0) ? 0 : value.v };
    case 'string':
      return { type: TType.STRING, bytes: Buffer.from(value.v, 'utf8') };
    case 'binary':
      return { type: TType.STRING, bytes: Buffer.from(value.v) };
    case 'uuid':
      return { type: TType.UUID, value: value.v };
    case 'list':
    case 'set':
      return {
        type: value.t === 'list' ? TType.LIST : TType.SET,
        elementType: WIRE[value.element.t],
        size: value.items.length,
        elements: value.items.map((item) => expectedTree(item, protocol)),
      };
    case 'map': {
      // The compact protocol writes no key/value types for an empty map.
      const empty = protocol === 'compact' && value.entries.length === 0;
      return {
        type: TType.MAP,
        keyType: empty ? TType.STOP : WIRE[value.key.t],
        valueType: empty ? TType.STOP : WIRE[value.value.t],
        size: value.entries.length,
        entries: value.entries.map(([k, v]) => ({ key: expectedTree(k, protocol), value: expectedTree(v, protocol) })),
      };
    }
    case 'struct':
      return expectedStruct(value, protocol);
  }
}

export function expectedStruct(value: StructValue, protocol: WireProtocolName): ThriftStruct {
  return { type: TType.STRUCT, fields: value.fields.map((f) => ({ id: f.id, value: expectedTree(f.value, protocol) })), omittedFields: 0 };
}
