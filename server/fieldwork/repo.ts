import { INVITED_AT_SQL, INVITING_EVENT_SQL } from '../cases/repo.js';
import type { Db } from '../platform/db.js';

/** Messages sent on one UTC day of one kind and reminder number (0 for the invitation). */
export type MailingRow = { date: string; kind: 'invitation' | 'reminder'; number: number; sent: number };

/** What the case-list download shows of a case beyond the staff list: its invitation and mail. */
export type CaseMailRow = {
  case_id: number;
  invited_at: string | null;
  last_email_at: string | null;
  reminders_sent: number;
  /** The office's contacts' statuses, comma-separated, in contact order. */
  contact_statuses: string | null;
};

export type FieldworkRepo = ReturnType<typeof createFieldworkRepo>;

/** The fieldwork monitor's reads: the invitation's date, completion dates, mailings, each case's mail. */
export function createFieldworkRepo(db: Db) {
  // Invited as in finalDisposition (3.19 "invited, never opened"): sent, printed or handed out, not merely issued.
  const firstInvitation = db
    .prepare<[number], string | null>(
      `SELECT min(${INVITED_AT_SQL}) FROM case_events e JOIN cases c ON c.id = e.case_id
       WHERE c.fielding_id = ? AND ${INVITING_EVENT_SQL}`,
    )
    .pluck();
  const completedAt = db.prepare<[number], { case_id: number; at: string }>(
    `SELECT e.case_id, min(e.at) AS at FROM case_events e JOIN cases c ON c.id = e.case_id
     WHERE c.fielding_id = ? AND e.type = 'completed' GROUP BY e.case_id`,
  );
  const mailings = db.prepare<[number], MailingRow>(
    `SELECT substr(finished_at, 1, 10) AS date, kind, number, count(*) AS sent FROM email_sends
     WHERE fielding_id = ? AND status = 'sent' AND kind IN ('invitation', 'reminder') AND finished_at IS NOT NULL
     GROUP BY date, kind, number ORDER BY date, kind, number`,
  );
  // Reminders count by number: reminder 2 sent to two contacts of one office is one reminder to the case.
  const caseMail = db.prepare<[number], CaseMailRow>(
    `SELECT c.id AS case_id,
       (SELECT min(${INVITED_AT_SQL}) FROM case_events e WHERE e.case_id = c.id AND ${INVITING_EVENT_SQL}) AS invited_at,
       (SELECT max(s.finished_at) FROM email_sends s WHERE s.case_id = c.id AND s.status = 'sent') AS last_email_at,
       (SELECT count(DISTINCT s.number) FROM email_sends s
          WHERE s.case_id = c.id AND s.kind = 'reminder' AND s.status = 'sent') AS reminders_sent,
       (SELECT group_concat(t.status, ', ') FROM (SELECT k.status FROM contacts k WHERE k.office_id = c.office_id ORDER BY k.id) t)
          AS contact_statuses
     FROM cases c WHERE c.fielding_id = ? ORDER BY c.id`,
  );
  return {
    /** When the fielding's first case was invited (an email accepted, a letter printed, links handed out), if ever. */
    firstInvitationAt: (fieldingId: number) => firstInvitation.get(fieldingId) ?? undefined,
    /** Each completed case's first `completed` event. */
    completedAt: (fieldingId: number) => completedAt.all(fieldingId),
    mailings: (fieldingId: number) => mailings.all(fieldingId),
    caseMail: (fieldingId: number) => caseMail.all(fieldingId),
  };
}
