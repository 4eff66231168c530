import type { Repos } from '../repos.js';

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
