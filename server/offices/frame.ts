import { z } from 'zod';
import { type CsvRecord, parseCsv } from '../platform/csv.js';
import { STATE_CODES } from './states.js';

/**
 * The sampling frame: one CSV row per prosecutor's office. Import is all-or-nothing, so parseFrame
 * never stops at the first problem; it reports every one with the line (and column) a person can
 * find in the file, and returns offices only when there is nothing to report.
 */

export const MAX_FRAME_ROWS = 100_000;

export const REQUIRED_COLUMNS = [
  'office_id',
  'office_name',
  'state',
  'jurisdiction',
  'population',
  'stratum',
  'contact_name',
  'contact_email',
] as const;

export const OPTIONAL_COLUMNS = ['contact_title', 'address_line1', 'address_line2', 'city', 'zip', 'phone'] as const;

export type FrameColumn = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];

const KNOWN_COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];
const isFrameColumn = (name: string): name is FrameColumn => KNOWN_COLUMNS.includes(name);

/** Long cell values are cut so that one bad cell cannot flood the problem list. */
function shown(value: unknown): string {
  const text = String(value);
  return `"${text.length > 60 ? `${text.slice(0, 57)}...` : text}"`;
}

// Deliverability is settled by the SMTP result; this only catches typos and pasted junk.
const PLAUSIBLE_EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

const required = () => z.string().min(1, { error: 'a value is required', abort: true });
const optional = () => z.string().optional();

export const FrameOfficeSchema = z.object({
  office_id: required(),
  office_name: required(),
  state: required()
    .transform((value) => value.toUpperCase())
    .pipe(
      z.enum(STATE_CODES, {
        error: (issue) => `${shown(issue.input)} is not the postal code of a U.S. state or DC`,
      }),
    ),
  jurisdiction: required(),
  population: required()
    .regex(/^\d+$/, {
      error: (issue) =>
        `${shown(issue.input)} is not a whole number (digits only: no commas, signs, decimals or exponents)`,
      abort: true,
    })
    .transform(Number)
    .pipe(z.number().max(Number.MAX_SAFE_INTEGER, { error: 'the population is too large' })),
  stratum: required(),
  contact_name: required(),
  contact_email: required()
    .regex(PLAUSIBLE_EMAIL, {
      error: (issue) => `${shown(issue.input)} is not a valid email address`,
    })
    .transform((value) => value.toLowerCase()),
  contact_title: optional(),
  address_line1: optional(),
  address_line2: optional(),
  city: optional(),
  zip: optional(),
  phone: optional(),
  /** Extra columns, by their header name as written, usable as merge fields. */
  attributes: z.record(z.string(), z.string()),
});

export type FrameOffice = z.infer<typeof FrameOfficeSchema>;
export type FrameProblem = { line: number; column?: number; field?: string; message: string };
export type FrameResult = { ok: true; offices: FrameOffice[] } | { ok: false; problems: FrameProblem[] };

/** The spec's default strata, by population served, largest first. */
export const DEFAULT_STRATA = ['1,000,000+', '250,000–999,999', '100,000–249,999', 'under 100,000'] as const;

export function defaultStratum(population: number): (typeof DEFAULT_STRATA)[number] {
  if (population >= 1_000_000) return '1,000,000+';
  if (population >= 250_000) return '250,000–999,999';
  if (population >= 100_000) return '100,000–249,999';
  return 'under 100,000';
}

/** `offices.csv:14:8 (contact_email): "jane@" is not a valid email address` */
export function formatFrameProblem(fileName: string, problem: FrameProblem): string {
  const column = problem.column === undefined ? '' : `:${problem.column}`;
  const field = problem.field === undefined ? '' : ` (${problem.field})`;
  return `${fileName}:${problem.line}${column}${field}: ${problem.message}`;
}

