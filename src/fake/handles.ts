// Session and operation handles: random RFC 4122 version-4 UUIDs, as Databricks issues (the driver formats
// them with uuid.stringify, which rejects anything else).
import { randomBytes, randomUUID } from 'node:crypto';

export interface HandleId {
  guid: Buffer;
  secret: Buffer;
  /** Canonical UUID text of guid: the registry key and what messages show. */
  id: string;
}

export function newHandleId(): HandleId {
  const id = randomUUID();
  return { guid: uuidToBytes(id), secret: randomBytes(16), id };
}

export function uuidToBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/** UUID text of a handle's guid as received; a guid of the wrong size still yields a key that matches nothing. */
export function guidToId(guid: Buffer | undefined | null): string {
  if (!guid || guid.length !== 16) return `invalid:${guid ? guid.toString('hex') : ''}`;
  const h = guid.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
