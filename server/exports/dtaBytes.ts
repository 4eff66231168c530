/**
 * The byte-level pieces of a Stata 118 file (`help dta`): tags, fixed-width name fields and
 * little-endian integers, shared by the writer (dta.ts) and its labels and notes (dtaLabels.ts).
 */

/** A variable's or characteristic's name: a null-padded field of 129 bytes (32 characters of UTF-8). */
export const NAME_BYTES = 129;

/** The longest prefix of the text's UTF-8 that fits in maxBytes without splitting a character. */
export function utf8Prefix(text: string, maxBytes: number): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return bytes;
  let end = maxBytes;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end);
}

/** Null-padded fields of a fixed width, always leaving room for the terminating null. */
export function fixedFields(values: string[], width: number): Buffer {
  const out = Buffer.alloc(values.length * width);
  values.forEach((value, i) => {
    utf8Prefix(value, width - 1).copy(out, i * width);
  });
  return out;
}

export const tag = (text: string) => Buffer.from(text, 'latin1');
export const section = (name: string, body: Buffer) => Buffer.concat([tag(`<${name}>`), body, tag(`</${name}>`)]);

export function u16s(values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => {
    out.writeUInt16LE(v, i * 2);
  });
  return out;
}

export function i32s(values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => {
    out.writeInt32LE(v, i * 4);
  });
  return out;
}

export function u64s(values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => {
    out.writeBigUInt64LE(BigInt(v), i * 8);
  });
  return out;
}
