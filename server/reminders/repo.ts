import { CLOSED_REASON_SQL } from '../cases/repo.js';
import type { Db } from '../platform/db.js';

/**
 * One active contact of a case that may still be reminded: the case is not complete, not refused,
 * not ineligible. An undeliverable case (3.30) has no active contact, so it has no row either.
 * `invited_by_send` / `invited_by_event` are the two records of the first invitation (the send's
 * finish, the `email_sent` event); either may be missing.
 */
export type ReminderCandidateRow = {
  case_id: number;
  contact_id: number;
  invited_by_send: string | null;
  invited_by_event: string | null;
  /** The highest reminder number already decided (queued, sent, cancelled ...) for this contact. */
  last_decided: number | null;
};

export type ThankYouCandidateRow = { case_id: number; contact_id: number };

export type ReminderRepo = ReturnType<typeof createReminderRepo>;

export function createReminderRepo(db: Db) {
  const candidates = db.prepare<[number, string], ReminderCandidateRow>(
    `SELECT c.id AS case_id, k.id AS contact_id,
       (SELECT min(s.finished_at) FROM email_sends s
        WHERE s.case_id = c.id AND s.kind = 'invitation' AND s.status = 'sent') AS invited_by_send,
       (SELECT min(e.at) FROM case_events e
        WHERE e.case_id = c.id AND e.type = 'email_sent'
          AND coalesce(json_extract(e.detail, '$.kind'), 'invitation') = 'invitation') AS invited_by_event,
       (SELECT max(r.number) FROM email_sends r
        WHERE r.case_id = c.id AND r.contact_id = k.id AND r.kind = 'reminder') AS last_decided
     FROM cases c JOIN contacts k ON k.office_id = c.office_id AND k.status = 'active'
       JOIN fieldings f ON f.id = c.fielding_id
     WHERE c.fielding_id = ?
       -- After the closing date the links no longer work: a reminder would only lead to a closed page.
       AND (f.closes_at IS NULL OR f.closes_at > ?)
       -- A case that answered, refused or was found not eligible gets no reminder (the rule of invitations and letters).
       AND (${CLOSED_REASON_SQL}) IS NULL
     ORDER BY c.id, k.id`,
  );
  // The submitter is the contact of the token the `completed` event names; a response keyed in
  // from paper has none, and then every contact is thanked.
  const thankYouCandidates = db.prepare<{ fieldingId: number; everyContact: 0 | 1 }, ThankYouCandidateRow>(
    `SELECT c.id AS case_id, k.id AS contact_id
     FROM cases c JOIN contacts k ON k.office_id = c.office_id AND k.status = 'active'
     WHERE c.fielding_id = @fieldingId
       AND EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.type = 'completed')
       AND (@everyContact = 1 OR coalesce(k.id = (
             SELECT t.contact_id FROM case_events e JOIN tokens t ON t.id = e.token_id
             WHERE e.case_id = c.id AND e.type = 'completed' ORDER BY e.id LIMIT 1), 1))
       AND NOT EXISTS (SELECT 1 FROM email_sends s WHERE s.case_id = c.id AND s.contact_id = k.id AND s.kind = 'thank_you')
     ORDER BY c.id, k.id`,
  );
  // INSERT OR IGNORE on UNIQUE (case_id, contact_id, kind, number): a number decided by another
  // process (the server's scheduler, a cron run of the CLI) stays as that process decided it.
  const insertCancelled = db.prepare<[number, number, number, number, string, string, string]>(
    `INSERT OR IGNORE INTO email_sends (fielding_id, case_id, contact_id, kind, number, status, queued_at, next_attempt_at, finished_at)
     VALUES (?, ?, ?, 'reminder', ?, 'cancelled', ?, ?, ?)`,
  );
  const cancelQueuedBelow = db
    .prepare<[string, number, number, number], number>(
      `UPDATE email_sends SET status = 'cancelled', finished_at = ?
       WHERE case_id = ? AND contact_id = ? AND kind = 'reminder' AND number < ? AND status = 'queued'
       RETURNING number`,
    )
    .pluck();
  const scheduled = db
    .prepare<[], number>(
      'SELECT fielding_id FROM fielding_mail_settings WHERE reminders_enabled = 1 OR thank_you_enabled = 1 ORDER BY fielding_id',
    )
    .pluck();
  return {
    /** Contacts that may still be reminded at `now` (an ISO instant). */
    reminderCandidates: (fieldingId: number, now: string) => candidates.all(fieldingId, now),
    /** Contacts of completed cases not thanked yet: the submitter only, or `everyContact`. */
    thankYouCandidates: (fieldingId: number, everyContact: boolean) =>
      thankYouCandidates.all({ fieldingId, everyContact: everyContact ? 1 : 0 }),
    /** Records a reminder number as decided without a message; false when it was already decided. */
    cancelReminder(r: { fieldingId: number; caseId: number; contactId: number; number: number; at: string }): boolean {
      return insertCancelled.run(r.fieldingId, r.caseId, r.contactId, r.number, r.at, r.at, r.at).changes === 1;
    },
    /**
     * Cancels reminders of lower numbers still waiting in the queue (reminders were off for a while,
     * or SMTP was down): the contact gets the current one instead. Returns their numbers.
     */
    cancelQueuedRemindersBelow: (r: { caseId: number; contactId: number; number: number; at: string }) =>
      cancelQueuedBelow.all(r.at, r.caseId, r.contactId, r.number),
    /** Fieldings whose mail settings turn reminders or thank-yous on. */
    scheduledFieldingIds: () => scheduled.all(),
  };
}
