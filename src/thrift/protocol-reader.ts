// The traversal both readers share: structs, lists, sets and maps read within the node budget, values skipped
// once the budget is spent. Each protocol supplies its scalars, string lengths and field/container headers.
import { fail, formatUuid, NodeBudget } from './reader-support';
import { TType, type DecodeLimits, type ThriftField, type ThriftMapEntry, type ThriftMessage, type ThriftStruct, type ThriftValue } from './wire-types';

export abstract class ProtocolReader {
  protected pos = 0;
  private readonly budget: NodeBudget;

  /** Set by readFieldHeader: the id of the field whose type it returned. */
  protected fieldId = 0;
  /** Set by readListHeader. */
  protected elementType = 0;
  /** Set by readMapHeader. */
  protected keyType = 0;
  protected valueType = 0;

  protected constructor(
    protected readonly buf: Buffer,
    limits: DecodeLimits,
    /** Types whose every value has the same size in this protocol: a skipped list of them is skipped in one step. */
    private readonly fixedSizes: Readonly<Record<number, number>>,
  ) {
    this.budget = new NodeBudget(limits);
  }

  abstract readMessage(): ThriftMessage;

  /** The next field's type (STOP at the end of the struct), its id left in fieldId; `lastId` is the previous field's id. */
  protected abstract readFieldHeader(lastId: number): number;
  /** Like readFieldHeader, for a struct being skipped: the next field's type, or STOP. */
  protected abstract skipFieldHeader(): number;
  /** A list or set header: its element count, checked against the bytes left; the element type left in elementType. */
  protected abstract readListHeader(): number;
  /** A map header: its entry count, checked against the bytes left; the key and value types left in keyType and valueType. */
  protected abstract readMapHeader(): number;
  /** A string's byte length, already checked to fit in the bytes left. */
  protected abstract stringLength(): number;
  protected abstract readBool(): boolean;
  protected abstract readI16(): number;
  protected abstract readI32(): number;
  protected abstract readI64(): number | string;
  protected abstract readDouble(): number;

  /** The value of a struct field whose header readFieldHeader just read. */
  protected readFieldValue(type: number, depth: number): ThriftValue {
    return this.readValue(type, depth);
  }

  /** Skips the value of a struct field whose header was just read. */
  protected skipFieldValue(type: number, depth: number): void {
    this.skipValue(type, depth);
  }

  /** Skips a value of a type that is neither fixed-size nor a string or container in this protocol. */
  protected skipOther(type: number): void {
    fail(`unknown field type ${type} at offset ${this.pos}`);
  }

  protected readStruct(depth: number): ThriftStruct {
    this.budget.checkDepth(depth, this.pos);
    const fields: ThriftField[] = [];
    let omittedFields = 0;
    let id = 0;
    for (;;) {
      const type = this.readFieldHeader(id);
      if (type === TType.STOP) return { type: TType.STRUCT, fields, omittedFields };
      id = this.fieldId;
      if (this.budget.take(fields.length)) fields.push({ id, value: this.readFieldValue(type, depth) });
      else {
        this.skipFieldValue(type, depth);
        omittedFields++;
      }
    }
  }

  private readValue(type: number, depth: number): ThriftValue {
    switch (type) {
      case TType.BOOL:
        return { type: TType.BOOL, value: this.readBool() };
      case TType.BYTE:
        this.need(1);
        return { type: TType.BYTE, value: this.buf.readInt8(this.pos++) };
      case TType.I16:
        return { type: TType.I16, value: this.readI16() };
      case TType.I32:
        return { type: TType.I32, value: this.readI32() };
      case TType.I64:
        return { type: TType.I64, value: this.readI64() };
      case TType.DOUBLE:
        return { type: TType.DOUBLE, value: this.readDouble() };
      case TType.STRING: {
        const length = this.stringLength();
        const bytes = this.buf.subarray(this.pos, this.pos + length);
        this.pos += length;
        return { type: TType.STRING, bytes };
      }
      case TType.UUID: {
        this.need(16);
        const value = formatUuid(this.buf, this.pos);
        this.pos += 16;
        return { type: TType.UUID, value };
      }
      case TType.STRUCT:
        return this.readStruct(depth + 1);
      case TType.LIST:
      case TType.SET: {
        this.budget.checkDepth(depth + 1, this.pos);
        const size = this.readListHeader();
        const elementType = this.elementType;
        const elements: ThriftValue[] = [];
        let i = 0;
        for (; i < size && this.budget.take(elements.length); i++) elements.push(this.readValue(elementType, depth + 1));
        this.skipValues(elementType, size - i, depth + 1);
        return { type: type === TType.LIST ? TType.LIST : TType.SET, elementType, size, elements };
      }
      case TType.MAP: {
        this.budget.checkDepth(depth + 1, this.pos);
        const size = this.readMapHeader();
        const keyType = this.keyType;
        const valueType = this.valueType;
        const entries: ThriftMapEntry[] = [];
        let i = 0;
        for (; i < size && this.budget.take(entries.length, 2); i++) {
          const key = this.readValue(keyType, depth + 1);
          entries.push({ key, value: this.readValue(valueType, depth + 1) });
        }
        this.skipEntries(keyType, valueType, size - i, depth + 1);
        return { type: TType.MAP, keyType, valueType, size, entries };
      }
      default:
        return fail(`unknown field type ${type} at offset ${this.pos}`);
    }
  }

  private skipValue(type: number, depth: number): void {
    const fixed = this.fixedSizes[type];
    if (fixed !== undefined) {
      this.need(fixed);
      this.pos += fixed;
      return;
    }
    switch (type) {
      case TType.STRING: {
        const length = this.stringLength();
        this.pos += length;
        return;
      }
      case TType.STRUCT: {
        this.budget.checkDepth(depth + 1, this.pos);
        for (;;) {
          const fieldType = this.skipFieldHeader();
          if (fieldType === TType.STOP) return;
          this.skipFieldValue(fieldType, depth + 1);
        }
      }
      case TType.LIST:
      case TType.SET: {
        this.budget.checkDepth(depth + 1, this.pos);
        const size = this.readListHeader();
        this.skipValues(this.elementType, size, depth + 1);
        return;
      }
      case TType.MAP: {
        this.budget.checkDepth(depth + 1, this.pos);
        const size = this.readMapHeader();
        this.skipEntries(this.keyType, this.valueType, size, depth + 1);
        return;
      }
      default:
        this.skipOther(type);
    }
  }

  private skipValues(type: number, n: number, depth: number): void {
    if (n <= 0) return;
    const fixed = this.fixedSizes[type];
    if (fixed !== undefined) {
      this.need(fixed * n);
      this.pos += fixed * n;
      return;
    }
    for (let i = 0; i < n; i++) this.skipValue(type, depth);
  }

  private skipEntries(keyType: number, valueType: number, n: number, depth: number): void {
    for (let i = 0; i < n; i++) {
      this.skipValue(keyType, depth);
      this.skipValue(valueType, depth);
    }
  }

  /** Fails unless `count` elements of at least `elementSize` bytes each fit in the bytes left. */
  protected checkFits(count: number, elementSize: number): void {
    if (count * elementSize > this.buf.length - this.pos) {
      fail(`container of ${count} elements does not fit in the ${this.buf.length - this.pos} bytes left at offset ${this.pos}`);
    }
  }

  protected need(n: number): void {
    if (n > this.buf.length - this.pos) {
      fail(`truncated: ${n} bytes needed at offset ${this.pos}, ${this.buf.length - this.pos} left`);
    }
  }

  protected u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }
}
