// Reads the TCLIService schema out of the official driver's generated code (thrift 0.19 `js:node,ts` output):
// field ids, wire types and container element types come from each struct's `write` function, declared types
// (struct, enum, string vs binary) from the `.d.ts`. Both files are generated from the same IDL, so anything that
// does not line up is an error here rather than a silent guess.
import type { FieldSchema, MethodSchema, StructSchema, ThriftSchema, TypeRef } from '../../src/thrift/schema-types';

export interface DriverSources {
  /** thrift/TCLIService_types.js */
  typesJs: string;
  /** thrift/TCLIService_types.d.ts */
  typesDts: string;
  /** thrift/TCLIService.js */
  serviceJs: string;
}

interface WrittenField {
  name: string;
  wireType: string;
  id: number;
  /** Element wire types of each container begun while writing this field, in write order. */
  containers: string[][];
}

export function extractTcliSchema(sources: DriverSources): ThriftSchema {
  const enums = parseDtsEnums(sources.typesDts);
  const declared = parseDtsClasses(sources.typesDts);
  const written = parseWriteFunctions(sources.typesJs);
  const structs: Record<string, StructSchema> = {};
  for (const [structName, fields] of [...written.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const declaredFields = declared.get(structName);
    if (!declaredFields) throw new Error(`${structName}: written in the .js but not declared in the .d.ts`);
    const schemaFields: Record<number, FieldSchema> = {};
    for (const field of fields) {
      const declaredType = declaredFields.get(field.name);
      if (declaredType === undefined) throw new Error(`${structName}.${field.name}: not declared in the .d.ts`);
      const queue = field.containers.slice();
      const type = resolveType(declaredType, field.wireType, queue, { enums, classes: declared }, `${structName}.${field.name}`);
      if (queue.length > 0) throw new Error(`${structName}.${field.name}: unexpected nested containers`);
      schemaFields[field.id] = { name: field.name, type };
    }
    structs[structName] = { fields: schemaFields };
  }
  const methods = parseMethods(sources.serviceJs);
  for (const [method, m] of Object.entries(methods)) {
    if (!structs[m.request] || !structs[m.response]) throw new Error(`${method}: request or response struct unknown`);
  }
  const enumTable: Record<string, Record<number, string>> = {};
  for (const [name, values] of [...enums.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    enumTable[name] = Object.fromEntries(values.map(([symbol, value]) => [value, symbol]));
  }
  return { structs, enums: enumTable, methods };
}

function parseDtsEnums(dts: string): Map<string, Array<[string, number]>> {
  const enums = new Map<string, Array<[string, number]>>();
  for (const m of dts.matchAll(/declare enum (\w+) \{([^}]*)\}/g)) {
    const values: Array<[string, number]> = [];
    for (const v of m[2].matchAll(/(\w+) = (-?\d+),/g)) values.push([v[1], Number(v[2])]);
    enums.set(m[1], values);
  }
  return enums;
}

function parseDtsClasses(dts: string): Map<string, Map<string, string>> {
  const classes = new Map<string, Map<string, string>>();
  for (const m of dts.matchAll(/declare class (\w+) \{\n([\s\S]*?)\n\}/g)) {
    const fields = new Map<string, string>();
    for (const f of m[2].matchAll(/^ {2}public (\w+)\??: (.*);$/gm)) fields.set(f[1], f[2].trim());
    classes.set(m[1], fields);
  }
  return classes;
}

function parseWriteFunctions(js: string): Map<string, WrittenField[]> {
  const structs = new Map<string, WrittenField[]>();
  for (const m of js.matchAll(/^(\w+)\.prototype\.write = function\(output\) \{\n([\s\S]*?)\n\};$/gm)) {
    structs.set(m[1], parseWrittenFields(m[1], m[2]));
  }
  return structs;
}

function parseWrittenFields(structName: string, body: string): WrittenField[] {
  const chunks = body.split('output.writeFieldBegin(').slice(1);
  return chunks.map((chunk) => {
    const head = /^'(\w+)', Thrift\.Type\.(\w+), (-?\d+)\)/.exec(chunk);
    if (!head) throw new Error(`${structName}: cannot read writeFieldBegin in ${chunk.slice(0, 80)}`);
    const containers = [...chunk.matchAll(/write(?:List|Set|Map)Begin\(Thrift\.Type\.(\w+)(?:, Thrift\.Type\.(\w+))?/g)].map((c) =>
      c[2] === undefined ? [c[1]] : [c[1], c[2]],
    );
    return { name: head[1], wireType: head[2], id: Number(head[3]), containers };
  });
}

interface KnownNames {
  enums: Map<string, unknown>;
  classes: Map<string, unknown>;
}

const SCALAR_BY_WIRE: Readonly<Record<string, TypeRef['kind']>> = {
  BOOL: 'bool',
  BYTE: 'byte',
  I16: 'i16',
  I32: 'i32',
  I64: 'i64',
  DOUBLE: 'double',
};

function resolveType(declared: string, wireType: string, containers: string[][], known: KnownNames, where: string): TypeRef {
  const fail = (why: string): never => {
    throw new Error(`${where}: ${why} (declared ${declared}, wire ${wireType})`);
  };
  if (wireType === 'LIST' || wireType === 'SET') {
    const element = /^(.*)\[\]$/.exec(declared)?.[1] ?? fail('a list must be declared as an array');
    const [elementWire] = containers.shift() ?? fail('no list element type written');
    return { kind: wireType === 'LIST' ? 'list' : 'set', element: resolveType(element, elementWire, containers, known, where) };
  }
  if (wireType === 'MAP') {
    const parts = /^\{ \[k: (\w+)(?: \/\*\w+\*\/)?\]: (.*); \}$/.exec(declared) ?? fail('a map must be declared as an index type');
    const [keyWire, valueWire] = containers.shift() ?? fail('no map key/value types written');
    const key = resolveType(parts[1], keyWire, containers, known, where);
    return { kind: 'map', key, value: resolveType(parts[2], valueWire, containers, known, where) };
  }
  if (wireType === 'STRUCT') {
    if (!known.classes.has(declared)) fail('a struct field must be declared as a struct class');
    return { kind: 'struct', name: declared };
  }
  if (wireType === 'STRING') {
    if (declared === 'Buffer') return { kind: 'binary' };
    if (declared === 'string') return { kind: 'string' };
    return fail('a string field must be declared as string or Buffer');
  }
  if (wireType === 'I32' && known.enums.has(declared)) return { kind: 'enum', name: declared };
  const scalar = SCALAR_BY_WIRE[wireType] ?? fail('unsupported wire type');
  const expected = scalar === 'bool' ? ['boolean'] : scalar === 'i64' ? ['Int64'] : ['number', 'any'];
  if (!expected.includes(declared)) fail('declared type does not fit the wire type');
  return { kind: scalar } as TypeRef;
}

function parseMethods(serviceJs: string): Record<string, MethodSchema> {
  const requests = new Map<string, string>();
  const responses = new Map<string, string>();
  const readRe = /^TCLIService_(\w+)_(args|result)\.prototype\.read = function\(input\) \{\n([\s\S]*?)\n\};$/gm;
  for (const m of serviceJs.matchAll(readRe)) {
    const [, method, wrapper, body] = m;
    // The request is field 1 `req` of _args, the response field 0 `success` of _result.
    const fieldRe = wrapper === 'args' ? /case 1:\n\s*if \(ftype == Thrift\.Type\.STRUCT\) \{\n\s*this\.req = new ttypes\.(\w+)\(\);/ : /case 0:\n\s*if \(ftype == Thrift\.Type\.STRUCT\) \{\n\s*this\.success = new ttypes\.(\w+)\(\);/;
    const struct = fieldRe.exec(body)?.[1];
    if (!struct) throw new Error(`TCLIService_${method}_${wrapper}: no ${wrapper === 'args' ? 'req at field 1' : 'success at field 0'}`);
    (wrapper === 'args' ? requests : responses).set(method, struct);
  }
  const methods: Record<string, MethodSchema> = {};
  for (const [method, request] of requests) {
    const response = responses.get(method);
    if (!response) throw new Error(`${method}: no _result found`);
    methods[method] = { request, response };
  }
  return methods;
}
