// The schema-less field tree one decoded Thrift message turns into. Nodes carry the Thrift wire type id
// (TType) so a schema can be applied afterwards; no names are known at this level.
import type { ThriftMessageType } from '../core/model';

/** Thrift wire type ids (TType), shared by the binary protocol and the field tree. */
export const TType = {
  STOP: 0,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
  UUID: 16,
} as const;

export interface ThriftBool {
  type: typeof TType.BOOL;
  value: boolean;
}

export interface ThriftSmallInt {
  type: typeof TType.BYTE | typeof TType.I16 | typeof TType.I32;
  value: number;
}

export interface ThriftI64 {
  type: typeof TType.I64;
  /** A number when it is a safe integer, otherwise its decimal string. */
  value: number | string;
}

export interface ThriftDouble {
  type: typeof TType.DOUBLE;
  value: number;
}

/** A Thrift string or binary (one wire type). `bytes` is a view into the decoded buffer, never a copy. */
export interface ThriftBytes {
  type: typeof TType.STRING;
  bytes: Buffer;
}

export interface ThriftUuid {
  type: typeof TType.UUID;
  value: string;
}

export interface ThriftField {
  id: number;
  value: ThriftValue;
}

export interface ThriftStruct {
  type: typeof TType.STRUCT;
  /** In wire order; a repeated id appears more than once. */
  fields: ThriftField[];
  /** Fields that were validated and skipped because a decode limit was reached. */
  omittedFields: number;
}

export interface ThriftList {
  type: typeof TType.LIST | typeof TType.SET;
  /** A TType id; unvalidated (whatever was written) when the list is empty. */
  elementType: number;
  /** The declared element count; `size - elements.length` elements were validated and skipped. */
  size: number;
  elements: ThriftValue[];
}

export interface ThriftMapEntry {
  key: ThriftValue;
  value: ThriftValue;
}

export interface ThriftMap {
  type: typeof TType.MAP;
  /** TType ids; unvalidated when the map is empty. */
  keyType: number;
  valueType: number;
  /** The declared entry count; `size - entries.length` entries were validated and skipped. */
  size: number;
  entries: ThriftMapEntry[];
}

export type ThriftValue =
  | ThriftBool
  | ThriftSmallInt
  | ThriftI64
  | ThriftDouble
  | ThriftBytes
  | ThriftUuid
  | ThriftStruct
  | ThriftList
  | ThriftMap;

export type ThriftProtocol = 'binary' | 'compact';

export interface ThriftMessage {
  protocol: ThriftProtocol;
  /**
   * Binary protocol: whether the header was the strict, versioned one (0x8001....) rather than the old
   * name-length-first one. Always true for compact, whose header always carries a protocol id and version.
   */
  strictHeader: boolean;
  name: string;
  type: ThriftMessageType;
  seqid: number;
  /** `<Method>_args` for a call, `<Method>_result` for a reply, TApplicationException for an exception. */
  body: ThriftStruct;
  /** Bytes the message occupied. */
  byteLength: number;
  /** Bytes after the end of the message (ignored; one HTTP body should carry exactly one message). */
  trailingBytes: number;
}

export type DecodeResult = { ok: true; message: ThriftMessage } | { ok: false; error: string };

/** Bounds on what one decode may materialize. Anything beyond them is still validated, then skipped. */
export interface DecodeLimits {
  /** Deepest struct/list/set/map nesting accepted; deeper input is rejected. */
  maxDepth: number;
  /** Elements (or entries, or fields) kept per container. */
  maxElementsPerContainer: number;
  /** Nodes kept for the whole message. */
  maxNodes: number;
}

export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = {
  maxDepth: 64,
  maxElementsPerContainer: 1000,
  maxNodes: 50_000,
};

/** Thrift message type ids on the wire. */
export const MESSAGE_TYPE_BY_ID: Readonly<Record<number, ThriftMessageType>> = {
  1: 'call',
  2: 'reply',
  3: 'exception',
  4: 'oneway',
};

export const MESSAGE_TYPE_ID: Readonly<Record<ThriftMessageType, number>> = {
  call: 1,
  reply: 2,
  exception: 3,
  oneway: 4,
};
