import type { ContactStatus } from '../contracts/cases.js';
import type { Db } from '../platform/db.js';

/** A send a bounce may answer, with its contact and the office's study id (OFF-1) for the report. */
export type SendRow = {
  send_id: number;
  contact_id: number;
  email: string;
  status: ContactStatus;
  office_study_id: string;
};

export type BounceRepo = ReturnType<typeof createBounceRepo>;

/** What reading delivery-status notifications looks up and appends (db/migrations/0008_email.sql). */
export function createBounceRepo(db: Db) {
  const contactColumns = `c.id AS contact_id, c.email, c.status, o.office_id AS office_study_id`;
  const sendByMessageId = db.prepare<{ id: string }, SendRow>(
    `SELECT s.id AS send_id, ${contactColumns}
     FROM email_sends s JOIN contacts c ON c.id = s.contact_id JOIN offices o ON o.id = c.office_id
     WHERE s.id = coalesce(
       (SELECT id FROM email_sends WHERE message_id = @id ORDER BY id LIMIT 1),
       (SELECT send_id FROM email_resends WHERE message_id = @id ORDER BY id LIMIT 1))`,
  );
  const attemptExists = db.prepare<[number, string], number>(
    "SELECT 1 FROM email_attempts WHERE send_id = ? AND outcome = 'permanent' AND smtp_reply = ?",
  );
  const insertAttempt = db.prepare<[number, string, string]>(
    "INSERT INTO email_attempts (send_id, at, outcome, smtp_code, smtp_reply) VALUES (?, ?, 'permanent', NULL, ?)",
  );
  return {
    /** The send whose Message-ID the bounce returned, compared exactly as it was written. */
    findSendByMessageId: (messageId: string) => sendByMessageId.get({ id: messageId }),
    hasPermanentAttempt: (sendId: number, reply: string) => attemptExists.pluck().get(sendId, reply) !== undefined,
    appendPermanentAttempt: (sendId: number, at: string, reply: string) => insertAttempt.run(sendId, at, reply),
  };
}
