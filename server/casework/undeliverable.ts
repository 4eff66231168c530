import type { CaseRepo } from '../cases/repo.js';
import type { OfficeRepo } from '../offices/repo.js';

/** The repositories this module uses. */
type Repos = { cases: CaseRepo; offices: OfficeRepo };

/** Where we learnt that an address is bad. */
export type UndeliverableSource =
  | { kind: 'smtp'; sendId: number; status: string }
  | { kind: 'dsn'; status: string; sendId?: number | undefined }
  | { kind: 'staff' };

/**
 * Marks a contact undeliverable and says so in the log of every case of its office (a contact
 * belongs to the office, in every fielding). When it was the office's last deliverable contact,
 * each case also gets `undeliverable`, which makes it 3.30 unless the office answered or refused.
 * Call inside the caller's transaction. Returns false when the contact was already undeliverable.
 */
export function recordUndeliverable(
  repos: Repos,
  input: { contactId: number; at: string; reason: string; source: UndeliverableSource },
): boolean {
  const contact = repos.offices.findContact(input.contactId);
  if (!contact || contact.status === 'undeliverable') return false;
  repos.offices.setContactStatus(contact.id, 'undeliverable', input.at);
  const bounce = input.source.kind === 'staff' ? undefined : input.source;
  const everyAddressBad = repos.offices.contactsOf(contact.office_id).every((c) => c.status === 'undeliverable');
  for (const caseId of repos.cases.caseIdsOfOffice(contact.office_id)) {
    if (bounce) {
      repos.cases.appendEvent(caseId, 'email_bounced', input.at, null, {
        contact_id: contact.id,
        source: bounce.kind,
        status: bounce.status,
        ...(bounce.sendId === undefined ? {} : { send_id: bounce.sendId }),
      });
    }
    repos.cases.appendEvent(caseId, 'contact_undeliverable', input.at, null, {
      contact_id: contact.id,
      reason: input.reason,
    });
    if (everyAddressBad) repos.cases.appendEvent(caseId, 'undeliverable', input.at);
  }
  return true;
}

/** A new or repaired address: a 3.30 no longer holds for the office's cases. Inside a transaction. */
export function recordContactAdded(repos: Repos, input: { officeId: number; contactId: number; at: string }) {
  for (const caseId of repos.cases.caseIdsOfOffice(input.officeId)) {
    repos.cases.appendEvent(caseId, 'contact_added', input.at, null, { contact_id: input.contactId });
  }
}
