// Turns a decoded field tree into the JSON-shaped NamedFields a call record carries: names from a schema,
// secrets redacted, and a bounded size whatever the message was (a FetchResults reply may hold millions of
// values; the journal keeps hundreds of calls).
//
// Presentation: enums as their symbolic name ("ERROR_STATUS"), or the number when the value is not in the
// enum; i64 as a number when safe, else a decimal string; THandleIdentifier.guid as a UUID; other binary as
// lower-case hex when <= maxHexBytes, else "<binary N bytes>"; a non-finite double as its string; a string
// longer than maxStringChars cut with "...<cut, N bytes in all>", and all strings together share
// maxTotalChars; a list longer than maxListItems cut, with a last element "<N more elements omitted>"; maps
// as objects keyed by the key's text. Fields the schema does not know are keyed by their numeric id ("1281");
// a value whose wire type disagrees with the schema is shown as if there were no schema (text when it is
// printable UTF-8, else binary).
import { isUtf8 } from 'node:buffer';
import type { FieldValue, NamedFields } from '../core/model';
import { BYTES_PER_VALUE } from '../core/record-size';
import { REDACTED, redactSecretsInText, redactUrl } from '../core/redact';
import { formatUuid } from './reader-support';
import { FIELD_POLICIES, isSecretMapKey, type FieldPolicy } from './field-policies';
import { WIRE_TYPE_OF, type StructSchema, type ThriftSchema, type TypeRef } from './schema-types';
import { TType, type ThriftBytes, type ThriftList, type ThriftMap, type ThriftStruct, type ThriftValue } from './wire-types';

export interface RenderLimits {
  /** Elements shown per list, set or map. */
  maxListItems: number;
  /** Characters shown per string. */
  maxStringChars: number;
  /** Characters shown across all strings of the output; later strings are cut to what is left. */
  maxTotalChars: number;
  /** Values shown in the whole output; later ones become OMITTED. */
  maxValues: number;
  /** Binary values up to this many bytes are shown as hex. */
  maxHexBytes: number;
}

export const DEFAULT_RENDER_LIMITS: Readonly<RenderLimits> = {
  maxListItems: 100,
  maxStringChars: 2048,
  maxTotalChars: 256 * 1024,
  maxValues: 5000,
  maxHexBytes: 32,
};

/** What a value becomes once the output budget (maxValues) is spent. */
export const OMITTED = '<omitted: output size limit>';
/** Key under which a struct notes fields the decoder skipped because of its own limits. */
export const OMITTED_FIELDS_KEY = '<omitted fields>';

/** Unknown strings longer than this are not inspected for text; they are shown as binary. */
const MAX_TEXT_SNIFF_BYTES = 64 * 1024;
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const MAX_MAP_KEY_CHARS = 256;


export class FieldRenderer {
  private valuesLeft: number;
  private charsLeft: number;

  constructor(
    private readonly schema: ThriftSchema,
    private readonly limits: RenderLimits = DEFAULT_RENDER_LIMITS,
  ) {
    this.valuesLeft = limits.maxValues;
    this.charsLeft = limits.maxTotalChars;
  }

  /** A struct with field names from `structName` (or ids only when the schema has no such struct). */
  struct(node: ThriftStruct, structName?: string): NamedFields {
    const schema: StructSchema | undefined = structName === undefined ? undefined : this.schema.structs[structName];
    const policies = structName === undefined ? undefined : FIELD_POLICIES[structName];
    // A struct the schema cannot name (an unknown method, an unknown field) may still be, say, a TOpenSessionReq.
    const secretIds = schema === undefined ? secretFieldIdsByShape(this.schema, node) : undefined;
    const out: NamedFields = {};
    for (const field of node.fields) {
      const declared = schema?.fields[field.id];
      const key = declared?.name ?? String(field.id);
      const policy = declared === undefined ? (secretIds?.has(field.id) ? 'secret' : undefined) : policies?.[declared.name];
      out[key] = this.field(field.value, declared?.type, policy);
    }
    if (node.omittedFields > 0) out[OMITTED_FIELDS_KEY] = node.omittedFields;
    return out;
  }

  private field(node: ThriftValue, declared: TypeRef | undefined, policy: FieldPolicy | undefined): FieldValue {
    if (policy === 'secret') return REDACTED;
    if (policy === 'uuid' && node.type === TType.STRING && node.bytes.length === 16) return this.spend(formatUuid(node.bytes, 0));
    if (policy === 'url' && node.type === TType.STRING) return this.spend(this.shown(redactUrl(this.text(node)), node.bytes.length));
    return this.value(node, declared);
  }

  value(node: ThriftValue, declared?: TypeRef): FieldValue {
    if (this.valuesLeft <= 0) return OMITTED;
    this.valuesLeft--;
    const type = declared !== undefined && WIRE_TYPE_OF[declared.kind] === node.type ? declared : undefined;
    switch (node.type) {
      case TType.BOOL:
      case TType.I64:
      case TType.UUID:
        return node.value;
      case TType.BYTE:
      case TType.I16:
      case TType.I32:
        return type?.kind === 'enum' ? (this.schema.enums[type.name]?.[node.value] ?? node.value) : node.value;
      case TType.DOUBLE:
        return Number.isFinite(node.value) ? node.value : String(node.value);
      case TType.STRING:
        return this.bytes(node, type?.kind);
      case TType.STRUCT:
        return this.struct(node, type?.kind === 'struct' ? type.name : undefined);
      case TType.LIST:
      case TType.SET:
        return this.list(node, type?.kind === 'list' || type?.kind === 'set' ? type.element : undefined);
      case TType.MAP:
        return this.map(node, type?.kind === 'map' ? type.value : undefined);
    }
  }

