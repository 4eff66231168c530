import { CLOSED_REASON_SQL, type ClosedReason } from '../cases/repo.js';
import type { MailKind, SendStatus } from '../contracts/mailings.js';
import type { Db } from '../platform/db.js';

export type AttemptOutcome = 'accepted' | 'temporary' | 'permanent' | 'error';

export type SendRow = {
  id: number;
  fielding_id: number;
  case_id: number;
  contact_id: number;
  kind: MailKind;
  number: number;
  status: SendStatus;
  token_id: number | null;
  opt_out_hash: string | null;
  message_id: string | null;
  smtp_code: number | null;
  smtp_reply: string | null;
  attempts: number;
  queued_at: string;
  next_attempt_at: string;
  started_at: string | null;
  finished_at: string | null;
};

/** Why a case or contact gets no more mail: the case's final state first, then the contact's. */

/** One contact of one case of a fielding, with what planning needs to know about both. */
export type PlanCandidateRow = {
  case_id: number;
  contact_id: number | null;
  contact_status: 'active' | 'undeliverable' | 'opted_out' | null;
  closed: ClosedReason | null;
  planned: 0 | 1;
};

export type SendCountRow = { kind: MailKind; number: number; status: SendStatus; count: number };

export type RecentAttemptRow = {
  at: string;
  office_id: string;
  office_name: string;
  email: string;
  kind: MailKind;
  number: number;
  status: SendStatus;
  outcome: AttemptOutcome;
  smtp_code: number | null;
  smtp_reply: string | null;
};

/** An interrupted message, for staff to check the mailbox before sending it again. */
export type InterruptedRow = {
  id: number;
  office_id: string;
  office_name: string;
  email: string;
  kind: MailKind;
  number: number;
  started_at: string | null;
  finished_at: string | null;
};

// Events after which a case is settled for good: no invitation or reminder should reach it.

export type MailingRepo = ReturnType<typeof createMailingRepo>;

