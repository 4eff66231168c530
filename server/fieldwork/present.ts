import type { ListedCase } from '../casework/list.js';
import { presentListedCase } from '../casework/present.js';
import { toCsv } from '../platform/csv.js';
import type { CaseMailRow } from './repo.js';

export const CASE_LIST_COLUMNS = [
  'office_id',
  'office_name',
  'state',
  'stratum',
  'status',
  'disposition',
  'disposition_label',
  'pct_answered',
  'invited_at',
  'last_email_at',
  'reminders_sent',
  'contacts_status',
] as const;

/**
 * The case list as a spreadsheet opens it: a row per case with the case list's own fields and
 * dispositions, plus its mail. Office names come from the frame, written by whoever filled it in,
 * so every text cell that a spreadsheet would run as a formula (= + - @) is made inert.
 */
export function caseListCsv(cases: readonly ListedCase[], mail: readonly CaseMailRow[]): string {
  const mailOf = new Map(mail.map((m) => [m.case_id, m]));
  const rows = cases.map((c) => {
    const listed = presentListedCase(c);
    const m = mailOf.get(c.id);
    return [
      listed.officeId,
      listed.officeName,
      listed.state,
      listed.stratum,
      listed.status,
      listed.disposition.code,
      listed.disposition.label,
      listed.pctAnswered,
      m?.invited_at ?? null,
      m?.last_email_at ?? null,
      m?.reminders_sent ?? 0,
      m?.contact_statuses ?? null,
    ];
  });
  return toCsv([[...CASE_LIST_COLUMNS], ...rows], { neutralizeFormulas: true });
}

/** A file name from a fielding's name, safe in a Content-Disposition header on every system. */
export const caseListFileName = (fielding: string, at: Date) =>
  `${fielding.replace(/[^\w.-]+/g, '_')}-cases-${at.toISOString().slice(0, 10)}.csv`;
