// Sets fields of a decoded Thrift REPLY by dotted path on its named tree, the names the records show:
// `serverProtocolVersion`, `status.statusCode`, `directResults.resultSet.hasMoreRows`,
// `results.resultLinks[*].expiryTime` (every element), `results.resultLinks[0].fileLink` (one element). Paths
// start at the T<Method>Resp. A struct or list on the way that the reply does not have is an error (so is a
// wildcard over an empty list): a test must see that its rewrite did not apply. The last field may be absent:
// it is added, in field-id order, as generated writers would have placed it. A null value removes it.
//
// Values are JSON-shaped and converted by the schema: enums take the number or the symbolic name, i64 a safe
// integer or a decimal string, binary a base64 string, structs objects keyed by field name, lists arrays.
import type { FieldValue } from '../core/model';
import { WIRE_TYPE_OF, type StructSchema, type ThriftSchema, type TypeRef } from './schema-types';
import { TCLI_SCHEMA } from './tcli-schema';
import { TType, type ThriftField, type ThriftMessage, type ThriftStruct, type ThriftValue } from './wire-types';

export interface FieldAssignment {
  path: string;
  value: FieldValue;
}

/** A path or value that does not fit the schema or the reply; the message says what to fix. */
export class ReplyFieldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyFieldError';
  }
}

interface PathSegment {
  name: string;
  /** `[*]`: every element; `[N]`: element N; unset: the field itself. */
  index?: number | '*';
}

const SEGMENT = /^([A-Za-z_][A-Za-z0-9_]*|\d+)(?:\[(\*|\d+)\])?$/;
const MAX_PATH_CHARS = 512;

/** Parses `a.b[*].c`; throws ReplyFieldError on bad syntax. */
export function parseFieldPath(path: string): PathSegment[] {
  if (path.length === 0) throw new ReplyFieldError('empty path');
  if (path.length > MAX_PATH_CHARS) throw new ReplyFieldError(`path longer than ${MAX_PATH_CHARS} characters`);
  return path.split('.').map((part) => {
    const m = SEGMENT.exec(part);
    if (m === null) throw new ReplyFieldError(`bad path "${path}": "${part}" is not a field name, optionally followed by [*] or [N]`);
    const segment: PathSegment = { name: m[1] };
    if (m[2] !== undefined) segment.index = m[2] === '*' ? '*' : Number(m[2]);
    return segment;
  });
}

/** The struct at field 0 of `<Method>_result`, and its schema name. */
function replyRoot(message: ThriftMessage, schema: ThriftSchema): { node: ThriftStruct; structName: string } {
  if (message.type !== 'reply') throw new ReplyFieldError(`the server answered with a Thrift ${message.type.toUpperCase()}, not a REPLY`);
  const structName = schema.methods[message.name]?.response;
  if (structName === undefined) throw new ReplyFieldError(`unknown method ${message.name}: no reply schema`);
  const success = lastField(message.body, 0);
  if (success?.type !== TType.STRUCT) throw new ReplyFieldError(`the ${message.name} reply carries no ${structName}`);
  return { node: success, structName };
}

/**
 * Applies every assignment to the message's tree, in order (the tree changes in place). Throws ReplyFieldError
 * at the first that does not apply; returns how many fields were set in all.
 */
export function setReplyFields(message: ThriftMessage, assignments: readonly FieldAssignment[], schema: ThriftSchema = TCLI_SCHEMA): number {
  const root = replyRoot(message, schema);
  let set = 0;
  for (const { path, value } of assignments) {
    const segments = parseFieldPath(path);
    const count = new PathWalker(schema, message.name, path, value).walk(root.node, root.structName, segments, 0, root.structName);
    if (count === 0) throw new ReplyFieldError(`${path}: matched nothing in this ${message.name} reply`);
    set += count;
  }
  return set;
}

/**
 * Checks a path and value against the schema without a reply: the methods whose reply type has that path and
 * takes that value (all of them when `methods` is unset). Throws ReplyFieldError when none does.
 */
