/**
 * How each ExportVariable becomes an SPSS variable: its unique 8-byte short name, its width, its
 * print format and the number of 8-byte case segments it occupies. Widths come from a pass over the
 * rows, so this is also where a table whose rows disagree with its variables is refused, and where a
 * text longer than SPSS strings hold is reported.
 */
import { type Cell, type ExportTable, type ExportVariable, isZeroOne, type StringCut } from './table.js';

/** SPSS's widest string; a longer text is cut at a character and reported (spec: exports.md). */
export const MAX_STRING_WIDTH = 32_767;
/**
 * The widest string one variable record holds. A wider one is a very long string (subtype 14): a run
 * of pieces of 255 bytes each but the last, where each piece counts for only 252 bytes of the declared
 * width (as PSPP's and ReadStat's writers and readers compute it), and the text fills the pieces 255
 * bytes at a time.
 */
export const MAX_PIECE_WIDTH = 255;
const PIECE_STEP = 252;
/** SPSS documents 120 bytes as the longest value label; PSPP reads up to 255. */
export const MAX_VALUE_LABEL_BYTES = 120;
export const MAX_VARIABLE_LABEL_BYTES = 255;

const FORMAT_A = 1;
const FORMAT_F = 5;
/** DATETIME ("dd-MMM-yyyy hh:mm:ss"): the value is seconds since the Gregorian calendar began. */
const FORMAT_DATETIME = 22;
const DATETIME_WIDTH = 20;
/** Seconds from SPSS's epoch, 1582-10-14 00:00:00, to 1970-01-01 00:00:00 UTC. */
const SPSS_EPOCH_TO_UNIX_SECONDS = 12_219_379_200;
/** Decimals shown on a 0/1 variable, so that its mean (a proportion) prints as 0.37 rather than 0. */
const PROPORTION_DECIMALS = 2;
const MIN_NUMERIC_WIDTH = 8;
const MAX_NUMERIC_WIDTH = 40;
const MAX_DECIMALS = 16;
const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
// Keywords cannot be variable names in SPSS syntax, so a short name must not be one either.
const RESERVED = new Set(['ALL', 'AND', 'BY', 'EQ', 'GE', 'GT', 'LE', 'LT', 'NE', 'NOT', 'OR', 'TO', 'WITH']);

/** One variable record of the dictionary: a whole variable, or one piece of a very long string. */
export type SavPiece = { shortName: string; width: number; format: number };

export type SavColumn = {
  variable: ExportVariable;
  shortName: string;
  /** 0 for numeric, else the string width in bytes (1..32,767). */
  width: number;
  /** Its variable records: one, or one per piece of a very long string (the first named `shortName`). */
  pieces: SavPiece[];
  /** 8-byte segments in a case: 1 for numeric, ceil(width / 8) for strings, summed over a very long one's pieces. */
  segments: number;
  /** Packed print/write format: type << 16 | width << 8 | decimals. */
  format: number;
  /** Column width for the variable display record. */
  displayWidth: number;
  /** 1-based position of the variable's first segment in the dictionary (value label records use it). */
  dictionaryIndex: number;
  /** A numeric cell as the file stores it: a date-time's milliseconds become SPSS seconds, codes stay. */
  stored: (cell: number) => number;
};

export function utf8Truncate(text: string, maxBytes: number): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return bytes;
  let cut = maxBytes;
  // Back off continuation bytes (10xxxxxx) so no character is cut in half.
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return bytes.subarray(0, cut);
}

export function packFormat(type: number, width: number, decimals: number): number {
  return (type << 16) | (width << 8) | decimals;
}

export function shortNames(longNames: string[]): string[] {
  const taken = new Set<string>();
  return longNames.map((longName) => {
    const base = longName.toUpperCase().slice(0, 8);
    let candidate = base;
    for (let n = 1; taken.has(candidate) || RESERVED.has(candidate); n++) {
      const suffix = `_${n}`;
      candidate = base.slice(0, 8 - suffix.length) + suffix;
    }
    taken.add(candidate);
    return candidate;
  });
}

type Extent = { rows: number; maxLength: number[] };

/**
 * The pre-pass: counts rows, checks each cell's type, measures the widest cell of each variable, and
 * tells `onCut` of every text longer than SPSS strings hold.
 */
function measure(table: ExportTable, onCut?: (cut: StringCut) => void): Extent {
  const { variables } = table;
  const maxLength: number[] = variables.map((v) => (v.kind === 'string' ? 1 : 0));
  let rows = 0;
  for (const row of table.rows()) {
    rows++;
    if (row.length !== variables.length) {
      throw new Error(`sav: row ${rows} of ${table.name} has ${row.length} cells for ${variables.length} variables`);
    }
    for (let i = 0; i < variables.length; i++) {
      const variable = variables[i] as ExportVariable;
      const cell = row[i] ?? null;
      const length = cellLength(variable, cell, rows);
      if (length > (maxLength[i] ?? 0)) maxLength[i] = length;
      if (length > MAX_STRING_WIDTH && typeof cell === 'string') {
        const keptBytes = utf8Truncate(cell, MAX_STRING_WIDTH).length;
        onCut?.({
          variable: variable.name,
          row: rows,
          cells: row,
          bytes: length,
          keptBytes,
          maxBytes: MAX_STRING_WIDTH,
        });
      }
    }
  }
  if (rows !== table.rowCount) {
    throw new Error(`sav: ${table.name} declares rowCount ${table.rowCount} but its rows yield ${rows}`);
  }
  return { rows, maxLength };
}

