import { type CsvRecord, parseCsv } from '../platform/csv.js';
import { type FrameContact, FrameOfficeSchema } from './frame.js';
import {
  byLineAndColumn,
  checkedRows,
  decodeUtf8,
  type FrameProblem,
  type Header,
  readHeaderOf,
  recordsWithSyntaxProblems,
  reportCellIssues,
  reportUnnamedValues,
  shown,
  valueAt,
} from './importFile.js';

/**
 * A contacts file: contacts that come after the frame, one CSV row per contact of an office already
 * in a fielding. Read like the frame (same checks of a cell, same line-numbered problems), so a file
 * whose rows are frame rows without the office columns is checked the same way.
 */

export const CONTACT_FILE_REQUIRED = ['office_id', 'contact_name', 'contact_email'] as const;
export const CONTACT_FILE_OPTIONAL = ['contact_title'] as const;

type ContactFileColumn = (typeof CONTACT_FILE_REQUIRED)[number] | (typeof CONTACT_FILE_OPTIONAL)[number];

const KNOWN: readonly string[] = [...CONTACT_FILE_REQUIRED, ...CONTACT_FILE_OPTIONAL];
const isContactFileColumn = (name: string): name is ContactFileColumn => KNOWN.includes(name);

// The frame's own rules for these cells: a required value, a plausible email stored in lower case.
const ContactRowSchema = FrameOfficeSchema.pick({
  office_id: true,
  contact_name: true,
  contact_email: true,
  contact_title: true,
});

export type ContactLine = { line: number; officeId: string; contact: FrameContact };

/**
 * The rows that passed the file's own checks, and every problem found; the caller adds what only
 * the database knows (the office is in the fielding, the email is new) and imports only when there
 * is no problem at all. Columns are 1-based, as problems give them.
 */
export type ContactsFile = {
  contacts: ContactLine[];
  problems: FrameProblem[];
  columns: { office_id: number; contact_email: number };
};

export function parseContactsFile(bytes: Uint8Array): ContactsFile {
  const { text, problems } = decodeUtf8(bytes);
  const csv = parseCsv(text);
  const [headerRecord, ...rows] = csv.records;
  const noColumns = { office_id: 0, contact_email: 0 };
  if (headerRecord === undefined || text.trim() === '') {
    return { contacts: [], problems: [...problems, { line: 1, message: 'the file is empty' }], columns: noColumns };
  }
  problems.push(...csv.problems);
  const header = readHeaderOf(
    headerRecord,
    { required: CONTACT_FILE_REQUIRED, isKnown: isContactFileColumn },
    problems,
  );
  for (const { name, position } of header.extras) {
    problems.push({
      line: headerRecord.line,
      column: position + 1,
      field: name,
      message: `the column ${shown(name)} is not a contact column (a contacts file has ${KNOWN.join(', ')})`,
    });
  }
  const malformed = recordsWithSyntaxProblems(csv.records, csv.problems);
  const contacts: ContactLine[] = [];
  const lineOfContact = new Map<string, number>();
  for (const row of checkedRows(rows, malformed, header.width, problems)) {
    const contact = validateContactRow(row, header, problems);
    if (contact === undefined || !isFirstOfOffice(contact, lineOfContact, header, problems)) continue;
    contacts.push(contact);
  }
  if (problems.length === 0 && contacts.length === 0) {
    problems.push({ line: headerRecord.line, message: 'the file has a header but no contacts' });
  }
  problems.sort(byLineAndColumn);
  const column = (name: ContactFileColumn) => (header.positions[name] ?? -1) + 1;
  return { contacts, problems, columns: { office_id: column('office_id'), contact_email: column('contact_email') } };
}

function validateContactRow(
  row: CsvRecord,
  header: Header<ContactFileColumn>,
  problems: FrameProblem[],
): ContactLine | undefined {
  const cell = (name: ContactFileColumn) => {
    const position = header.positions[name];
    return position === undefined ? '' : valueAt(row, position);
  };
  const valid = reportUnnamedValues(row, header.unnamed, problems);
  const result = ContactRowSchema.safeParse({
    office_id: cell('office_id'),
    contact_name: cell('contact_name'),
    contact_email: cell('contact_email'),
    contact_title: cell('contact_title') || undefined,
  });
  if (!result.success) {
    reportCellIssues(row, result.error.issues, header, isContactFileColumn, problems);
    return undefined;
  }
  if (!valid) return undefined;
  const { office_id, contact_name, contact_email, contact_title } = result.data;
  return {
    line: row.line,
    officeId: office_id,
    contact: { name: contact_name, email: contact_email, title: contact_title },
  };
}

/** As in the frame: one person is one contact of an office, so the same email twice is a mistake. */
function isFirstOfOffice(
  contact: ContactLine,
  lineOfContact: Map<string, number>,
  header: Header<ContactFileColumn>,
  problems: FrameProblem[],
): boolean {
  // JSON keeps office id and email apart whatever characters they hold.
  const key = JSON.stringify([contact.officeId, contact.contact.email]);
  const line = lineOfContact.get(key);
  if (line === undefined) {
    lineOfContact.set(key, contact.line);
    return true;
  }
  problems.push({
    line: contact.line,
    column: (header.positions.contact_email ?? 0) + 1,
    field: 'contact_email',
    message: `the contact ${shown(contact.contact.email)} is already on line ${line} for office ${shown(contact.officeId)}`,
  });
  return false;
}
