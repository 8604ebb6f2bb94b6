// Random field trees shaped by the TCLIService schema: any subset of a struct's declared fields, each with a
// value of its declared type (enums any i32, lists of up to a few elements). They are what a warehouse could
// send for a reply type, for round-trip properties of the encoder.
import fc from 'fast-check';
import { WIRE_TYPE_OF, type TypeRef } from '../../../src/thrift/schema-types';
import { TCLI_SCHEMA } from '../../../src/thrift/tcli-schema';
import { TType, type ThriftStruct, type ThriftValue } from '../../../src/thrift/decoder';


const i64Arb = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.maxSafeInteger(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((v) => {
  const safe = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER);
  return safe ? Number(v) : v.toString();
}));

export function typedValueArb(type: TypeRef, depth: number): fc.Arbitrary<ThriftValue> {
  switch (type.kind) {
    case 'bool':
      return fc.boolean().map((value) => ({ type: TType.BOOL, value }));
    case 'byte':
      return fc.integer({ min: -128, max: 127 }).map((value) => ({ type: TType.BYTE, value }));
    case 'i16':
      return fc.integer({ min: -32768, max: 32767 }).map((value) => ({ type: TType.I16, value }));
    case 'i32':
    case 'enum':
      return fc.integer({ min: -2147483648, max: 2147483647 }).map((value) => ({ type: TType.I32, value }));
    case 'i64':
      return i64Arb.map((value) => ({ type: TType.I64, value }));
    case 'double':
      return fc.double({ noNaN: true }).map((value) => ({ type: TType.DOUBLE, value: Object.is(value, -0) ? 0 : value }));
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => ({ type: TType.STRING, bytes: Buffer.from(s, 'utf8') }));
    case 'binary':
      return fc.uint8Array({ maxLength: 24 }).map((b) => ({ type: TType.STRING, bytes: Buffer.from(b) }));
    case 'struct':
      return structOfArb(type.name, depth + 1);
    case 'list':
    case 'set': {
      const elementType = WIRE_TYPE_OF[type.element.kind];
      return fc.array(typedValueArb(type.element, depth + 1), { maxLength: depth > 4 ? 1 : 3 }).map((elements) => ({
        type: type.kind === 'list' ? TType.LIST : TType.SET,
        elementType,
        size: elements.length,
        elements,
      }));
    }
    case 'map': {
      const keyType = WIRE_TYPE_OF[type.key.kind];
      const valueType = WIRE_TYPE_OF[type.value.kind];
      return fc.array(fc.tuple(typedValueArb(type.key, depth + 1), typedValueArb(type.value, depth + 1)), { maxLength: 3 }).map((pairs) => ({
        type: TType.MAP,
        keyType,
        valueType,
        size: pairs.length,
        entries: pairs.map(([key, value]) => ({ key, value })),
      }));
    }
  }
}

/** A struct of the named schema type: a random subset of its fields, in id order (as generated writers emit them). */
export function structOfArb(name: string, depth = 0): fc.Arbitrary<ThriftStruct> {
  const schema = TCLI_SCHEMA.structs[name];
  if (schema === undefined) throw new Error(`no struct ${name} in the schema`);
  const ids = Object.keys(schema.fields).map(Number).sort((a, b) => a - b);
  return fc.subarray(ids).chain((chosen) =>
    fc.tuple(...chosen.map((id) => typedValueArb(schema.fields[id].type, depth))).map(
      (values): ThriftStruct => ({ type: TType.STRUCT, fields: chosen.map((id, i) => ({ id, value: values[i] })), omittedFields: 0 }),
    ),
  );
}

/** `<Method>_result` around a T<Method>Resp of the schema. */
export function resultArb(method: string): fc.Arbitrary<ThriftStruct> {
  const response = TCLI_SCHEMA.methods[method].response;
  return structOfArb(response).map((resp): ThriftStruct => ({ type: TType.STRUCT, fields: [{ id: 0, value: resp }], omittedFields: 0 }));
}
