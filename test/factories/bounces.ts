import type { Db } from '../../server/platform/db.js';

/**
 * Delivery-status notifications as Postfix writes them, built to order: one recipient, the returned
 * message's headers with its Message-ID, and room for a long notice or an abusive header.
 */
export type DsnOptions = {
  /** Final-Recipient of the one recipient group. */
  email?: string;
  /** The returned message's Message-ID; absent, the returned headers carry none. */
  messageId?: string;
  status?: string;
  /** Lines of the human-readable notice (text/plain part). */
  notice?: readonly string[];
  /** Header lines added to the returned message's headers, folded lines included as written. */
  returnedHeaders?: readonly string[];
};

export function dsn(options: DsnOptions = {}): string {
  const {
    email = 'contact1@office1.example.org',
    messageId,
    status = '5.1.1',
    notice = ['Your message could not be delivered.'],
    returnedHeaders = [],
  } = options;
  return [
    'From: MAILER-DAEMON@mail.survey.example.org (Mail Delivery System)',
    'To: fieldwork@survey.example.org',
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"',
    '',
    '--B1',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    ...notice,
    '',
    '--B1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mail.survey.example.org',
    '',
    `Final-Recipient: rfc822; ${email}`,
    'Action: failed',
    `Status: ${status}`,
    `Diagnostic-Code: smtp; 550 ${status} User unknown`,
    '',
    '--B1',
    'Content-Type: text/rfc822-headers',
    '',
    'From: TIP Prosecutor Survey <fieldwork@survey.example.org>',
    `To: ${email}`,
    ...(messageId ? [`Message-ID: ${messageId}`] : []),
    ...returnedHeaders,
    "Subject: Your office's invitation: survey of prosecutors",
    '',
    '--B1--',
    '',
  ].join('\n');
}

/**
 * A DSN whose returned headers hold one References field folded over `folds` lines of 4 bytes each
 * (60,000 lines make 235 KB): cheap to write, and quadratic for a reader that re-joins the field
 * on every continuation line.
 */
export const foldedHeaderDsn = (folds: number, options: DsnOptions = {}) =>
  dsn({ ...options, returnedHeaders: ['References: <first@office1.example.org>', ...Array(folds).fill(' ab')] });

/** An ordinary DSN of about `bytes` bytes: the same shape, its size in a long human-readable notice. */
export function paddedDsn(bytes: number, options: DsnOptions = {}): string {
  const line = 'The mail system could not deliver your message to the recipient.';
  const lines = Math.max(1, Math.ceil((bytes - dsn(options).length) / (line.length + 1)));
  return dsn({ ...options, notice: Array(lines).fill(line) });
}

/** The invitation of the office's case(s) as sent with this Message-ID, as the dispatcher records it. */
export function recordSentInvitation(db: Db, officeStudyId: string, messageId: string): void {
  db.prepare(
    `INSERT INTO email_sends (fielding_id, case_id, contact_id, kind, status, message_id, attempts, queued_at,
       next_attempt_at, finished_at)
     SELECT c.fielding_id, c.id, ct.id, 'invitation', 'sent', ?, 1, '2027-05-04T14:02:00.000Z',
       '2027-05-04T14:02:00.000Z', '2027-05-04T14:02:09.000Z'
     FROM cases c JOIN contacts ct ON ct.office_id = c.office_id JOIN offices o ON o.id = c.office_id
     WHERE o.office_id = ?`,
  ).run(messageId, officeStudyId);
  // What dispatch records with an accepted message: the case's log says the office was invited.
  db.prepare(
    `INSERT INTO case_events (case_id, type, at, detail)
     SELECT s.case_id, 'email_sent', s.finished_at,
       json_object('send_id', s.id, 'contact_id', s.contact_id, 'kind', 'invitation', 'number', 0)
     FROM email_sends s WHERE s.message_id = ?`,
  ).run(messageId);
}
