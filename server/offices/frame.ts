import { z } from 'zod';
import { type CsvRecord, parseCsv } from '../platform/csv.js';
import {
  byLineAndColumn,
  checkedRows,
  decodeUtf8,
  type FrameProblem,
  type Header,
  PLAUSIBLE_EMAIL,
  readHeaderOf,
  recordsWithSyntaxProblems,
  reportCellIssues,
  reportUnnamedValues,
  shown,
  valueAt,
} from './importFile.js';
import { STATE_CODES } from './states.js';

export { type FrameProblem, formatFrameProblem } from './importFile.js';

/**
 * The sampling frame: one CSV row per prosecutor's office and contact. An office with several
 * contacts repeats its row, office columns unchanged, once per further contact. Import is
 * all-or-nothing, so parseFrame never stops at the first problem; it reports every one with the line
 * (and column) a person can find in the file, and returns offices only when there is nothing to report.
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

/** The columns that describe one contact; every other column describes the office, on each of its rows alike. */
export const CONTACT_COLUMNS: readonly FrameColumn[] = ['contact_name', 'contact_email', 'contact_title'];

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

/** One validated row: an office and one of its contacts. */
export type FrameRow = z.infer<typeof FrameOfficeSchema>;
export type FrameContact = { name: string; email: string; title?: string | undefined };
/**
 * An office as the frame gives it: its first row (whose contact_* columns are the primary contact)
 * and every contact of its rows, in file order, the primary first.
 */
export type FrameOffice = FrameRow & { contacts: FrameContact[] };
export type FrameResult = { ok: true; offices: FrameOffice[] } | { ok: false; problems: FrameProblem[] };

/** The spec's default strata, by population served, largest first. */
export const DEFAULT_STRATA = ['1,000,000+', '250,000–999,999', '100,000–249,999', 'under 100,000'] as const;

export function defaultStratum(population: number): (typeof DEFAULT_STRATA)[number] {
  if (population >= 1_000_000) return '1,000,000+';
  if (population >= 250_000) return '250,000–999,999';
  if (population >= 100_000) return '100,000–249,999';
  return 'under 100,000';
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
  const rowsOfId = new Map<string, OfficeRows>();

  for (const row of checkedRows(rows, malformed, header.width, problems)) {
    const parsed = validateRow(row, header, problems);
    const id = header.positions.office_id === undefined ? '' : valueAt(row, header.positions.office_id);
    const earlier = rowsOfId.get(id);
    if (id === '' || earlier === undefined) {
      const office = parsed && { ...parsed, contacts: [contactOf(parsed)] };
      const rowsOfOffice: OfficeRows = { first: row, office, emailLines: new Map() };
      noteEmail(row, header, rowsOfOffice);
      if (id !== '') rowsOfId.set(id, rowsOfOffice);
      if (office !== undefined) offices.push(office);
      continue;
    }
    const agrees = reportDisagreements(row, header, id, earlier.first, problems);
    const newEmail = reportRepeatedEmail(row, header, id, earlier, problems);
    if (parsed !== undefined && agrees && newEmail) earlier.office?.contacts.push(contactOf(parsed));
  }

  if (problems.length === 0 && offices.length === 0) {
    problems.push({ line: headerRecord.line, message: 'the file has a header but no offices' });
  }
  if (problems.length > 0) {
    problems.sort(byLineAndColumn);
    return { ok: false, problems };
  }
  return { ok: true, offices };
}

type HeaderLayout = Header<FrameColumn>;

const readHeader = (record: CsvRecord, problems: FrameProblem[]): HeaderLayout =>
  readHeaderOf(record, { required: REQUIRED_COLUMNS, isKnown: isFrameColumn }, problems);

/** The rows of one office id seen so far: the first, which later rows must agree with, and their contacts. */
type OfficeRows = {
  first: CsvRecord;
  /** Undefined when the first row has problems (the file is refused then anyway). */
  office: FrameOffice | undefined;
  /** Each contact email (lower case) of the office, with the line it is on. */
  emailLines: Map<string, number>;
};

const contactOf = (row: FrameRow): FrameContact => ({
  name: row.contact_name,
  email: row.contact_email,
  title: row.contact_title,
});

/** The positions of the columns that describe the office, with the name a problem gives each. */
function officeColumns(header: HeaderLayout): { field: string; position: number }[] {
  const known = Object.entries(header.positions)
    .filter(([field]) => isFrameColumn(field) && !CONTACT_COLUMNS.includes(field))
    .map(([field, position]) => ({ field, position: position as number }));
  // An extra column is stored with the office (a merge field), so it must agree as well.
  return [...known, ...header.extras.map(({ name, position }) => ({ field: name, position }))];
}

// A state code is matched ignoring case when it is read, so "pa" on one row agrees with "PA" on another.
const comparable = (field: string, value: string) => (field === 'state' ? value.toUpperCase() : value);

/**
 * A repeated office id adds a contact only when the office is described the same way; otherwise
 * one of the two rows is wrong and nobody can tell which, so both lines are named. False on any difference.
 */
function reportDisagreements(
  row: CsvRecord,
  header: HeaderLayout,
  id: string,
  first: CsvRecord,
  problems: FrameProblem[],
): boolean {
  let agrees = true;
  for (const { field, position } of officeColumns(header)) {
    if (comparable(field, valueAt(row, position)) === comparable(field, valueAt(first, position))) continue;
    agrees = false;
    // A value already reported as invalid needs no second problem on the same cell.
    if (hasProblemAt(problems, row.line, position + 1)) continue;
    problems.push({
      line: row.line,
      column: position + 1,
      field,
      message: `differs from line ${first.line} for office ${shown(id)}`,
    });
  }
  return agrees;
}

/** The row's own problems were reported last, so only the end of the list is searched. */
function hasProblemAt(problems: FrameProblem[], line: number, column: number): boolean {
  for (let i = problems.length - 1; i >= 0 && problems[i]?.line === line; i--) {
    if (problems[i]?.column === column) return true;
  }
  return false;
}

function emailKey(row: CsvRecord, header: HeaderLayout): string {
  const position = header.positions.contact_email;
  return position === undefined ? '' : valueAt(row, position).toLowerCase();
}

function noteEmail(row: CsvRecord, header: HeaderLayout, rows: OfficeRows): void {
  const email = emailKey(row, header);
  if (email !== '' && !rows.emailLines.has(email)) rows.emailLines.set(email, row.line);
}

/** One person is one contact of an office: a second row would mean a second invitation to the same inbox. */
function reportRepeatedEmail(
  row: CsvRecord,
  header: HeaderLayout,
  id: string,
  rows: OfficeRows,
  problems: FrameProblem[],
): boolean {
  const email = emailKey(row, header);
  const line = rows.emailLines.get(email);
  if (email === '' || line === undefined) {
    noteEmail(row, header, rows);
    return true;
  }
  problems.push({
    line: row.line,
    column: (header.positions.contact_email as number) + 1,
    field: 'contact_email',
    message: `the contact ${shown(email)} is already on line ${line} for office ${shown(id)}`,
  });
  return false;
}

function validateRow(row: CsvRecord, header: HeaderLayout, problems: FrameProblem[]): FrameRow | undefined {
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

  const valid = reportUnnamedValues(row, header.unnamed, problems);
  const result = FrameOfficeSchema.safeParse(candidate);
  if (result.success) return valid ? result.data : undefined;
  reportCellIssues(row, result.error.issues, header, isFrameColumn, problems);
  return undefined;
}
