import type { AuditRepo } from '../audit/repo.js';
import type { CaseRepo } from '../cases/repo.js';
import type { MailKind } from '../contracts/mailings.js';
import type { OfficeRepo } from '../offices/repo.js';
import type { Db } from '../platform/db.js';
import type { MailingRepo, SendRow } from './repo.js';

/** The repositories this module uses. */
type Repos = { cases: CaseRepo; db: Db; mailings: MailingRepo; offices: OfficeRepo };

/** Why a case or contact gets no invitation; counted per contact, except `no_contact` (per case). */
export type SkipReason = 'completed' | 'refused' | 'ineligible' | 'opted_out' | 'undeliverable' | 'no_contact';

export type InvitationPlan = {
  /** Messages queued now (or, in a dry run, that would be). */
  planned: number;
  /** Contacts whose invitation was planned before (sent, queued or otherwise settled). */
  alreadyPlanned: number;
  skipped: Partial<Record<SkipReason, number>>;
};

/**
 * Queues one invitation per active contact of every case of the fielding that is not settled
 * (completed, refused, ineligible). Idempotent: a contact's invitation is planned once, ever,
 * whichever process plans it (UNIQUE(case, contact, kind, number)). A dry run counts only.
 */
export function planInvitations(
  repos: Repos,
  fieldingId: number,
  at: string,
  options: { dryRun?: boolean } = {},
): InvitationPlan {
  return repos.db.transaction(() => {
    const plan: InvitationPlan = { planned: 0, alreadyPlanned: 0, skipped: {} };
    const skip = (reason: SkipReason) => {
      plan.skipped[reason] = (plan.skipped[reason] ?? 0) + 1;
    };
    for (const row of repos.mailings.invitationCandidates(fieldingId)) {
      if (row.contact_id === null) skip('no_contact');
      else if (row.planned === 1) plan.alreadyPlanned++;
      else if (row.closed !== null) skip(row.closed);
      else if (row.contact_status !== 'active') skip(row.contact_status ?? 'no_contact');
      else if (options.dryRun) plan.planned++;
      else if (
        repos.mailings.enqueue({
          fieldingId,
          caseId: row.case_id,
          contactId: row.contact_id,
          kind: 'invitation',
          number: 0,
          at,
        })
      )
        plan.planned++;
      else plan.alreadyPlanned++;
    }
    return plan;
  })();
}

export type OptOutResult = { caseId: number; contactId: number; alreadyOptedOut: boolean; cancelled: number };

/**
 * The office contact asked for no more email (the link in a mail, or a mail client's one-click
 * POST): recorded once as an explicit refusal of the case (AAPOR 2.11), the contact set to
 * opted_out, and the case's mail still in the queue cancelled. Only this token's own case changes.
 */
export function recordOptOut(repos: Repos, send: SendRow, at: string): OptOutResult {
  return repos.db.transaction((): OptOutResult => {
    const contact = repos.offices.findContact(send.contact_id);
    const already = repos.cases
      .eventsOf(send.case_id)
      .some((e) => e.type === 'opted_out' && JSON.parse(e.detail).contact_id === send.contact_id);
    const result = { caseId: send.case_id, contactId: send.contact_id, alreadyOptedOut: already, cancelled: 0 };
    if (already) return result;
    if (contact && contact.status !== 'opted_out') repos.offices.setContactStatus(contact.id, 'opted_out', at);
    repos.cases.appendEvent(send.case_id, 'opted_out', at, null, { contact_id: send.contact_id, send_id: send.id });
    return { ...result, cancelled: repos.mailings.cancelQueuedOfCase(send.case_id, at) };
  })();
}

export type Resend = { id: number; kind: MailKind };

/**
 * Staff checked the mailbox and ask to send interrupted messages again (all of the fielding's, or
 * the chosen ones): each is queued once as a fresh message, in one transaction with its audit
 * entry. Messages no longer interrupted (resent already, or of another fielding) are left alone.
 */
export function resendInterrupted(
  repos: Repos & { audit: AuditRepo },
  fielding: { id: number; name: string },
  which: readonly number[] | 'all',
  at: string,
  actor: string,
): { resent: Resend[]; notInterrupted: number[] } {
  return repos.db.transaction(() => {
    const interrupted = repos.mailings.interruptedOf(fielding.id);
    const chosen = which === 'all' ? interrupted.map((r) => r.id) : [...new Set(which)];
    const resent: Resend[] = [];
    const notInterrupted: number[] = [];
    for (const id of chosen) {
      const row = interrupted.find((r) => r.id === id);
      if (row && repos.mailings.resendInterrupted(id, fielding.id, at, actor)) resent.push({ id, kind: row.kind });
      else notInterrupted.push(id);
    }
    if (resent.length > 0) {
      repos.audit.recordAudit({
        at,
        actor,
        action: 'mailing.resend_interrupted',
        fielding: fielding.name,
        detail: { sends: resent.map((r) => r.id) },
      });
    }
    return { resent, notInterrupted };
  })();
}
