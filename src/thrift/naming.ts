// Applies the TCLIService schema to a decoded message: the request of a call (field 1 of `<Method>_args`), the
// response of a reply (field 0 of `<Method>_result`) and its TStatus. How values are shown, and the size
// bounds, are described in render-fields.ts; secrets are redacted there (see field-policies.ts).
import type { NamedFields, ThriftStatusSummary } from '../core/model';
import { noteFieldsSize } from '../core/record-size';
import { redactSecretsInText } from '../core/redact';
import { DEFAULT_RENDER_LIMITS, FieldRenderer, type RenderLimits } from './render-fields';
import type { ThriftSchema } from './schema-types';
import { TCLI_SCHEMA } from './tcli-schema';
import { TType, type ThriftMessage, type ThriftStruct, type ThriftValue } from './wire-types';

const ARGS_REQUEST_FIELD = 1;
const RESULT_SUCCESS_FIELD = 0;
const RESP_STATUS_FIELD = 1;
const STATUS_CODE_FIELD = 1;
const STATUS_SQL_STATE_FIELD = 3;
const STATUS_ERROR_MESSAGE_FIELD = 5;

/** Thrift's own exception struct, the body of an EXCEPTION message; not part of the TCLIService IDL. */
const APPLICATION_EXCEPTION = 'TApplicationException';
const SCHEMA: ThriftSchema = {
  ...TCLI_SCHEMA,
  structs: {
    ...TCLI_SCHEMA.structs,
    [APPLICATION_EXCEPTION]: {
      fields: { 1: { name: 'message', type: { kind: 'string' } }, 2: { name: 'type', type: { kind: 'i32' } } },
    },
  },
};

export interface NamedCall {
  method: string;
  /** The T<Method>Req, for CALL and ONEWAY messages that carry one. */
  request?: NamedFields;
}

export interface NamedReply {
  /** The T<Method>Resp of a REPLY, or the TApplicationException {message, type} of an EXCEPTION. */
  reply?: NamedFields;
  /** The TStatus at field 1 of the T<Method>Resp. */
  status?: ThriftStatusSummary;
}

export function nameCall(message: ThriftMessage, limits: RenderLimits = DEFAULT_RENDER_LIMITS): NamedCall {
  const method = message.name;
  if (message.type !== 'call' && message.type !== 'oneway') return { method };
  const req = lastField(message.body, ARGS_REQUEST_FIELD);
  if (req === undefined) return { method };
  const renderer = new FieldRenderer(SCHEMA, limits);
  const request = req.type !== TType.STRUCT ? renderer.struct(message.body) : renderer.struct(req, SCHEMA.methods[method]?.request);
  noteFieldsSize(request, renderer.approxBytes());
  return { method, request };
}

export function nameReply(message: ThriftMessage, limits: RenderLimits = DEFAULT_RENDER_LIMITS): NamedReply {
  const renderer = new FieldRenderer(SCHEMA, limits);
  if (message.type === 'exception') return { reply: noted(renderer.struct(message.body, APPLICATION_EXCEPTION), renderer) };
  if (message.type !== 'reply') return {};
  const resp = lastField(message.body, RESULT_SUCCESS_FIELD);
  if (resp === undefined || resp.type !== TType.STRUCT) return {};
  const named: NamedReply = { reply: noted(renderer.struct(resp, SCHEMA.methods[message.name]?.response), renderer) };
  const status = statusSummary(resp, limits.maxStringChars);
  if (status !== undefined) named.status = status;
  return named;
}

function noted(fields: NamedFields, renderer: FieldRenderer): NamedFields {
  noteFieldsSize(fields, renderer.approxBytes());
  return fields;
}

function statusSummary(resp: ThriftStruct, maxChars: number): ThriftStatusSummary | undefined {
  const status = lastField(resp, RESP_STATUS_FIELD);
  if (status?.type !== TType.STRUCT) return undefined;
  const code = lastField(status, STATUS_CODE_FIELD);
  if (code?.type !== TType.I32) return undefined;
  const summary: ThriftStatusSummary = {
    statusCode: code.value,
    statusName: SCHEMA.enums.TStatusCode?.[code.value] ?? String(code.value),
  };
  const errorMessage = text(lastField(status, STATUS_ERROR_MESSAGE_FIELD), maxChars);
  if (errorMessage !== undefined) summary.errorMessage = redactSecretsInText(errorMessage);
  const sqlState = text(lastField(status, STATUS_SQL_STATE_FIELD), maxChars);
  if (sqlState !== undefined) summary.sqlState = sqlState;
  return summary;
}

/** A repeated field id means the last occurrence wins, as in every Thrift reader. */
function lastField(struct: ThriftStruct, id: number): ThriftValue | undefined {
  for (let i = struct.fields.length - 1; i >= 0; i--) if (struct.fields[i].id === id) return struct.fields[i].value;
  return undefined;
}

function text(node: ThriftValue | undefined, maxChars: number): string | undefined {
  if (node?.type !== TType.STRING) return undefined;
  const s = node.bytes.toString('utf8', 0, Math.min(node.bytes.length, maxChars * 4));
  return s.length > maxChars ? s.slice(0, maxChars) : s;
}
