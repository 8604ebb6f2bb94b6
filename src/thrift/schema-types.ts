// The shape of a Thrift IDL held as data: enough to give a schema-less field tree its names.
import { TType } from './wire-types';

/** A field's declared type. `string` and `binary` share one wire type; the schema is what tells them apart. */
export type TypeRef =
  | { kind: 'bool' | 'byte' | 'i16' | 'i32' | 'i64' | 'double' | 'string' | 'binary' }
  | { kind: 'enum'; name: string }
  | { kind: 'struct'; name: string }
  | { kind: 'list' | 'set'; element: TypeRef }
  | { kind: 'map'; key: TypeRef; value: TypeRef };

export interface FieldSchema {
  name: string;
  type: TypeRef;
}

export interface StructSchema {
  /** Keyed by field id. */
  fields: Readonly<Record<number, FieldSchema>>;
}

/** A service method: the struct at field 1 of `<Method>_args` and at field 0 of `<Method>_result`. */
export interface MethodSchema {
  request: string;
  response: string;
}

export interface ThriftSchema {
  structs: Readonly<Record<string, StructSchema>>;
  /** Enum name -> value -> symbolic name. */
  enums: Readonly<Record<string, Readonly<Record<number, string>>>>;
  methods: Readonly<Record<string, MethodSchema>>;
}

/** The wire type (TType) a declared type is written as: enums as i32, string and binary alike. */
export const WIRE_TYPE_OF: Readonly<Record<TypeRef['kind'], number>> = {
  bool: TType.BOOL,
  byte: TType.BYTE,
  i16: TType.I16,
  i32: TType.I32,
  enum: TType.I32,
  i64: TType.I64,
  double: TType.DOUBLE,
  string: TType.STRING,
  binary: TType.STRING,
  struct: TType.STRUCT,
  map: TType.MAP,
  set: TType.SET,
  list: TType.LIST,
};