export function replyMethodsForPath(path: string, value: FieldValue, methods?: readonly string[], schema: ThriftSchema = TCLI_SCHEMA): string[] {
  const segments = parseFieldPath(path);
  const candidates = methods ?? Object.keys(schema.methods);
  const fits: string[] = [];
  let firstError: string | undefined;
  for (const method of candidates) {
    const response = schema.methods[method]?.response;
    if (response === undefined) {
      firstError ??= `unknown method ${method}`;
      continue;
    }
    try {
      let type: TypeRef = { kind: 'struct', name: response };
      for (const segment of segments) {
        const structName = structNameOf(type, path, segment.name);
        const field = fieldByName(schema.structs[structName], structName, segment.name, path);
        type = field.type;
        if (segment.index !== undefined) type = elementType(type, path, segment.name);
      }
      if (value !== null) toThriftValue(value, type, schema, path);
      fits.push(method);
    } catch (e) {
      if (!(e instanceof ReplyFieldError)) throw e;
      firstError ??= `${method}: ${e.message}`;
    }
  }
  if (fits.length === 0) {
    throw new ReplyFieldError(methods?.length === 1 ? (firstError ?? path) : `${path} fits the reply of no method${firstError === undefined ? '' : ` (e.g. ${firstError})`}`);
  }
  return fits;
}

class PathWalker {
  constructor(
    private readonly schema: ThriftSchema,
    private readonly method: string,
    private readonly path: string,
    private readonly value: FieldValue,
  ) {}

  /** Sets the path below `node` (a struct of `structName`); returns how many fields it set. */
  walk(node: ThriftStruct, structName: string, segments: readonly PathSegment[], at: number, where: string): number {
    const segment = segments[at];
    const schemaStruct = this.schema.structs[structName];
    const declared = fieldByName(schemaStruct, structName, segment.name, this.path);
    const here = `${where}.${segment.name}`;
    const last = at === segments.length - 1;
    const position = lastFieldIndex(node, declared.id);
    if (last && segment.index === undefined) {
      this.assign(node, declared.id, declared.type, position);
      return 1;
    }
    if (position < 0) throw new ReplyFieldError(`${this.path}: this ${this.method} reply has no ${here}`);
    const child = node.fields[position].value;
    if (segment.index === undefined) {
      if (child.type !== TType.STRUCT || declared.type.kind !== 'struct') throw new ReplyFieldError(`${this.path}: ${here} is not a struct`);
      return this.walk(child, declared.type.name, segments, at + 1, here);
    }
    if (child.type !== TType.LIST && child.type !== TType.SET) throw new ReplyFieldError(`${this.path}: ${here} is not a list`);
    const element = elementType(declared.type, this.path, segment.name);
    const indexes = segment.index === '*' ? child.elements.map((_, i) => i) : [segment.index];
    if (segment.index === '*' && child.size === 0) throw new ReplyFieldError(`${this.path}: ${here} is empty in this ${this.method} reply`);
    if (child.size !== child.elements.length) throw new ReplyFieldError(`${this.path}: ${here} was not decoded in full`);
    let count = 0;
    for (const i of indexes) {
      if (i >= child.elements.length) throw new ReplyFieldError(`${this.path}: ${here} has ${child.elements.length} elements, no [${i}]`);
      if (last) {
        child.elements[i] = toThriftValue(this.value, element, this.schema, this.path);
        count++;
        continue;
      }
      const item = child.elements[i];
      if (item.type !== TType.STRUCT || element.kind !== 'struct') throw new ReplyFieldError(`${this.path}: ${here}[${i}] is not a struct`);
      count += this.walk(item, element.name, segments, at + 1, `${here}[${i}]`);
    }
    return count;
  }

  private assign(node: ThriftStruct, id: number, type: TypeRef, position: number): void {
    if (this.value === null) {
      if (position >= 0) node.fields = node.fields.filter((f) => f.id !== id);
      return;
    }
    const field: ThriftField = { id, value: toThriftValue(this.value, type, this.schema, this.path) };
    if (position >= 0) {
      node.fields[position] = field;
      return;
    }
    const before = node.fields.findIndex((f) => f.id > id);
    if (before < 0) node.fields.push(field);
    else node.fields.splice(before, 0, field);
  }
}

function structNameOf(type: TypeRef, path: string, next: string): string {
  if (type.kind !== 'struct') throw new ReplyFieldError(`${path}: cannot go into a ${type.kind} to reach "${next}"`);
  return type.name;
}

/** A field of a struct by name (or by numeric id, for fields the schema does not name). */
function fieldByName(struct: StructSchema | undefined, structName: string, name: string, path: string): { id: number; type: TypeRef } {
  if (struct === undefined) throw new ReplyFieldError(`${path}: no struct ${structName} in the schema`);
  for (const [id, field] of Object.entries(struct.fields)) if (field.name === name || id === name) return { id: Number(id), type: field.type };
  const names = Object.values(struct.fields).map((f) => f.name);
  throw new ReplyFieldError(`${path}: ${structName} has no field "${name}" (it has ${names.join(', ')})`);
}