/** The decimals a numeric variable is printed with. */
function printDecimals(variable: ExportVariable): number {
  const own = Math.max(0, Math.min(Math.trunc(variable.decimals), MAX_DECIMALS));
  return isZeroOne(variable) ? Math.max(own, PROPORTION_DECIMALS) : own;
}

/** A date-time's milliseconds since 1970 as SPSS's seconds since 1582-10-14; a missing code stays the code. */
function dateTimeStorage(variable: ExportVariable): (cell: number) => number {
  const codes = new Set(variable.missing.map((m) => m.code));
  return (cell) => (codes.has(cell) ? cell : cell / 1000 + SPSS_EPOCH_TO_UNIX_SECONDS);
}

const asIs = (cell: number) => cell;

function cellLength(variable: ExportVariable, cell: Cell, row: number): number {
  if (cell === null) return 0;
  if (variable.kind === 'string') {
    if (typeof cell !== 'string') throw new Error(`sav: ${variable.name} row ${row} holds a non-string cell`);
    return Buffer.byteLength(cell, 'utf8');
  }
  if (typeof cell !== 'number') throw new Error(`sav: ${variable.name} row ${row} holds a non-numeric cell`);
  // A date-time's width is its format's, whatever the milliseconds.
  if (variable.format === 'datetime') return 0;
  return Number.isFinite(cell) ? formattedLength(cell, printDecimals(variable)) : 0;
}

function formattedLength(value: number, decimals: number): number {
  return value.toFixed(Math.min(decimals, MAX_DECIMALS)).length;
}

function numericLayout(variable: ExportVariable, widest: number): { format: number; width: number } {
  if (variable.format === 'datetime') {
    return { format: packFormat(FORMAT_DATETIME, DATETIME_WIDTH, 0), width: DATETIME_WIDTH };
  }
  const decimals = printDecimals(variable);
  const codes = [...variable.valueLabels, ...variable.missing].map((c) => formattedLength(c.code, decimals));
  const needed = Math.max(MIN_NUMERIC_WIDTH, decimals + 2, widest, ...codes);
  const width = Math.min(needed, MAX_NUMERIC_WIDTH);
  return { format: packFormat(FORMAT_F, width, decimals), width };
}

/** The widths of a string's variable records: one up to 255 bytes, else 255 each and the rest in the last. */
function pieceWidths(width: number): number[] {
  if (width <= MAX_PIECE_WIDTH) return [width];
  const count = Math.ceil(width / PIECE_STEP);
  return Array.from({ length: count }, (_, i) => (i < count - 1 ? MAX_PIECE_WIDTH : width - i * PIECE_STEP));
}

/** A short name for a further piece of a very long string: its variable's short name with a counter. */
function pieceName(stem: string, taken: Set<string>): string {
  for (let n = 0; ; n++) {
    const tag = n.toString(36).toUpperCase();
    const candidate = stem.slice(0, 8 - tag.length) + tag;
    if (!taken.has(candidate) && !RESERVED.has(candidate)) {
      taken.add(candidate);
      return candidate;
    }
  }
}

export function layoutColumns(
  table: ExportTable,
  onCut?: (cut: StringCut) => void,
): { columns: SavColumn[]; caseSegments: number } {
  if (table.variables.length === 0) throw new Error(`sav: ${table.name} has no variables; SPSS needs at least one`);
  const seen = new Set<string>();
  for (const { name } of table.variables) {
    if (!NAME_PATTERN.test(name))
      throw new Error(`sav: variable name ${JSON.stringify(name)} is not a valid SPSS name`);
    if (seen.has(name)) throw new Error(`sav: variable name ${name} appears twice in ${table.name}`);
    seen.add(name);
  }
  const { maxLength } = measure(table, onCut);
  const names = shortNames(table.variables.map((v) => v.name));
  const taken = new Set(names);
  let dictionaryIndex = 1;
  const columns = table.variables.map((variable, i): SavColumn => {
    const widest = maxLength[i] ?? 0;
    const shortName = names[i] as string;
    const index = dictionaryIndex;
    if (variable.kind === 'numeric') {
      const { format, width } = numericLayout(variable, widest);
      dictionaryIndex += 1;
      const pieces = [{ shortName, width: 0, format }];
      return {
        variable,
        shortName,
        width: 0,
        pieces,
        segments: 1,
        format,
        displayWidth: width,
        dictionaryIndex: index,
        stored: variable.format === 'datetime' ? dateTimeStorage(variable) : asIs,
      };
    }
    const width = Math.min(Math.max(widest, 1), MAX_STRING_WIDTH);
    const pieces = pieceWidths(width).map((w, p) => ({
      shortName: p === 0 ? shortName : pieceName(shortName, taken),
      width: w,
      format: packFormat(FORMAT_A, w, 0),
    }));
    const segments = pieces.reduce((sum, piece) => sum + Math.ceil(piece.width / 8), 0);
    dictionaryIndex += segments;
    const format = packFormat(FORMAT_A, Math.min(width, MAX_PIECE_WIDTH), 0);
    const displayWidth = Math.min(width, MAX_PIECE_WIDTH);
    return {
      variable,
      shortName,
      width,
      pieces,
      segments,
      format,
      displayWidth,
      dictionaryIndex: index,
      stored: asIs,
    };
  });
  return { columns, caseSegments: dictionaryIndex - 1 };
}
