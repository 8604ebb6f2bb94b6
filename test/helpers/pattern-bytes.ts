// Bodies in which any moved, lost or changed byte shows: byte i is i % 251.
export function patternBytes(from: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) b[i] = (from + i) % 251;
  return b;
}
