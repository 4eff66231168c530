import type { CaseRow } from '../cases/repo.js';
import type { ContactRow } from '../offices/repo.js';
import { isUniqueViolation } from '../platform/db.js';
import { AppError, conflict } from '../platform/errors.js';
import { auditCase, type CaseContext, findCaseOrFail } from './service.js';
import { recordContactAdded, recordUndeliverable } from './undeliverable.js';

/** Contacts of a case's office, changed by staff from the case page; each change is audited. */

const emailTaken = (email: string) =>
  conflict('contact_exists', `This office already has a contact with the email ${email}.`);

function contactOfCase(ctx: CaseContext, caseId: number, contactId: number): { found: CaseRow; contact: ContactRow } {
  const found = findCaseOrFail(ctx.repos, caseId);
  const contact = ctx.repos.offices.findContact(contactId);
  if (!contact || contact.office_id !== found.office_id) {
    throw new AppError(404, 'contact_not_found', `Case ${found.id} has no contact ${contactId}.`);
  }
  return { found, contact };
}

export function addContact(
  ctx: CaseContext,
  input: { caseId: number; name: string; email: string; title?: string | undefined; actor: string },
): ContactRow {
  const found = findCaseOrFail(ctx.repos, input.caseId);
  const at = ctx.clock().toISOString();
  try {
    return ctx.repos.db.transaction(() => {
      const id = ctx.repos.offices.insertContact(found.office_id, input, at);
      recordContactAdded(ctx.repos, { officeId: found.office_id, contactId: id, at });
      auditCase(ctx, found, input.actor, 'contact.add', { contactId: id, email: input.email });
      return ctx.repos.offices.findContact(id) as ContactRow;
    })();
  } catch (err) {
    if (isUniqueViolation(err)) throw emailTaken(input.email);
    throw err;
  }
}

/** A corrected name, email or title; the contact's links keep working (they belong to the case). */
export function editContact(
  ctx: CaseContext,
  input: {
    caseId: number;
    contactId: number;
    name?: string | undefined;
    email?: string | undefined;
    title?: string | null | undefined;
    actor: string;
  },
): ContactRow {
  const { found, contact } = contactOfCase(ctx, input.caseId, input.contactId);
  const next = {
    name: input.name ?? contact.name,
    email: input.email ?? contact.email,
    title: input.title === undefined ? contact.title : input.title,
  };
  const at = ctx.clock().toISOString();
  try {
    return ctx.repos.db.transaction(() => {
      ctx.repos.offices.editContact(contact.id, next, at);
      const changed = Object.fromEntries(
        (['name', 'email', 'title'] as const)
          .filter((k) => next[k] !== contact[k])
          .map((k) => [k, { from: contact[k], to: next[k] }]),
      );
      auditCase(ctx, found, input.actor, 'contact.edit', { contactId: contact.id, changed });
      return ctx.repos.offices.findContact(contact.id) as ContactRow;
    })();
  } catch (err) {
    if (isUniqueViolation(err)) throw emailTaken(next.email);
    throw err;
  }
}

/** An address that bounced or was reported wrong: no more mail goes to it (fieldwork.md). */
export function markContactUndeliverable(
  ctx: CaseContext,
  input: { caseId: number; contactId: number; reason?: string | undefined; actor: string },
): ContactRow {
  const { found, contact } = contactOfCase(ctx, input.caseId, input.contactId);
  const at = ctx.clock().toISOString();
  return ctx.repos.db.transaction(() => {
    recordUndeliverable(ctx.repos, {
      contactId: contact.id,
      at,
      reason: input.reason || 'marked by staff',
      source: { kind: 'staff' },
    });
    auditCase(ctx, found, input.actor, 'contact.undeliverable', {
      contactId: contact.id,
      ...(input.reason ? { reason: input.reason } : {}),
    });
    return ctx.repos.offices.findContact(contact.id) as ContactRow;
  })();
}
