import type { Db } from '../platform/db.js';

/** What can happen to a case; dispositions are derived from this log, never typed by hand. */
export type CaseEventType =
  | 'case_created'
  | 'token_issued'
  | 'token_revoked'
  | 'link_opened'
  | 'consented'
  | 'page_saved'
  | 'completed'
  | 'declined'
  /** Staff recorded the office as not eligible (closed, merged, duplicate listing, out of scope). */
  | 'marked_ineligible'
  /** Staff recorded a refusal received outside the survey (by phone, by letter). */
  | 'marked_refused'
  /** Staff recorded that the office's links were handed out another way; detail: on (YYYY-MM-DD), by. */
  | 'marked_invited'
  /** An email (invitation, reminder, thank-you) accepted by the SMTP server; detail: send_id, contact_id, kind, number. */
  | 'email_sent'
  /** A permanent rejection (SMTP 5xx or a delivery-status notification); detail: contact_id, status, source. */
  | 'email_bounced'
  /** One contact of the case's office can no longer be mailed; detail: contact_id, reason. */
  | 'contact_undeliverable'
  /** Every contact of the case's office is undeliverable: the case is 3.30 unless something else happened. */
  | 'undeliverable'
  /** Staff added a contact, or made one deliverable again: a 3.30 no longer holds. */
  | 'contact_added'
  /** The office opted out from an email's link: an explicit refusal, and no more mail; detail: contact_id, send_id. */
  | 'opted_out';

export type CaseEventRow = {
  id: number;
  case_id: number;
  type: CaseEventType;
  at: string;
  token_id: number | null;
  detail: string;
};

export type CaseRow = {
  id: number;
  fielding_id: number;
  office_id: number;
  fielding_name: string;
  instrument_id: string;
  instrument_version: string;
  office_study_id: string;
  office_name: string;
};

/** A case as the staff case list needs it: office, response state, and what its log has reached. */
export type CaseStateRow = {
  id: number;
  office_study_id: string;
  office_name: string;
  state: string;
  jurisdiction: string;
  stratum: string;
  response_status: 'in_progress' | 'completed' | 'declined' | null;
  response_revision: number | null;
  response_version: string | null;
  /** The newest event's id: a case whose log and response have not moved keeps its disposition. */
  last_event_id: number | null;
};

/** A refusal in the log: declined consent, an opt-out from an email, or one staff recorded. */
export const REFUSAL_EVENTS = ['declined', 'marked_refused', 'opted_out'] as const satisfies readonly CaseEventType[];

/** Why a case takes no more mail or letters: an answer, a refusal or an ineligibility in its log. */
export type ClosedReason = 'ineligible' | 'completed' | 'refused';

/**
 * The closed reason of case `c` as a SQL expression (NULL while the case is open), for the
 * statements that plan invitations, reminders and letters: one rule, whatever share was answered.
 */
export const CLOSED_REASON_SQL = `CASE
    WHEN EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.type = 'marked_ineligible') THEN 'ineligible'
    WHEN EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.type = 'completed') THEN 'completed'
    WHEN EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id
                 AND e.type IN (${REFUSAL_EVENTS.map((t) => `'${t}'`).join(', ')})) THEN 'refused'
  END`;

/**
 * Whether case event `e` invites the office (AAPOR: from then on a non-response is 3.19, not 3.11):
 * an email accepted by the mail server, a postal letter printed (its code is issued with purpose
 * 'letter'), or staff's record that the links were handed out another way. Issuing the links file
 * alone invites nobody. The same rule as INVITING_EVENTS in cases/disposition.ts.
 */
export const INVITING_EVENT_SQL = `(e.type IN ('email_sent', 'marked_invited')
    OR (e.type = 'token_issued' AND json_extract(e.detail, '$.purpose') = 'letter'))`;

/** When inviting event `e` invited: staff's record gives the day the links were handed out. */
export const INVITED_AT_SQL = `CASE WHEN e.type = 'marked_invited' THEN json_extract(e.detail, '$.on') || 'T00:00:00.000Z' ELSE e.at END`;

export type CaseRepo = ReturnType<typeof createCaseRepo>;

