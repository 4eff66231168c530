import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fixedFields, i32s, NAME_BYTES, section, tag, u16s, u64s, utf8Prefix } from './dtaBytes.js';
import { notesCharacteristics, stataLabel, variableLabel } from './dtaLabels.js';
import { type Cell, type ExportTable, type ExportVariable, isZeroOne, MISSING, SUPPRESSED } from './table.js';

/**
 * Stata 118 (.dta, Stata 14+) writer: the file is yielded in chunks so rows stream with flat memory.
 * Every section before the data is metadata-sized and built up front; rows have a fixed width, so
 * the offsets of the sections after the data (the <map> needs them) are known before streaming.
 * A text variable is a str# when its longest text fits 2,045 bytes, else a strL, whose texts follow
 * the data in <strls>: the first pass over the rows measures them too, and a last pass writes them,
 * so no text is ever cut. Layout follows Stata's `help dta` (dta_118), little-endian throughout.
 * Labels and notes (characteristics) are dtaLabels.ts's.
 */

export type DtaOptions = { created?: Date; datasetLabel?: string };

const FORMAT_BYTES = 57;
const VARIABLE_LABEL_BYTES = 321;
const VALUE_LABEL_TEXT_BYTES = 32_000;
/** The widest str#; a variable with a longer text is a strL. */
export const DTA_MAX_STRING_BYTES = 2045;
const TYPE_STRL = 32_768;
/** A strL cell in the data: the variable (2 bytes) and observation (6 bytes) of its text in <strls>. */
const STRL_REF_BYTES = 8;
/** "GSO", v (4 bytes), o (8 bytes), type (1 byte), length (4 bytes) before each text. */
const GSO_HEAD_BYTES = 3 + 4 + 8 + 1 + 4;
/** A GSO of null-terminated text (130), as Stata writes the strL values it reads as strings. */
const GSO_TEXT = 130;
const MAX_VARIABLES = 32_767;
/** 1960-01-01 to 1970-01-01 in milliseconds: a %tc value counts milliseconds from 1960. */
const STATA_EPOCH_OFFSET_MS = 315_619_200_000;
/** A date-time shown to the second, "2026-03-02 14:05:09"; the value keeps its milliseconds. */
const DATETIME_FORMAT = '%tcCCYY-NN-DD_HH:MM:SS';
const TYPE_DOUBLE = 65_526;
const DOUBLE_BYTES = 8;

/** `.` as a double; `.a` … `.z` follow in steps of 2^40 (Stata `help dta`, "missing values"). */
const SYSTEM_MISSING_DOUBLE = 0x7fe0_0000_0000_0000n;
const EXTENDED_MISSING_STEP = 1n << 40n;
/** Largest double Stata treats as a value; everything above is a missing code. */
const MAX_DOUBLE = 8.98846567431158e307;
/** `.` as a long; value-label keys of `.a` … `.z` are the longs above it. */
const SYSTEM_MISSING_INT32 = 2_147_483_621;

/** The study's missing codes as Stata extended missing values (spec: exports.md). */
export const STATA_MISSING_LETTER: ReadonlyMap<number, string> = new Map([
  [MISSING.notAnswered.code, 'n'],
  [MISSING.skipped.code, 's'],
  [MISSING.dontKnow.code, 'd'],
  [MISSING.preferNot.code, 'r'],
  // Confidential: a public-use file's suppressed cell.
  [SUPPRESSED.code, 'c'],
]);

const letterIndex = (letter: string) => letter.charCodeAt(0) - 'a'.charCodeAt(0) + 1;
export const extendedMissingDouble = (letter: string) =>
  SYSTEM_MISSING_DOUBLE + BigInt(letterIndex(letter)) * EXTENDED_MISSING_STEP;
export const extendedMissingLabelKey = (letter: string) => SYSTEM_MISSING_INT32 + letterIndex(letter);

const RESERVED_NAMES = new Set(
  '_all _b byte _coef _cons double float if in int long _n _N _pi _pred _rc _skip strL using with'.split(' '),
);

type Column =
  | { kind: 'numeric'; variable: ExportVariable; offset: number; missingBits: ReadonlyMap<number, bigint> }
  | { kind: 'string'; variable: ExportVariable; offset: number; width: number }
  /** `number`: the variable's 1-based position, the `v` of its texts' references. */
  | { kind: 'strl'; variable: ExportVariable; offset: number; number: number };

const cellBytes = (column: Column) =>
  column.kind === 'string' ? column.width : column.kind === 'strl' ? STRL_REF_BYTES : DOUBLE_BYTES;