export function parseFrame(bytes: Buffer | Uint8Array): FrameResult {
  const { text, problems } = decodeUtf8(bytes);
  const csv = parseCsv(text);
  const [headerRecord, ...rows] = csv.records;
  if (headerRecord === undefined || text.trim() === '') {
    return { ok: false, problems: [...problems, { line: 1, message: 'the file is empty' }] };
  }
  const firstRowOverCap = rows[MAX_FRAME_ROWS];
  if (firstRowOverCap !== undefined) {
    const count = (n: number) => n.toLocaleString('en-US');
    const message = `the file has ${count(rows.length)} rows; a frame may have at most ${count(MAX_FRAME_ROWS)} offices`;
    return { ok: false, problems: [{ line: firstRowOverCap.line, message }] };
  }

  problems.push(...csv.problems);
  const header = readHeader(headerRecord, problems);
  const malformed = recordsWithSyntaxProblems(csv.records, csv.problems);
  const offices: FrameOffice[] = [];
  const firstLineOfId = new Map<string, number>();

  for (const row of rows) {
    if (malformed.has(row) || row.fields.every((field) => field.trim() === '')) continue;
    if (row.fields.length !== header.width) {
      problems.push({
        line: row.line,
        message: `the row has ${row.fields.length} fields but the header has ${header.width}`,
      });
      continue;
    }
    const office = validateRow(row, header, problems);
    reportDuplicateId(row, header, firstLineOfId, problems);
    if (office !== undefined) offices.push(office);
  }

  if (problems.length === 0 && offices.length === 0) {
    problems.push({ line: headerRecord.line, message: 'the file has a header but no offices' });
  }
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
    return { ok: false, problems };
  }
  return { ok: true, offices };
}

type HeaderLayout = {
  width: number;
  /** 0-based position of each known column that the header has. */
  positions: Partial<Record<FrameColumn, number>>;
  extras: { name: string; position: number }[];
  unnamed: number[];
};

function readHeader(record: CsvRecord, problems: FrameProblem[]): HeaderLayout {
  const layout: HeaderLayout = {
    width: record.fields.length,
    positions: {},
    extras: [],
    unnamed: [],
  };
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
    if (isFrameColumn(key)) layout.positions[key] = position;
    else layout.extras.push({ name, position });
  });

  for (const column of REQUIRED_COLUMNS) {
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

function reportDuplicateId(
  row: CsvRecord,
  header: HeaderLayout,
  firstLineOfId: Map<string, number>,
  problems: FrameProblem[],
): void {
  const position = header.positions.office_id;
  const id = position === undefined ? '' : valueAt(row, position);
  if (position === undefined || id === '') return;
  const firstLine = firstLineOfId.get(id);
  if (firstLine === undefined) {
    firstLineOfId.set(id, row.line);
    return;
  }
  problems.push({
    line: row.line,
    column: position + 1,
    field: 'office_id',
    message: `office_id ${shown(id)} is already used on line ${firstLine}`,
  });
}

function valueAt(row: CsvRecord, position: number): string {
  return (row.fields[position] ?? '').trim();
}

function validateRow(row: CsvRecord, header: HeaderLayout, problems: FrameProblem[]): FrameOffice | undefined {
  const candidate: Record<string, unknown> = {};
  for (const column of REQUIRED_COLUMNS) {
    const position = header.positions[column];
    candidate[column] = position === undefined ? '' : valueAt(row, position);
  }
  for (const column of OPTIONAL_COLUMNS) {
    const position = header.positions[column];
    const value = position === undefined ? '' : valueAt(row, position);
    candidate[column] = value === '' ? undefined : value;
  }
  const attributes: Record<string, string> = {};
  for (const { name, position } of header.extras) attributes[name] = valueAt(row, position);
  candidate.attributes = attributes;

  let valid = true;
  for (const position of header.unnamed) {
    const value = valueAt(row, position);
    if (value !== '') {
      valid = false;
      problems.push({
        line: row.line,
        column: position + 1,
        message: `the value ${shown(value)} is in a column that has no name in the header`,
      });
    }
  }

  const result = FrameOfficeSchema.safeParse(candidate);
  if (result.success) return valid ? result.data : undefined;

  const reported = new Set<string>();
  for (const issue of result.error.issues) {
    const field = String(issue.path[0]);
    if (!isFrameColumn(field) || reported.has(field)) continue;
    const position = header.positions[field];
    // A column missing from the header is reported once, at the header.
    if (position === undefined) continue;
    reported.add(field);
    problems.push({ line: row.line, column: position + 1, field, message: issue.message });
  }
  return undefined;
}

/** A problem in a quoted field can swallow the following lines; checking its fields would only add noise. */
function recordsWithSyntaxProblems(records: CsvRecord[], syntaxProblems: { line: number }[]): Set<CsvRecord> {
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

function decodeUtf8(bytes: Uint8Array): { text: string; problems: FrameProblem[] } {
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