function elementType(type: TypeRef, path: string, name: string): TypeRef {
  if (type.kind !== 'list' && type.kind !== 'set') throw new ReplyFieldError(`${path}: ${name} is a ${type.kind}, not a list: [..] does not apply`);
  return type.element;
}

function lastFieldIndex(struct: ThriftStruct, id: number): number {
  for (let i = struct.fields.length - 1; i >= 0; i--) if (struct.fields[i].id === id) return i;
  return -1;
}

function lastField(struct: ThriftStruct, id: number): ThriftValue | undefined {
  const i = lastFieldIndex(struct, id);
  return i < 0 ? undefined : struct.fields[i].value;
}


const INT_RANGE = { byte: [-0x80, 0x7f], i16: [-0x8000, 0x7fff], i32: [-0x80000000, 0x7fffffff] } as const;
const I64_TEXT = /^-?\d{1,19}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A JSON-shaped value as a field tree of the declared type. */
export function toThriftValue(value: FieldValue, type: TypeRef, schema: ThriftSchema, path: string): ThriftValue {
  const wrong = (expected: string): never => {
    throw new ReplyFieldError(`${path}: ${JSON.stringify(value)} is not ${expected}`);
  };
  switch (type.kind) {
    case 'bool':
      return typeof value === 'boolean' ? { type: TType.BOOL, value } : wrong('a boolean');
    case 'byte':
    case 'i16':
    case 'i32': {
      const [min, max] = INT_RANGE[type.kind];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) return wrong(`an integer in [${min}, ${max}] (${type.kind})`);
      return { type: WIRE_TYPE_OF[type.kind] as typeof TType.I32, value };
    }
    case 'enum': {
      const symbols = schema.enums[type.name] ?? {};
      if (typeof value === 'number' && Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff) return { type: TType.I32, value };
      if (typeof value === 'string') {
        for (const [n, symbol] of Object.entries(symbols)) if (symbol === value) return { type: TType.I32, value: Number(n) };
      }
      return wrong(`a ${type.name} (a number, or one of ${Object.values(symbols).join(', ')})`);
    }
    case 'i64':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return { type: TType.I64, value };
      if (typeof value === 'string' && I64_TEXT.test(value)) {
        const b = BigInt(value);
        if (b >= -(2n ** 63n) && b < 2n ** 63n) return { type: TType.I64, value: Number.isSafeInteger(Number(b)) && BigInt(Number(b)) === b ? Number(b) : value };
      }
      return wrong('an i64 (a safe integer, or a decimal string)');
    case 'double':
      return typeof value === 'number' ? { type: TType.DOUBLE, value } : wrong('a number');
    case 'string':
      return typeof value === 'string' ? { type: TType.STRING, bytes: Buffer.from(value, 'utf8') } : wrong('a string');
    case 'binary':
      return typeof value === 'string' && BASE64.test(value) ? { type: TType.STRING, bytes: Buffer.from(value, 'base64') } : wrong('binary (a base64 string)');
    case 'struct': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return wrong(`an object (a ${type.name})`);
      const struct = schema.structs[type.name];
      const fields: ThriftField[] = [];
      for (const [name, v] of Object.entries(value)) {
        if (v === null) continue;
        const f = fieldByName(struct, type.name, name, path);
        fields.push({ id: f.id, value: toThriftValue(v, f.type, schema, `${path}.${name}`) });
      }
      fields.sort((a, b) => a.id - b.id);
      return { type: TType.STRUCT, fields, omittedFields: 0 };
    }
    case 'list':
    case 'set': {
      if (!Array.isArray(value)) return wrong('an array');
      const elements = value.map((v, i) => toThriftValue(v, type.element, schema, `${path}[${i}]`));
      return { type: type.kind === 'list' ? TType.LIST : TType.SET, elementType: WIRE_TYPE_OF[type.element.kind], size: elements.length, elements };
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return wrong('an object (a map)');
      const entries = Object.entries(value).map(([k, v]) => ({
        key: toThriftValue(type.key.kind === 'string' ? k : Number(k), type.key, schema, `${path}{${k}}`),
        value: toThriftValue(v, type.value, schema, `${path}.${k}`),
      }));
      return { type: TType.MAP, keyType: WIRE_TYPE_OF[type.key.kind], valueType: WIRE_TYPE_OF[type.value.kind], size: entries.length, entries };
    }
  }
}