const typeCode = (column: Column) =>
  column.kind === 'string' ? column.width : column.kind === 'strl' ? TYPE_STRL : TYPE_DOUBLE;

export function* dtaChunks(table: ExportTable, options: DtaOptions = {}): Generator<Buffer> {
  const { columns, strlBytes } = planColumns(table);
  const recordBytes = columns.reduce((sum, c) => sum + cellBytes(c), 0);
  const labelled = table.variables.filter(hasValueLabels);

  const header = headerSection(table, options);
  const before = [
    section('variable_types', u16s(columns.map(typeCode))),
    section(
      'varnames',
      fixedFields(
        table.variables.map((v) => v.name),
        NAME_BYTES,
      ),
    ),
    section('sortlist', Buffer.alloc((table.variables.length + 1) * 2)),
    section('formats', fixedFields(columns.map(displayFormat), FORMAT_BYTES)),
    section(
      'value_label_names',
      fixedFields(
        table.variables.map((v) => (hasValueLabels(v) ? v.name : '')),
        NAME_BYTES,
      ),
    ),
    section('variable_labels', fixedFields(table.variables.map(variableLabel), VARIABLE_LABEL_BYTES)),
    section('characteristics', notesCharacteristics(table.variables)),
  ];
  const dataBytes = tag('<data>').length + recordBytes * table.rowCount + tag('</data>').length;
  const strlsBytes = tag('<strls>').length + strlBytes + tag('</strls>').length;
  const valueLabels = section('value_labels', Buffer.concat(labelled.map(valueLabelTable)));
  const closing = tag('</stata_dta>');

  // The map holds 14 offsets: <stata_dta>, <map>, the seven sections before the data, <data>,
  // <strls>, <value_labels>, </stata_dta> and the end of the file; all are known before any row.
  const mapBytes = tag('<map>').length + 14 * 8 + tag('</map>').length;
  const offsets = [0, header.length];
  for (const length of [mapBytes, ...before.map((b) => b.length), dataBytes, strlsBytes, valueLabels.length]) {
    offsets.push((offsets.at(-1) ?? 0) + length);
  }
  offsets.push((offsets.at(-1) ?? 0) + closing.length);

  yield header;
  yield section('map', u64s(offsets));
  yield Buffer.concat(before);
  yield tag('<data>');
  yield* dataChunks(table, columns, recordBytes);
  yield tag('</data>');
  yield tag('<strls>');
  yield* strlChunks(table, columns, strlBytes);
  yield tag('</strls>');
  yield Buffer.concat([valueLabels, closing]);
}

