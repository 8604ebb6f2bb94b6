// Compares a struct as the driver's generated classes hold it with our NamedFields rendering of the same bytes:
// same property names, same values (Int64 -> number or decimal string, Buffer -> hex / UUID / summary, enum
// number -> its symbolic name in the driver's own enum tables). Returns the differences, for readable failures.
import Int64 from 'node-int64';
import * as T from '@databricks/sql/thrift/TCLIService_types';
import type { FieldValue } from '../../../src/core/model';

const DRIVER_ENUMS: ReadonlyArray<Readonly<Record<string, unknown>>> = (Object.values(T) as unknown[]).filter(
  (v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v),
);

function int64Expected(v: Int64): number | string {
  const n = v.toNumber(false);
  if (Number.isFinite(n)) return n;
  return BigInt.asIntN(64, BigInt(`0x${v.toOctetString()}`)).toString();
}

function bufferRenderings(b: Buffer): string[] {
  const out = [`<binary ${b.length} bytes>`];
  if (b.length <= 32) out.push(b.toString('hex'));
  if (b.length === 16) {
    const h = b.toString('hex');
    out.push(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);
  }
  return out;
}

/**
 * `overrides` gives, by path (`$.password`, `$.configuration.some-key`, `$.results.resultLinks[0].fileLink`),
 * what we must show instead of the driver's value: REDACTED for secrets, a redacted URL for presigned links.
 */
export function differencesFromDriver(
  driver: unknown,
  ours: FieldValue | undefined,
  overrides: Readonly<Record<string, FieldValue>> = {},
  path = '$',
): string[] {
  const show = (v: unknown): string => (v instanceof Int64 ? `Int64(${v.toString()})` : JSON.stringify(v));
  const mismatch = (): string[] => [`${path}: driver has ${show(driver)}, we have ${show(ours)}`];
  if (Object.hasOwn(overrides, path)) {
    return JSON.stringify(ours) === JSON.stringify(overrides[path]) ? [] : [`${path}: expected ${show(overrides[path])}, we have ${show(ours)}`];
  }
  if (driver instanceof Int64) return ours === int64Expected(driver) ? [] : mismatch();
  if (Buffer.isBuffer(driver)) return typeof ours === 'string' && bufferRenderings(driver).includes(ours) ? [] : mismatch();
  if (Array.isArray(driver)) {
    if (!Array.isArray(ours) || ours.length !== driver.length) return mismatch();
    return driver.flatMap((d, i) => differencesFromDriver(d, ours[i], overrides, `${path}[${i}]`));
  }
  if (typeof driver === 'object' && driver !== null) {
    if (typeof ours !== 'object' || ours === null || Array.isArray(ours)) return mismatch();
    const present = Object.entries(driver).filter(([, v]) => v !== null && v !== undefined);
    const diffs = present.flatMap(([k, v]) => differencesFromDriver(v, ours[k], overrides, `${path}.${k}`));
    const extra = Object.keys(ours).filter((k) => !present.some(([name]) => name === k));
    return diffs.concat(extra.map((k) => `${path}.${k}: we have ${show(ours[k])}, the driver has nothing`));
  }
  if (typeof driver === 'number' && typeof ours === 'string') {
    return DRIVER_ENUMS.some((e) => e[ours] === driver) ? [] : mismatch();
  }
  return driver === ours ? [] : mismatch();
}
