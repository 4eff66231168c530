import { findFieldingOrFail } from '../fieldings/service.js';
import type { ContactLine, ContactsFile } from '../offices/contactsFile.js';
import { byLineAndColumn, type FrameProblem, shown } from '../offices/importFile.js';
import type { CaseContext } from './service.js';
import { recordContactAdded } from './undeliverable.js';

/**
 * Contacts that come after the frame (a deputy named later, a second address), added to the offices
 * of one fielding from a contacts file. All or nothing, like the frame: one bad row and nothing is
 * added. Each new contact is logged in its office's cases as a staff-added one is, so the next
 * invitation run reaches it and a 3.30 no longer holds.
 */

export type ContactsImportResult =
  | { ok: true; contacts: number; offices: number }
  | { ok: false; problems: FrameProblem[] };

/** A row and the database id of its office. */
type Placed = ContactLine & { officeRowId: number };

export function importContacts(
  ctx: CaseContext,
  input: { fielding: string; file: string; parsed: ContactsFile; actor: string },
): ContactsImportResult {
  const fielding = findFieldingOrFail(ctx.repos, input.fielding);
  const problems = [...input.parsed.problems];
  const placed = placeContacts(ctx, fielding.name, input.parsed, problems);
  if (problems.length > 0) return { ok: false, problems: problems.sort(byLineAndColumn) };

  const at = ctx.clock().toISOString();
  const offices = new Set(placed.map((p) => p.officeRowId));
  ctx.repos.db.transaction(() => {
    for (const { officeRowId, contact } of placed) {
      const contactId = ctx.repos.offices.insertContact(officeRowId, contact, at);
      recordContactAdded(ctx.repos, { officeId: officeRowId, contactId, at });
    }
    ctx.repos.audit.recordAudit({
      at,
      actor: input.actor,
      action: 'contacts.import',
      fielding: fielding.name,
      detail: { file: input.file, contacts: placed.length, offices: offices.size },
    });
  })();
  return { ok: true, contacts: placed.length, offices: offices.size };
}

/** The database's checks of each row: its office is in the fielding, and its email is new there. */
function placeContacts(ctx: CaseContext, fielding: string, parsed: ContactsFile, problems: FrameProblem[]): Placed[] {
  const placed: Placed[] = [];
  for (const line of parsed.contacts) {
    const found = ctx.repos.cases.findCaseByNames(fielding, line.officeId);
    if (!found) {
      problems.push({
        line: line.line,
        column: parsed.columns.office_id,
        field: 'office_id',
        message: `office_id ${shown(line.officeId)} is not in fielding ${shown(fielding)}`,
      });
      continue;
    }
    if (ctx.repos.offices.findContactByEmail(found.office_id, line.contact.email)) {
      problems.push({
        line: line.line,
        column: parsed.columns.contact_email,
        field: 'contact_email',
        message: `${shown(line.contact.email)} is already a contact of office ${shown(line.officeId)}`,
      });
      continue;
    }
    placed.push({ ...line, officeRowId: found.office_id });
  }
  return placed;
}