  private bytes(node: ThriftBytes, kind: TypeRef['kind'] | undefined): string {
    if (kind === 'string' || (kind === undefined && looksLikeText(node.bytes))) {
      return this.shown(redactSecretsInText(this.text(node)), node.bytes.length);
    }
    return summarizeBinary(node.bytes, this.limits.maxHexBytes);
  }

  private list(node: ThriftList, element: TypeRef | undefined): FieldValue[] {
    const shown = Math.min(node.elements.length, this.limits.maxListItems);
    const out: FieldValue[] = [];
    for (let i = 0; i < shown; i++) out.push(this.value(node.elements[i], element));
    if (node.size > shown) out.push(`<${node.size - shown} more elements omitted>`);
    return out;
  }

  private map(node: ThriftMap, valueType: TypeRef | undefined): NamedFields {
    const shown = Math.min(node.entries.length, this.limits.maxListItems);
    const out: NamedFields = {};
    for (let i = 0; i < shown; i++) {
      const { key, value } = node.entries[i];
      const name = mapKeyText(key);
      out[name] = isSecretMapKey(name) ? REDACTED : this.value(value, valueType);
    }
    if (node.size > shown) out['<omitted entries>'] = node.size - shown;
    return out;
  }

  /** The bytes as UTF-8, reading no more than the shown length can need (4 bytes per character at most). */
  private text(node: ThriftBytes): string {
    const limit = this.limits.maxStringChars * 4;
    return node.bytes.toString('utf8', 0, Math.min(node.bytes.length, limit));
  }

  /** The text cut to the per-string and whole-output character limits; a cut says how long the value was. */
  private shown(text: string, byteLength: number): string {
    const max = Math.max(0, Math.min(this.limits.maxStringChars, this.charsLeft));
    this.charsLeft -= Math.min(text.length, max);
    return text.length <= max ? text : `${text.slice(0, max)}...<cut, ${byteLength} bytes in all>`;
  }

  /** Approximate memory of everything rendered so far (see src/core/record-size.ts). */
  approxBytes(): number {
    return (this.limits.maxValues - this.valuesLeft) * BYTES_PER_VALUE + 2 * (this.limits.maxTotalChars - this.charsLeft);
  }

  private spend(v: string): string {
    if (this.valuesLeft <= 0) return OMITTED;
    this.valuesLeft--;
    return v;
  }
}

/** A schema struct that holds secrets, and the ids of those fields. */
interface SecretShape {
  fields: StructSchema['fields'];
  secretIds: ReadonlySet<number>;
}

const secretShapesBySchema = new WeakMap<ThriftSchema, readonly SecretShape[]>();

function secretShapes(schema: ThriftSchema): readonly SecretShape[] {
  let shapes = secretShapesBySchema.get(schema);
  if (shapes === undefined) {
    const found: SecretShape[] = [];
    shapes = found;
    for (const [structName, policies] of Object.entries(FIELD_POLICIES)) {
      const fields = schema.structs[structName]?.fields;
      if (fields === undefined) continue;
      const secretIds = new Set(
        Object.entries(fields)
          .filter(([, field]) => policies[field.name] === 'secret')
          .map(([id]) => Number(id)),
      );
      if (secretIds.size > 0) found.push({ fields, secretIds });
    }
    secretShapesBySchema.set(schema, shapes);
  }
  return shapes;
}

/**
 * Ids to redact in a struct without a schema: the secret fields of every secret-holding struct (TOpenSessionReq,
 * the delegation-token structs, TSparkArrowResultLink) whose shape it fits: each of its fields is declared there
 * with the same wire type, and one of them is a secret.
 */
function secretFieldIdsByShape(schema: ThriftSchema, node: ThriftStruct): ReadonlySet<number> | undefined {
  let ids: Set<number> | undefined;
  for (const shape of secretShapes(schema)) {
    const fits = node.fields.every((field) => {
      const declared = shape.fields[field.id];
      return declared !== undefined && WIRE_TYPE_OF[declared.type.kind] === field.value.type;
    });
    if (!fits || !node.fields.some((field) => shape.secretIds.has(field.id))) continue;
    ids ??= new Set();
    for (const id of shape.secretIds) ids.add(id);
  }
  return ids;
}

function looksLikeText(bytes: Buffer): boolean {
  if (bytes.length > MAX_TEXT_SNIFF_BYTES || !isUtf8(bytes)) return false;
  return !CONTROL_CHARS.test(bytes.toString('utf8'));
}

export function summarizeBinary(bytes: Buffer, maxHexBytes: number): string {
  return bytes.length <= maxHexBytes ? bytes.toString('hex') : `<binary ${bytes.length} bytes>`;
}

function mapKeyText(key: ThriftValue): string {
  switch (key.type) {
    case TType.STRING: {
      const text = key.bytes.toString('utf8', 0, Math.min(key.bytes.length, MAX_MAP_KEY_CHARS * 4));
      return text.length > MAX_MAP_KEY_CHARS ? text.slice(0, MAX_MAP_KEY_CHARS) : text;
    }
    case TType.BOOL:
    case TType.BYTE:
    case TType.I16:
    case TType.I32:
    case TType.I64:
    case TType.DOUBLE:
    case TType.UUID:
      return String(key.value);
    default:
      return `<${key.type === TType.STRUCT ? 'struct' : 'container'} key>`;
  }
}
