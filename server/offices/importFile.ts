import type { CsvRecord } from '../platform/csv.js';

/**
 * What the line-numbered, all-or-nothing CSV imports (the frame, later contacts) share: strict
 * UTF-8 decoding that still reports where the bad bytes are, the records a syntax problem spoils,
 * and one way to write a problem, so a person finds every one in the file the same way.
 */

export type FrameProblem = { line: number; column?: number; field?: string; message: string };

/** `offices.csv:14:8 (contact_email): "jane@" is not a valid email address` */
export function formatFrameProblem(fileName: string, problem: FrameProblem): string {
  const column = problem.column === undefined ? '' : `:${problem.column}`;
  const field = problem.field === undefined ? '' : ` (${problem.field})`;
  return `${fileName}:${problem.line}${column}${field}: ${problem.message}`;
}

/** Long cell values are cut so that one bad cell cannot flood the problem list. */
export function shown(value: unknown): string {
  const text = String(value);
  return `"${text.length > 60 ? `${text.slice(0, 57)}...` : text}"`;
}

// Deliverability is settled by the SMTP result; this only catches typos and pasted junk.
export const PLAUSIBLE_EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function valueAt(row: CsvRecord, position: number): string {
  return (row.fields[position] ?? '').trim();
}

export const byLineAndColumn = (a: FrameProblem, b: FrameProblem) =>
  a.line - b.line || (a.column ?? 0) - (b.column ?? 0);

/** Where a file's columns are, read from its header row. */
export type Header<C extends string> = {
  width: number;
  /** 0-based position of each known column that the header has. */
  positions: Partial<Record<C, number>>;
  /** Columns the format does not know, by their name as written. */
  extras: { name: string; position: number }[];
  unnamed: number[];
};

/**
 * Header names match after trimming and ignoring case, in any order. A repeated name and a missing
 * required column are problems of the header line, so they are reported once rather than on every row.
 */
export function readHeaderOf<C extends string>(
  record: CsvRecord,
  columns: { required: readonly C[]; isKnown: (name: string) => name is C },
  problems: FrameProblem[],
): Header<C> {
  const layout: Header<C> = { width: record.fields.length, positions: {}, extras: [], unnamed: [] };
  const firstPositionOf = new Map<string, number>();

  record.fields.forEach((raw, position) => {
    const name = raw.trim();
    const key = name.toLowerCase();
    if (name === '') {
      layout.unnamed.push(position);
      return;
    }
    const earlier = firstPositionOf.get(key);
    if (earlier !== undefined) {
      problems.push({
        line: record.line,
        column: position + 1,
        field: name,
        message: `the column ${shown(name)} appears more than once (first in column ${earlier + 1})`,
      });
      return;
    }
    firstPositionOf.set(key, position);
    if (columns.isKnown(key)) layout.positions[key] = position;
    else layout.extras.push({ name, position });
  });

  for (const column of columns.required) {
    if (layout.positions[column] === undefined) {
      problems.push({
        line: record.line,
        field: column,
        message: `the required column ${shown(column)} is missing from the header`,
      });
    }
  }
  return layout;
}

/** A value under a header cell with no name cannot be stored anywhere; each one is a problem. False if any. */
export function reportUnnamedValues(row: CsvRecord, unnamed: readonly number[], problems: FrameProblem[]): boolean {
  let none = true;
  for (const position of unnamed) {
    const value = valueAt(row, position);
    if (value === '') continue;
    none = false;
    problems.push({
      line: row.line,
      column: position + 1,
      message: `the value ${shown(value)} is in a column that has no name in the header`,
    });
  }
  return none;
}

/** A row's failed schema checks as problems at their cells, the first per column. */
export function reportCellIssues<C extends string>(
  row: CsvRecord,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  header: Header<C>,
  isKnown: (name: string) => name is C,
  problems: FrameProblem[],
): void {
  const reported = new Set<string>();
  for (const issue of issues) {
    const field = String(issue.path[0]);
    const position = isKnown(field) ? header.positions[field] : undefined;
    // A column missing from the header is reported once, at the header.
    if (position === undefined || reported.has(field)) continue;
    reported.add(field);
    problems.push({ line: row.line, column: position + 1, field, message: issue.message });
  }
}

/** A problem in a quoted field can swallow the following lines; checking its fields would only add noise. */
export function recordsWithSyntaxProblems(records: CsvRecord[], syntaxProblems: { line: number }[]): Set<CsvRecord> {
  const malformed = new Set<CsvRecord>();
  for (const problem of syntaxProblems) {
    // The owner is the last record starting on or before the problem's line.
    let low = 0;
    let high = records.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((records[middle]?.line ?? Number.POSITIVE_INFINITY) <= problem.line) low = middle + 1;
      else high = middle;
    }
    const owner = records[low - 1];
    if (owner !== undefined) malformed.add(owner);
  }
  return malformed;
}

/**
 * The data rows worth checking: not swallowed by a quoting problem, not blank, and as wide as the
 * header (a row of another width is reported here, naming its line).
 */
export function* checkedRows(
  rows: readonly CsvRecord[],
  malformed: ReadonlySet<CsvRecord>,
  width: number,
  problems: FrameProblem[],
): Generator<CsvRecord> {
  for (const row of rows) {
    if (malformed.has(row) || row.fields.every((field) => field.trim() === '')) continue;
    if (row.fields.length !== width) {
      problems.push({ line: row.line, message: `the row has ${row.fields.length} fields but the header has ${width}` });
      continue;
    }
    yield row;
  }
}

export function decodeUtf8(bytes: Uint8Array): { text: string; problems: FrameProblem[] } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), problems: [] };
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    // Keep going with replacement characters so the file's other problems are reported too.
    return { text: new TextDecoder('utf-8').decode(bytes), problems: findInvalidUtf8(bytes) };
  }
}

const LF = 0x0a;
const CR = 0x0d;

/** Line breaks are single bytes in UTF-8 and never occur inside a multi-byte sequence. */
function findInvalidUtf8(bytes: Uint8Array): FrameProblem[] {
  const problems: FrameProblem[] = [];
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    const byte = bytes[i];
    if (i < bytes.length && byte !== LF && byte !== CR) continue;
    const column = firstInvalidColumn(bytes.subarray(start, i));
    if (column !== undefined) {
      problems.push({
        line,
        column,
        message: 'the line has bytes that are not valid UTF-8 (save the file as "CSV UTF-8", not as a legacy encoding)',
      });
    }
    if (byte === CR && bytes[i + 1] === LF) i++;
    line++;
    start = i + 1;
  }
  return problems;
}

function firstInvalidColumn(lineBytes: Uint8Array): number | undefined {
  if (isValidUtf8(lineBytes, false)) return undefined;
  // Streaming decodes tolerate a sequence cut off at the end, so a prefix fails only when it holds
  // a bad byte; the shortest failing prefix ends at the first bad byte.
  let low = 0;
  let high = lineBytes.length;
  if (isValidUtf8(lineBytes, true)) {
    low = high;
  } else {
    while (low < high) {
      const middle = (low + high) >> 1;
      if (isValidUtf8(lineBytes.subarray(0, middle + 1), true)) low = middle + 1;
      else high = middle;
    }
  }
  const goodPrefix = new TextDecoder('utf-8').decode(lineBytes.subarray(0, low), { stream: true });
  return goodPrefix.length + 1;
}

function isValidUtf8(bytes: Uint8Array, stream: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream });
    return true;
  } catch {
    return false;
  }
}