export function createMailingRepo(db: Db) {
  const enqueue = db.prepare<[number, number, number, string, number, string, string]>(
    `INSERT OR IGNORE INTO email_sends (fielding_id, case_id, contact_id, kind, number, queued_at, next_attempt_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const invitationCandidates = db.prepare<[number], PlanCandidateRow>(
    `SELECT c.id AS case_id, ct.id AS contact_id, ct.status AS contact_status, ${CLOSED_REASON_SQL} AS closed,
       EXISTS (SELECT 1 FROM email_sends s WHERE s.case_id = c.id AND s.contact_id = ct.id
               AND s.kind = 'invitation' AND s.number = 0) AS planned
     FROM cases c LEFT JOIN contacts ct ON ct.office_id = c.office_id
     WHERE c.fielding_id = ? ORDER BY c.id, ct.id`,
  );
  const invitationSentTo = db
    .prepare<[number, number], string | null>(
      `SELECT min(finished_at) FROM email_sends
       WHERE case_id = ? AND contact_id = ? AND kind = 'invitation' AND status = 'sent'`,
    )
    .pluck();
  const closedReason = db
    .prepare<[number], ClosedReason | null>(`SELECT ${CLOSED_REASON_SQL} FROM cases c WHERE c.id = ?`)
    .pluck();
  // One statement claims one row: SQLite runs writes one at a time, so two dispatchers (the
  // scheduler and the CLI, two processes) can never both move the same row out of 'queued'.
  const claim = db.prepare<[string, number, string, string], SendRow>(
    `UPDATE email_sends SET status = 'sending', started_at = ?, attempts = attempts + 1
     WHERE status = 'queued' AND id = (
       SELECT id FROM email_sends
       WHERE fielding_id = ? AND status = 'queued' AND next_attempt_at <= ?
         AND kind IN (SELECT value FROM json_each(?))
       ORDER BY next_attempt_at, id LIMIT 1)
     RETURNING *`,
  );
  const countDue = db
    .prepare<[number, string, string], number>(
      `SELECT count(*) FROM email_sends WHERE fielding_id = ? AND status = 'queued' AND next_attempt_at <= ?
       AND kind IN (SELECT value FROM json_each(?))`,
    )
    .pluck();
  const waiting = db.prepare<[number, string, string], { n: number; next: string | null }>(
    `SELECT count(*) AS n, min(next_attempt_at) AS next FROM email_sends
     WHERE fielding_id = ? AND status = 'queued' AND next_attempt_at > ? AND kind IN (SELECT value FROM json_each(?))`,
  );
  const takeSlot = db
    .prepare<{ fieldingId: number; now: number; interval: number }, number>(
      `INSERT INTO mail_pacing (fielding_id, next_slot_at) VALUES (@fieldingId, @now + @interval)
       ON CONFLICT (fielding_id) DO UPDATE SET next_slot_at = max(mail_pacing.next_slot_at, @now) + @interval
       RETURNING next_slot_at - @interval`,
    )
    .pluck();
  const paceSlot = db.prepare<[number], number>('SELECT next_slot_at FROM mail_pacing WHERE fielding_id = ?').pluck();
  const resetSlot = db.prepare<[number, number]>('UPDATE mail_pacing SET next_slot_at = ? WHERE fielding_id = ?');
  // A row claimed "in the future" was written by a clock set ahead (FIELDKIT_NOW on live data
  // before that was refused): no live process claimed it, so it is as stale as an old one.
  const interruptStale = db.prepare<[string, number, string, string]>(
    `UPDATE email_sends SET status = 'interrupted', finished_at = ?
     WHERE fielding_id = ? AND status = 'sending' AND (started_at < ? OR started_at > ?)`,
  );
  const interruptOne = db.prepare<[string, number]>(
    `UPDATE email_sends SET status = 'interrupted', finished_at = ? WHERE id = ? AND status = 'sending'`,
  );
  const queuedOf = db.prepare<[number, string], { n: number; last_due: string | null }>(
    `SELECT count(*) AS n, max(next_attempt_at) AS last_due FROM email_sends
     WHERE fielding_id = ? AND status = 'queued' AND kind IN (SELECT value FROM json_each(?))`,
  );
  const fieldingsQueued = db.prepare<[string], { id: number; name: string }>(
    `SELECT f.id, f.name FROM fieldings f WHERE EXISTS (
       SELECT 1 FROM email_sends s WHERE s.fielding_id = f.id AND s.status = 'queued'
         AND s.kind IN (SELECT value FROM json_each(?)))
     ORDER BY f.id`,
  );
  const inFlight = db
    .prepare<[number], number>(`SELECT count(*) FROM email_sends WHERE fielding_id = ? AND status = 'sending'`)
    .pluck();
  const setSecrets = db.prepare<[number | null, string, string, number]>(
    'UPDATE email_sends SET token_id = ?, opt_out_hash = ?, message_id = ? WHERE id = ?',
  );
  const finish = db.prepare<[string, number | null, string | null, string, number]>(
    `UPDATE email_sends SET status = ?, smtp_code = ?, smtp_reply = ?, finished_at = ? WHERE id = ? AND status = 'sending'`,
  );
  const requeue = db.prepare<[number | null, string, string, number]>(
    `UPDATE email_sends SET status = 'queued', smtp_code = ?, smtp_reply = ?, next_attempt_at = ?,
       token_id = NULL, opt_out_hash = NULL, message_id = NULL
     WHERE id = ? AND status = 'sending'`,
  );
  const cancelOne = db.prepare<[string, number]>(
    `UPDATE email_sends SET status = 'cancelled', finished_at = ? WHERE id = ? AND status IN ('queued', 'sending')`,
  );
  const cancelQueuedOfCase = db.prepare<[string, number]>(
    `UPDATE email_sends SET status = 'cancelled', finished_at = ? WHERE case_id = ? AND status = 'queued'`,
  );
  const failQueued = db.prepare<[string, string, number]>(
    `UPDATE email_sends SET status = 'failed', smtp_reply = ?, finished_at = ? WHERE id = ? AND status = 'queued'`,
  );
  const insertAttempt = db.prepare<[number, string, string, number | null, string | null]>(
    'INSERT INTO email_attempts (send_id, at, outcome, smtp_code, smtp_reply) VALUES (?, ?, ?, ?, ?)',
  );
  // An interrupted message staff sent again keeps its opt-out link (email_resends): it may have arrived.
  const byOptOutHash = db.prepare<{ hash: string }, SendRow>(
    `SELECT * FROM email_sends WHERE id = coalesce(
       (SELECT id FROM email_sends WHERE opt_out_hash = @hash),
       (SELECT send_id FROM email_resends WHERE opt_out_hash = @hash))`,
  );
  const interrupted = db.prepare<[number], InterruptedRow>(
    `SELECT s.id, o.office_id, o.office_name, ct.email, s.kind, s.number, s.started_at, s.finished_at
     FROM email_sends s JOIN contacts ct ON ct.id = s.contact_id JOIN offices o ON o.id = ct.office_id
     WHERE s.fielding_id = ? AND s.status = 'interrupted' ORDER BY s.id`,
  );
  const keepInterrupted = db.prepare<[string, string, number, number]>(
    `INSERT INTO email_resends (send_id, started_at, interrupted_at, token_id, opt_out_hash, message_id, resent_at, resent_by)
     SELECT id, started_at, finished_at, token_id, opt_out_hash, message_id, ?, ? FROM email_sends
     WHERE id = ? AND fielding_id = ? AND status = 'interrupted'`,
  );
  const requeueInterrupted = db.prepare<[string, number]>(
    `UPDATE email_sends SET status = 'queued', next_attempt_at = ?, token_id = NULL, opt_out_hash = NULL,
       message_id = NULL, smtp_code = NULL, smtp_reply = NULL, started_at = NULL, finished_at = NULL
     WHERE id = ? AND status = 'interrupted'`,
  );
  const byId = db.prepare<[number], SendRow>('SELECT * FROM email_sends WHERE id = ?');
  const counts = db.prepare<[number], SendCountRow>(
    `SELECT kind, number, status, count(*) AS count FROM email_sends WHERE fielding_id = ?
     GROUP BY kind, number, status ORDER BY kind, number, status`,
  );
  const recent = db.prepare<[number, number], RecentAttemptRow>(
    `SELECT a.at, o.office_id, o.office_name, ct.email, s.kind, s.number, s.status, a.outcome, a.smtp_code, a.smtp_reply
     FROM email_attempts a JOIN email_sends s ON s.id = a.send_id JOIN contacts ct ON ct.id = s.contact_id
       JOIN offices o ON o.id = ct.office_id
     WHERE s.fielding_id = ? ORDER BY a.id DESC LIMIT ?`,
  );
  const attemptsOf = db.prepare<
    [number],
    { at: string; outcome: AttemptOutcome; smtp_code: number | null; smtp_reply: string | null }
  >('SELECT at, outcome, smtp_code, smtp_reply FROM email_attempts WHERE send_id = ? ORDER BY id');
  const settledSince = db.prepare<
    [number, string, string],
    { office_id: string; email: string; smtp_reply: string | null }
  >(
    `SELECT o.office_id, ct.email, s.smtp_reply FROM email_sends s JOIN contacts ct ON ct.id = s.contact_id
       JOIN offices o ON o.id = ct.office_id
     WHERE s.fielding_id = ? AND s.status = ? AND s.finished_at >= ? ORDER BY s.id`,
  );
  const kindsJson = (kinds: readonly MailKind[]) => JSON.stringify(kinds);
  return {
    /**
     * The instant (ms) at which the next message of the fielding may go: the first free slot of the
     * fielding's pace, whichever process asks, taken in one statement.
     */
    takeSendSlot: (fieldingId: number, now: number, interval: number) =>
      takeSlot.get({ fieldingId, now, interval }) as number,
    /** Plans one message; UNIQUE(case, contact, kind, number) makes planning twice a no-op. True if new. */
    enqueue(s: { fieldingId: number; caseId: number; contactId: number; kind: MailKind; number: number; at: string }) {
      return enqueue.run(s.fieldingId, s.caseId, s.contactId, s.kind, s.number, s.at, s.at).changes === 1;
    },
    invitationCandidates: (fieldingId: number) => invitationCandidates.all(fieldingId),
    closedReasonOf: (caseId: number) => closedReason.get(caseId) ?? null,
    /** When this contact's invitation email was accepted by the mail server, if it was. */
    invitationSentTo: (caseId: number, contactId: number) => invitationSentTo.get(caseId, contactId) ?? undefined,
    /** Moves the next due row of these kinds to 'sending' and returns it, or undefined when none is due. */
    claimNext: (fieldingId: number, kinds: readonly MailKind[], now: string) =>
      claim.get(now, fieldingId, now, kindsJson(kinds)),
    countDue: (fieldingId: number, kinds: readonly MailKind[], now: string) =>
      countDue.get(fieldingId, now, kindsJson(kinds)) ?? 0,
    /** Rows waiting for a later retry: how many, and the earliest time one falls due. */
    waitingRetry: (fieldingId: number, kinds: readonly MailKind[], now: string) =>
      waiting.get(fieldingId, now, kindsJson(kinds)) ?? { n: 0, next: null },
    /**
     * If the fielding's next send slot lies beyond `latest` (a clock set ahead took it), moves it
     * back to `now` in one transaction and returns where it was; undefined when it was in range.
     */
    clampPaceSlot: (fieldingId: number, now: number, latest: number): number | undefined =>
      db.transaction(() => {
        const slot = paceSlot.get(fieldingId);
        if (slot === undefined || slot <= latest) return undefined;
        resetSlot.run(now, fieldingId);
        return slot;
      })(),
    /** The fielding's next send slot (ms), if any message was ever paced. */
    paceSlotOf: (fieldingId: number) => paceSlot.get(fieldingId),
    /**
     * Rows left in 'sending' outside [`startedAfter`, `startedBefore`]: their process died
     * mid-transaction, or a clock set ahead claimed them.
     */
    interruptStale: (fieldingId: number, at: string, startedBefore: string, startedAfter: string) =>
      interruptStale.run(at, fieldingId, startedBefore, startedAfter).changes,
    /** A message this process stopped waiting for mid-transaction: it may have been accepted. */
    interruptSend: (id: number, at: string) => interruptOne.run(at, id).changes === 1,
    /** Queued rows of these kinds, due or waiting to retry, and when the last of them falls due. */
    queuedOf: (fieldingId: number, kinds: readonly MailKind[]) =>
      queuedOf.get(fieldingId, kindsJson(kinds)) ?? { n: 0, last_due: null },
    /** The fieldings that have queued rows of these kinds. */
    fieldingsWithQueued: (kinds: readonly MailKind[]) => fieldingsQueued.all(kindsJson(kinds)),
    countInFlight: (fieldingId: number) => inFlight.get(fieldingId) ?? 0,
    setSecrets: (id: number, s: { tokenId: number | null; optOutHash: string; messageId: string }) =>
      setSecrets.run(s.tokenId, s.optOutHash, s.messageId, id),
    finishSend: (
      id: number,
      status: 'sent' | 'rejected' | 'failed',
      r: { code: number | null; reply: string | null; at: string },
    ) => finish.run(status, r.code, r.reply, r.at, id).changes === 1,
    /** Back to 'queued' for a later try; the message's secrets are dropped (a retry issues new ones). */
    requeue: (id: number, r: { code: number | null; reply: string; nextAttemptAt: string }) =>
      requeue.run(r.code, r.reply, r.nextAttemptAt, id).changes === 1,
    cancelSend: (id: number, at: string) => cancelOne.run(at, id).changes === 1,
    cancelQueuedOfCase: (caseId: number, at: string) => cancelQueuedOfCase.run(at, caseId).changes,
    /** A message that cannot be made (its template no longer renders): never tried, kept for staff to see. */
    failUnsendable: (id: number, reason: string, at: string) => failQueued.run(reason, at, id).changes === 1,
    appendAttempt: (a: {
      sendId: number;
      at: string;
      outcome: AttemptOutcome;
      code: number | null;
      reply: string | null;
    }) => insertAttempt.run(a.sendId, a.at, a.outcome, a.code, a.reply),
    /** Sends of the fielding that ended in this status since a time (a run's rejected or interrupted). */
    settledSince: (fieldingId: number, status: 'rejected' | 'failed' | 'interrupted', since: string) =>
      settledSince.all(fieldingId, status, since),
    findByOptOutHash: (hash: string) => byOptOutHash.get({ hash }),
    /** The fielding's interrupted messages: sent or not, nobody knows, and none is resent by itself. */
    interruptedOf: (fieldingId: number) => interrupted.all(fieldingId),
    /**
     * Queues an interrupted message of the fielding again as a fresh one (new secrets when sent), the
     * interrupted one kept in email_resends. False when it is not (or no longer) interrupted, so
     * two requests for the same message queue it once.
     */
    resendInterrupted: (id: number, fieldingId: number, at: string, by: string): boolean =>
      db.transaction(() => {
        if (keepInterrupted.run(at, by, id, fieldingId).changes !== 1) return false;
        return requeueInterrupted.run(at, id).changes === 1;
      })(),
    findSend: (id: number) => byId.get(id),
    attemptsOf: (sendId: number) => attemptsOf.all(sendId),
    statusCounts: (fieldingId: number) => counts.all(fieldingId),
    recentAttempts: (fieldingId: number, limit: number) => recent.all(fieldingId, limit),
  };
}
