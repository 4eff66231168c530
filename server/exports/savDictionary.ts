/**
 * The header and dictionary of an SPSS system file (uncompressed, little-endian), record by record,
 * as PSPP's "System File Format" appendix describes them.
 */
import { MAX_VALUE_LABEL_BYTES, MAX_VARIABLE_LABEL_BYTES, type SavColumn, utf8Truncate } from './savColumns.js';
import { multipleResponseSets } from './savMrsets.js';
import { type CodeLabel, type ExportVariable, fitLabel } from './table.js';

/** The system-missing value and the bounds SPSS expects in the floating point info record. */
export const SYSMIS = -Number.MAX_VALUE;
const HIGHEST = Number.MAX_VALUE;
// LOWEST is the second-largest negative double: the largest one is taken by SYSMIS.
const LOWEST = (() => {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, 0xffeffffffffffffen);
  return view.getFloat64(0);
})();

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PRODUCT = '@(#) SPSS DATA FILE Fieldkit';
const UTF8_CODE_PAGE = 65001;
const MEASURE_CODE = { nominal: 1, ordinal: 2, scale: 3 } as const;
const ALIGN_LEFT = 0;
const ALIGN_RIGHT = 1;

/** Appends little-endian fields; one instance per file keeps the dictionary in a single buffer. */
class RecordWriter {
  private parts: Buffer[] = [];

  int32(...values: number[]): this {
    const buf = Buffer.alloc(4 * values.length);
    for (const [i, v] of values.entries()) buf.writeInt32LE(v, i * 4);
    this.parts.push(buf);
    return this;
  }

  float64(...values: number[]): this {
    const buf = Buffer.alloc(8 * values.length);
    for (const [i, v] of values.entries()) buf.writeDoubleLE(v, i * 8);
    this.parts.push(buf);
    return this;
  }

  /** Bytes padded with spaces (SPSS's padding for names, dates and labels) to exactly `length`. */
  padded(bytes: Buffer | string, length: number, pad = 0x20): this {
    const buf = Buffer.alloc(length, pad);
    (typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes).copy(buf, 0, 0, length);
    this.parts.push(buf);
    return this;
  }