export function createCaseRepo(db: Db) {
  const insertCase = db.prepare<[number, number, string]>(
    'INSERT INTO cases (fielding_id, office_id, created_at) VALUES (?, ?, ?)',
  );
  const byId = db.prepare<[number], CaseRow>(
    `SELECT c.id, c.fielding_id, c.office_id, f.name AS fielding_name, f.instrument_id, f.instrument_version,
       o.office_id AS office_study_id, o.office_name
     FROM cases c JOIN fieldings f ON f.id = c.fielding_id JOIN offices o ON o.id = c.office_id WHERE c.id = ?`,
  );
  const idsOfOffice = db.prepare<[number], number>('SELECT id FROM cases WHERE office_id = ? ORDER BY id').pluck();
  const byFieldingAndOffice = db.prepare<[string, string], CaseRow>(
    `SELECT c.id, c.fielding_id, c.office_id, f.name AS fielding_name, f.instrument_id, f.instrument_version,
       o.office_id AS office_study_id, o.office_name
     FROM cases c JOIN fieldings f ON f.id = c.fielding_id JOIN offices o ON o.id = c.office_id
     WHERE f.name = ? AND o.office_id = ?`,
  );
  const insertEvent = db.prepare<[number, string, string, number | null, string]>(
    'INSERT INTO case_events (case_id, type, at, token_id, detail) VALUES (?, ?, ?, ?, ?)',
  );
  const lastOpened = db.prepare<[number, number, string], string>(
    `SELECT at FROM case_events
     WHERE case_id = ? AND type = 'link_opened' AND token_id = ? AND json_extract(detail, '$.via') = ?
     ORDER BY id DESC LIMIT 1`,
  );
  const eventsOf = db.prepare<[number], CaseEventRow>('SELECT * FROM case_events WHERE case_id = ? ORDER BY id');
  const invitedAt = db
    .prepare<[number], string | null>(
      `SELECT min(${INVITED_AT_SQL}) FROM case_events e WHERE e.case_id = ? AND ${INVITING_EVENT_SQL}`,
    )
    .pluck();
  // Cases whose links were issued (the links file, a reissue) and that nothing has invited yet.
  const issuedNotInvited = db
    .prepare<[number], number>(
      `SELECT c.id FROM cases c WHERE c.fielding_id = ?
         AND EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.type = 'token_issued')
         AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND ${INVITING_EVENT_SQL})
       ORDER BY c.id`,
    )
    .pluck();
  const statesOf = db.prepare<[number], CaseStateRow>(
    `SELECT c.id, o.office_id AS office_study_id, o.office_name, o.state, o.jurisdiction, o.stratum,
       r.status AS response_status, r.revision AS response_revision, r.instrument_version AS response_version,
       (SELECT max(e.id) FROM case_events e WHERE e.case_id = c.id) AS last_event_id
     FROM cases c JOIN offices o ON o.id = c.office_id LEFT JOIN responses r ON r.case_id = c.id
     WHERE c.fielding_id = ? ORDER BY c.id`,
  );
  return {
    insertCase: (fieldingId: number, officeId: number, at: string) =>
      Number(insertCase.run(fieldingId, officeId, at).lastInsertRowid),
    findCase: (id: number) => byId.get(id),
    /** The office's cases in every fielding: its contacts belong to the office, not to one fielding. */
    caseIdsOfOffice: (officeId: number) => idsOfOffice.all(officeId),
    findCaseByNames: (fieldingName: string, officeStudyId: string) =>
      byFieldingAndOffice.get(fieldingName, officeStudyId),
    appendEvent(
      caseId: number,
      type: CaseEventType,
      at: string,
      tokenId: number | null = null,
      detail: Record<string, unknown> = {},
    ) {
      insertEvent.run(caseId, type, at, tokenId, JSON.stringify(detail));
    },
    eventsOf: (caseId: number) => eventsOf.all(caseId),
    /** When the case was first invited (INVITING_EVENT_SQL), if ever. */
    invitedAt: (caseId: number) => invitedAt.get(caseId) ?? undefined,
    /** The fielding's cases given a link but not invited by any message or staff record yet. */
    issuedNotInvited: (fieldingId: number) => issuedNotInvited.all(fieldingId),
    /** Every case of a fielding with its office and response state, in one statement. */
    caseStatesOf: (fieldingId: number) => statesOf.all(fieldingId),
    /** When this token last opened the case by link or by code, if ever. */
    lastOpenedAt: (caseId: number, tokenId: number, via: string) =>
      lastOpened.pluck().get(caseId, tokenId, via) as string | undefined,
  };
}