/** Streams the file to `path.part` and renames it to `path` only once complete. */
export async function writeDta(table: ExportTable, path: string, options: DtaOptions = {}): Promise<void> {
  const partial = `${path}.part`;
  try {
    await pipeline(Readable.from(dtaChunks(table, options)), createWriteStream(partial));
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

function planColumns(table: ExportTable): { columns: Column[]; strlBytes: number } {
  if (table.variables.length > MAX_VARIABLES) {
    throw new RangeError(
      `Stata 118 holds at most ${MAX_VARIABLES} variables; ${table.name} has ${table.variables.length}`,
    );
  }
  for (const variable of table.variables) checkName(variable.name);
  const { widths, gsoBytes } = measureStrings(table);
  let offset = 0;
  let strlBytes = 0;
  const columns = table.variables.map((variable, index): Column => {
    const start = offset;
    const widest = widths.get(index) ?? 0;
    if (variable.kind === 'string' && widest > DTA_MAX_STRING_BYTES) {
      offset += STRL_REF_BYTES;
      strlBytes += gsoBytes.get(index) ?? 0;
      return { kind: 'strl', variable, offset: start, number: index + 1 };
    }
    if (variable.kind === 'string') {
      const width = Math.max(1, widest);
      offset += width;
      return { kind: 'string', variable, offset: start, width };
    }
    offset += DOUBLE_BYTES;
    const missingBits = new Map(
      variable.missing.map(({ code }) => {
        const letter = STATA_MISSING_LETTER.get(code);
        if (!letter) throw new RangeError(`${variable.name}: missing code ${code} has no Stata extended missing value`);
        return [code, extendedMissingDouble(letter)];
      }),
    );
    return { kind: 'numeric', variable, offset: start, missingBits };
  });
  return { columns, strlBytes };
}

function checkName(name: string) {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(name) || RESERVED_NAMES.has(name) || /^str\d+$/.test(name)) {
    throw new RangeError(`"${name}" is not a valid Stata variable name`);
  }
}

/**
 * A str# column is as wide as its longest value, and a strL column's <strls> as long as its GSOs,
 * both known only after reading the rows: a first pass over rows() measures string columns (nothing
 * is kept), the second writes the data, a third the strLs.
 */
function measureStrings(table: ExportTable): { widths: Map<number, number>; gsoBytes: Map<number, number> } {
  const indexes = table.variables.flatMap((v, i) => (v.kind === 'string' ? [i] : []));
  const widths = new Map(indexes.map((i) => [i, 0]));
  const gsoBytes = new Map(indexes.map((i) => [i, 0]));
  if (indexes.length === 0) return { widths, gsoBytes };
  for (const row of table.rows()) {
    for (const i of indexes) {
      const cell = row[i];
      if (typeof cell !== 'string' || cell === '') continue;
      const bytes = Buffer.byteLength(cell);
      widths.set(i, Math.max(widths.get(i) ?? 0, bytes));
      gsoBytes.set(i, (gsoBytes.get(i) ?? 0) + GSO_HEAD_BYTES + bytes + 1);
    }
  }
  return { widths, gsoBytes };
}

function* dataChunks(table: ExportTable, columns: Column[], recordBytes: number): Generator<Buffer> {
  const rowsPerChunk = Math.max(1, Math.floor(65_536 / Math.max(1, recordBytes)));
  let chunk = Buffer.alloc(rowsPerChunk * recordBytes);
  let inChunk = 0;
  let written = 0;
  for (const row of table.rows()) {
    if (written === table.rowCount) throw new RangeError(`${table.name}: more rows than rowCount ${table.rowCount}`);
    if (row.length !== columns.length) {
      throw new RangeError(`${table.name} row ${written + 1}: ${row.length} cells for ${columns.length} variables`);
    }
    const base = inChunk * recordBytes;
    columns.forEach((column, i) => {
      writeCell(chunk, base + column.offset, column, row[i] ?? null, written + 1);
    });
    inChunk += 1;
    written += 1;
    if (inChunk === rowsPerChunk) {
      yield chunk;
      chunk = Buffer.alloc(rowsPerChunk * recordBytes);
      inChunk = 0;
    }
  }
  if (written !== table.rowCount)
    throw new RangeError(`${table.name}: ${written} rows, rowCount says ${table.rowCount}`);
  if (inChunk > 0) yield chunk.subarray(0, inChunk * recordBytes);
}

function writeCell(target: Buffer, at: number, column: Column, cell: Cell, observation: number) {
  const name = column.variable.name;
  if (column.kind === 'string') {
    if (typeof cell === 'number') throw new TypeError(`${name}: a number in a string variable`);
    utf8Prefix(cell ?? '', column.width).copy(target, at);
    return;
  }
  if (column.kind === 'strl') {
    if (typeof cell === 'number') throw new TypeError(`${name}: a number in a string variable`);
    // An empty text stays (0, 0), Stata's reference to "" without a GSO.
    if (cell === null || cell === '') return;
    target.writeUInt16LE(column.number, at);
    target.writeUIntLE(observation, at + 2, 6);
    return;
  }
  if (typeof cell === 'string') throw new TypeError(`${name}: text in a numeric variable`);
  const missing = cell === null ? undefined : column.missingBits.get(cell);
  if (cell === null || Number.isNaN(cell)) {
    target.writeBigUInt64LE(SYSTEM_MISSING_DOUBLE, at);
  } else if (missing !== undefined) {
    target.writeBigUInt64LE(missing, at);
  } else if (!Number.isFinite(cell) || Math.abs(cell) > MAX_DOUBLE) {
    throw new RangeError(`${name}: ${cell} is outside Stata's range of doubles`);
  } else {
    target.writeDoubleLE(column.variable.format === 'datetime' ? cell + STATA_EPOCH_OFFSET_MS : cell, at);
  }
}

/**
 * The GSOs of every non-empty strL cell, in the order of the data (observation, then variable), the
 * order readers such as ReadStat search them in; about 64 KiB at a time.
 */
function* strlChunks(table: ExportTable, columns: Column[], expectedBytes: number): Generator<Buffer> {
  const strls = columns.flatMap((c, i) => (c.kind === 'strl' ? [{ column: c, i }] : []));
  if (strls.length === 0) return;
  let parts: Buffer[] = [];
  let size = 0;
  let total = 0;
  let observation = 0;
  for (const row of table.rows()) {
    observation += 1;
    for (const { column, i } of strls) {
      const cell = row[i];
      if (typeof cell !== 'string' || cell === '') continue;
      const text = Buffer.from(`${cell}\0`, 'utf8');
      const head = Buffer.alloc(GSO_HEAD_BYTES);
      head.write('GSO', 0, 'latin1');
      head.writeUInt32LE(column.number, 3);
      head.writeBigUInt64LE(BigInt(observation), 7);
      head.writeUInt8(GSO_TEXT, 15);
      head.writeUInt32LE(text.length, 16);
      parts.push(head, text);
      size += head.length + text.length;
      total += head.length + text.length;
      if (size >= 65_536) {
        yield Buffer.concat(parts);
        parts = [];
        size = 0;
      }
    }
  }
  if (parts.length > 0) yield Buffer.concat(parts);
  // The <map> already gave the offsets after <strls>: rows that changed between passes would break them.
  if (total !== expectedBytes) throw new RangeError(`${table.name}: its texts changed while the .dta was written`);
}

function headerSection(table: ExportTable, options: DtaOptions): Buffer {
  const k = Buffer.alloc(2);
  k.writeUInt16LE(table.variables.length);
  const n = Buffer.alloc(8);
  n.writeBigUInt64LE(BigInt(table.rowCount));
  const label = Buffer.from(stataLabel(options.datasetLabel ?? ''));
  const labelLength = Buffer.alloc(2);
  labelLength.writeUInt16LE(label.length);
  const timestamp = Buffer.from(stataTimestamp(options.created ?? new Date()));
  return Buffer.concat([
    tag('<stata_dta><header><release>118</release><byteorder>LSF</byteorder>'),
    section('K', k),
    section('N', n),
    section('label', Buffer.concat([labelLength, label])),
    section('timestamp', Buffer.concat([Buffer.from([timestamp.length]), timestamp])),
    tag('</header>'),
  ]);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "dd Mon yyyy hh:mm" in UTC, so a file does not depend on the server's time zone. */
export function stataTimestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}`;
}

function displayFormat(column: Column): string {
  if (column.kind === 'string') return `%-${column.width}s`;
  if (column.kind === 'strl') return '%9s';
  if (column.variable.format === 'datetime') return DATETIME_FORMAT;
  if (isZeroOne(column.variable)) return '%9.2f';
  const decimals = column.variable.decimals;
  return decimals > 0 ? `%${Math.max(12, decimals + 9)}.${decimals}f` : '%9.0g';
}

/**
 * Only a coded variable gets a label set. A count or an amount with missing codes keeps its .n .s
 * .d .r in the data but no set: a set holding only their labels makes pandas read the column as
 * categorical (and crash with convert_missing) and haven as labelled, where it is a number.
 */
function hasValueLabels(variable: ExportVariable): boolean {
  return variable.kind === 'numeric' && variable.valueLabels.length > 0;
}

/** One <lbl> table per labelled variable, named after it: valid codes, then .n/.s/.d/.r keys. */
function valueLabelTable(variable: ExportVariable): Buffer {
  const entries = [
    ...variable.valueLabels.map(({ code, label }) => {
      if (!Number.isInteger(code) || code < -2_147_483_647 || code > 2_147_483_620) {
        throw new RangeError(`${variable.name}: value label code ${code} is not a Stata integer`);
      }
      return { key: code, label };
    }),
    ...variable.missing.map(({ code, label }) => ({
      key: extendedMissingLabelKey(STATA_MISSING_LETTER.get(code) ?? ''),
      label,
    })),
  ].sort((a, b) => a.key - b.key);
  const duplicate = entries.find((e, i) => i > 0 && entries[i - 1]?.key === e.key);
  if (duplicate) throw new RangeError(`${variable.name}: two value labels for ${duplicate.key}`);

  const texts = entries.map((e) => Buffer.concat([utf8Prefix(e.label, VALUE_LABEL_TEXT_BYTES), Buffer.from([0])]));
  const txt = Buffer.concat(texts);
  const offsets: number[] = [];
  texts.reduce((at, text) => {
    offsets.push(at);
    return at + text.length;
  }, 0);
  const body = Buffer.concat([i32s([entries.length, txt.length]), i32s(offsets), i32s(entries.map((e) => e.key)), txt]);
  return section(
    'lbl',
    Buffer.concat([i32s([body.length]), fixedFields([variable.name], NAME_BYTES), Buffer.alloc(3), body]),
  );
}