  bytes(buf: Buffer): this {
    this.parts.push(buf);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export type HeaderOptions = { created: Date; fileLabel: string; caseSegments: number; rowCount: number };

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function writeHeader(out: RecordWriter, { created, fileLabel, caseSegments, rowCount }: HeaderOptions): void {
  const date = `${two(created.getUTCDate())} ${MONTHS[created.getUTCMonth()]} ${two(created.getUTCFullYear() % 100)}`;
  const time = `${two(created.getUTCHours())}:${two(created.getUTCMinutes())}:${two(created.getUTCSeconds())}`;
  out.padded('$FL2', 4).padded(PRODUCT, 60);
  // layout code 2, nominal case size, compression 0 (none), weight index 0 (unweighted), ncases
  out.int32(2, caseSegments, 0, 0, rowCount);
  out.float64(100);
  out.padded(date, 9).padded(time, 8).padded(utf8Truncate(fileLabel, 64), 64).padded('', 3, 0);
}

type MissingDeclaration = { count: number; values: number[] };

/**
 * SPSS holds at most three discrete user-missing values, or a range (count -2: low, high), or a range
 * plus one discrete value (count -3: low, high, value). A range must not swallow a labelled valid code.
 */
export function missingDeclaration(variable: ExportVariable): MissingDeclaration {
  const codes = [...new Set(variable.missing.map((m) => m.code))].sort((a, b) => a - b);
  if (codes.length <= 3) return { count: codes.length, values: codes };
  const valid = variable.valueLabels.map((v) => v.code).filter((c) => !codes.includes(c));
  const clear = (low: number, high: number) => valid.every((c) => c < low || c > high);
  const low = codes[0] as number;
  const high = codes[codes.length - 1] as number;
  if (clear(low, high)) return { count: -2, values: [low, high] };
  const second = codes[1] as number;
  const penultimate = codes[codes.length - 2] as number;
  if (clear(second, high)) return { count: -3, values: [second, high, low] };
  if (clear(low, penultimate)) return { count: -3, values: [low, penultimate, high] };
  throw new Error(`sav: the missing codes of ${variable.name} cannot be declared without covering a valid code`);
}

/**
 * A string variable's missing codes as the text its cells hold ("-9"): SPSS takes at most three
 * discrete values for a string, each stored in 8 bytes, and only those that fit the variable's width.
 * A string of up to 8 bytes declares them in its variable record. A longer one would need subtype
 * 22, whose layout SPSS (one value length) and PSPP 1.6 (a length before each value) read
 * differently, so a long string gets the codes' labels (subtype 21) but no declaration.
 */
export function stringMissing(column: SavColumn): string[] {
  if (column.variable.kind !== 'string') return [];
  return [...new Set(column.variable.missing.map((m) => String(m.code)))]
    .filter((text) => Buffer.byteLength(text) <= Math.min(8, column.width))
    .slice(0, 3);
}

function writeVariable(out: RecordWriter, column: SavColumn): void {
  const { variable, shortName, width, format } = column;
  // A "stem — item" label too long for SPSS loses part of its stem, never its item.
  const label = Buffer.from(fitLabel(variable, MAX_VARIABLE_LABEL_BYTES), 'utf8');
  const missing = variable.kind === 'numeric' ? missingDeclaration(variable) : { count: 0, values: [] };
  // A short string (8 bytes or fewer) holds its missing values here; a longer one in subtype 22.
  const shortStringMissing = width > 0 && width <= 8 ? stringMissing(column) : [];
  const count = variable.kind === 'numeric' ? missing.count : shortStringMissing.length;
  const [first, ...further] = column.pieces;
  out.int32(2, first?.width ?? width, label.length > 0 ? 1 : 0, count, format, format).padded(shortName, 8);
  if (label.length > 0) out.int32(label.length).padded(label, Math.ceil(label.length / 4) * 4, 0x20);
  if (missing.values.length > 0) out.float64(...missing.values);
  for (const text of shortStringMissing) out.padded(text, 8);
  continuations(out, first?.width ?? width);
  // The further pieces of a very long string: plain string variables, without label or missing values.
  for (const piece of further) {
    out.int32(2, piece.width, 0, 0, piece.format, piece.format).padded(piece.shortName, 8);
    continuations(out, piece.width);
  }
}

/** A string wider than 8 bytes takes one continuation record (type -1) per further 8-byte segment. */
function continuations(out: RecordWriter, width: number): void {
  for (let s = 1; s < Math.ceil(width / 8); s++) out.int32(2, -1, 0, 0, 0, 0).padded('', 8);
}

/** Choice labels, then the labels of the missing codes, each code once. */
export function labelledCodes(variable: ExportVariable): CodeLabel[] {
  const byCode = new Map<number, CodeLabel>();
  for (const entry of [...variable.valueLabels, ...variable.missing]) {
    if (!byCode.has(entry.code)) byCode.set(entry.code, entry);
  }
  return [...byCode.values()];
}

/** The labels of a string variable: its missing codes' texts ("-9" = "Not answered ..."). */
function stringLabels(column: SavColumn): CodeLabel[] {
  const declared = new Set(stringMissing(column));
  return labelledCodes(column.variable).filter((l) => declared.has(String(l.code)));
}

function writeValueLabels(out: RecordWriter, column: SavColumn): void {
  const numeric = column.variable.kind === 'numeric';
  // Strings wider than 8 bytes take their labels in subtype 21 instead.
  if (!numeric && column.width > 8) return;
  const labels = numeric ? labelledCodes(column.variable) : stringLabels(column);
  if (labels.length === 0) return;
  out.int32(3, labels.length);
  for (const { code, label } of labels) {
    const text = utf8Truncate(label, MAX_VALUE_LABEL_BYTES);
    // The length byte and the label together fill a multiple of 8 bytes.
    const padded = Math.ceil((text.length + 1) / 8) * 8 - 1;
    if (numeric) out.float64(code);
    else out.padded(String(code), 8);
    out.bytes(Buffer.from([text.length])).padded(text, padded);
  }
  out.int32(4, 1, column.dictionaryIndex);
}

/** A counted string: int32 byte length, then the bytes. */
function counted(text: string | Buffer): Buffer {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const length = Buffer.alloc(4);
  length.writeInt32LE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** Subtype 21: value labels of strings wider than 8 bytes (each value padded to the variable's width). */
function longStringLabels(columns: SavColumn[]): Buffer {
  const parts: Buffer[] = [];
  for (const column of columns) {
    const labels = column.width > 8 ? stringLabels(column) : [];
    if (labels.length === 0) continue;
    const head = Buffer.alloc(8);
    head.writeInt32LE(column.width, 0);
    head.writeInt32LE(labels.length, 4);
    parts.push(counted(column.variable.name), head);
    for (const { code, label } of labels) {
      const value = Buffer.alloc(column.width, 0x20);
      value.write(String(code), 'utf8');
      parts.push(counted(value), counted(utf8Truncate(label, MAX_VALUE_LABEL_BYTES)));
    }
  }
  return Buffer.concat(parts);
}

/** Subtype 14: each very long string's short name and whole width ("SHORT=04000", NUL, tab). */
function veryLongStrings(columns: SavColumn[]): Buffer {
  const entries = columns
    .filter((c) => c.pieces.length > 1)
    .map((c) => `${c.shortName}=${String(c.width).padStart(5, '0')}\0\t`);
  return Buffer.from(entries.join(''), 'utf8');
}

function extension(out: RecordWriter, subtype: number, size: number, count: number): RecordWriter {
  return out.int32(7, subtype, size, count);
}

function writeExtensions(out: RecordWriter, columns: SavColumn[]): void {
  // Machine integer info: version 1.0.0, machine -1, IEEE 754, compression code 1, little-endian, UTF-8.
  extension(out, 3, 4, 8).int32(1, 0, 0, -1, 1, 1, 2, UTF8_CODE_PAGE);
  extension(out, 4, 8, 3).float64(SYSMIS, HIGHEST, LOWEST);
  const sets = multipleResponseSets(columns);
  if (sets.length > 0) extension(out, 7, 1, sets.length).bytes(sets);
  // One entry per variable record, so a very long string has one per piece.
  extension(out, 11, 4, columns.reduce((n, c) => n + c.pieces.length, 0) * 3);
  for (const { variable, displayWidth, pieces } of columns) {
    // SPSS has no scale strings; a string is at most nominal or ordinal.
    const measure = variable.kind === 'string' && variable.measure === 'scale' ? 'nominal' : variable.measure;
    for (const _ of pieces) {
      out.int32(MEASURE_CODE[measure], displayWidth, variable.kind === 'numeric' ? ALIGN_RIGHT : ALIGN_LEFT);
    }
  }
  const longNames = Buffer.from(columns.map((c) => `${c.shortName}=${c.variable.name}`).join('\t'), 'utf8');
  extension(out, 13, 1, longNames.length).bytes(longNames);
  const veryLong = veryLongStrings(columns);
  if (veryLong.length > 0) extension(out, 14, 1, veryLong.length).bytes(veryLong);
  const encoding = Buffer.from('UTF-8', 'ascii');
  extension(out, 20, 1, encoding.length).bytes(encoding);
  const labels = longStringLabels(columns);
  if (labels.length > 0) extension(out, 21, 1, labels.length).bytes(labels);
}

/** Everything before the first case: header, variable records, value labels, extensions, termination. */
export function dictionaryBytes(columns: SavColumn[], header: HeaderOptions): Buffer {
  const out = new RecordWriter();
  writeHeader(out, header);
  for (const column of columns) writeVariable(out, column);
  for (const column of columns) writeValueLabels(out, column);
  writeExtensions(out, columns);
  out.int32(999, 0);
  return out.toBuffer();
}
