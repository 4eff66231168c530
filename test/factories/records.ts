import type { Db } from '../../server/platform/db.js';

/**
 * Phase II records as the records feature stores them (db/migrations/0017_case_studies.sql), built
 * row by row for export tests: staff with full names, sites, records in any status, and their
 * field-level changes. Each test builds its own on a fresh database.
 */
export function recordRows(db: Db, start = '2027-03-01T09:00:00.000Z') {
  let minutes = 0;
  /** A new moment each call, a minute after the last: rows keep the order they were made in. */
  const next = () => new Date(Date.parse(start) + minutes++ * 60_000).toISOString();
  const insertStaff = db.prepare(
    'INSERT INTO staff (email, role, created_at, full_name) VALUES (?, ?, ?, ?) RETURNING id',
  );
  const insertSite = db.prepare(
    'INSERT INTO sites (name, jurisdiction, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id',
  );
  const insertRecord = db.prepare(
    `INSERT INTO records (site_id, instrument_id, instrument_version, interviewer_id, status, answers, revision,
       created_at, updated_at, updated_by, finalized_at, finalized_by)
     VALUES (@siteId, @instrumentId, @version, @interviewerId, @status, @answers, @revision,
       @createdAt, @updatedAt, @updatedBy, @finalizedAt, @finalizedBy) RETURNING id`,
  );
  const insertChange = db.prepare(
    `INSERT INTO record_changes (record_id, revision, variable, old_value, new_value, staff_id, at, reason)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  );
  const id = (row: unknown) => (row as { id: number }).id;
  return {
    next,
    staff(email: string, fullName = '', role = 'interviewer'): number {
      return id(insertStaff.get(email, role, next(), fullName));
    },
    site(name: string, jurisdiction = 'County'): number {
      const at = next();
      return id(insertSite.get(name, jurisdiction, at, at));
    },
    record(r: {
      siteId: number;
      instrumentId: string;
      version?: string;
      interviewerId: number;
      status: 'in_progress' | 'final' | 'refused';
      answers: Record<string, unknown>;
      /** Who saved last; the interviewer by default. */
      updatedBy?: number;
    }): number {
      const createdAt = next();
      const updatedAt = next();
      return id(
        insertRecord.get({
          siteId: r.siteId,
          instrumentId: r.instrumentId,
          version: r.version ?? '1.0.0',
          interviewerId: r.interviewerId,
          status: r.status,
          answers: JSON.stringify(r.answers),
          revision: 1,
          createdAt,
          updatedAt,
          updatedBy: r.updatedBy ?? r.interviewerId,
          finalizedAt: r.status === 'in_progress' ? null : updatedAt,
          finalizedBy: r.status === 'in_progress' ? null : (r.updatedBy ?? r.interviewerId),
        }),
      );
    },
    /** One field-level change; values are given as JS values and stored as JSON (undefined: no value). */
    change(c: {
      recordId: number;
      revision: number;
      variable: string;
      old?: unknown;
      new?: unknown;
      staffId: number;
      reason?: string;
    }): number {
      const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
      return id(
        insertChange.get(
          c.recordId,
          c.revision,
          c.variable,
          json(c.old),
          json(c.new),
          c.staffId,
          next(),
          c.reason ?? null,
        ),
      );
    },
  };
}

/** A case file abstracted at San Diego: two defendants, the second one convicted and sentenced. */
export function caseFileAnswers(code: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    h_site: 1,
    h_date: '2027-03-01',
    h_initials: 'MDL',
    h_authorized: 1,
    cf_code: code,
    cf_year: 2015,
    cf_tipchg: 1,
    cf_othchg: [1, 3],
    cf_ident: 2,
    cf_nvict: 2,
    cf_minors: 1,
    cf_vserv: [1, 2],
    cf_defs: [
      { d_role: 1, d_disp: 3, d_days: 120 },
      { d_role: 2, d_disp: 1, d_convtip: 1, d_days: 300, d_sentmo: 96, d_restit: 1 },
    ],
    cf_ndef: 2,
    cf_restit: 1,
    cf_restamt: 25000,
    ...overrides,
  };
}

/** A prosecutor interview's header and notes. */
export function interviewAnswers(notes: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    h_site: 1,
    h_date: '2027-03-02',
    h_initials: 'MDL',
    h_role: 1,
    h_agency: 1,
    h_years: 12,
    h_consent: 1,
    p1_history_notes: notes,
    p1_unit: [1],
    p1_unit_year: 2012,
    p1_staff: 4,
    ...overrides,
  };
}

/**
 * A case file as version 2.0.0 stores it: defendants 1 and 3 (the second was removed), the first
 * with two charges, the other with one, and two victims, each entry with its stable key.
 */
export function caseFileV2Answers(code: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...caseFileAnswers(code),
    cf_victims: [
      { victim_no: 1, v_minor: 1, v_sex: 2, v_nation: 1, v_exploit: 1, v_serv: [1, 2] },
      { victim_no: 2, v_minor: 2, v_sex: 1, v_nation: 2, v_exploit: 2, v_serv: [3] },
    ],
    cf_defs: [
      {
        defendant_no: 1,
        d_role: 1,
        d_charges: [
          { charge_no: 1, c_statute: 1, c_counts: 2, c_outcome: 1, c_sentmo: 96 },
          { charge_no: 2, c_statute: 4, c_counts: 1, c_outcome: 4 },
        ],
        d_disp: 1,
        d_convtip: 1,
        d_days: 300,
        d_sentmo: 96,
        d_restit: 1,
      },
      {
        defendant_no: 3,
        d_role: 2,
        d_charges: [{ charge_no: 1, c_statute: 2, c_counts: 1, c_outcome: 2, c_sentmo: 30 }],
        d_disp: 3,
        d_days: 120,
      },
    ],
    ...overrides,
  };
}

export const setFullName = (db: Db, staffId: number, fullName: string) =>
  db.prepare('UPDATE staff SET full_name = ? WHERE id = ?').run(fullName, staffId);

/** A prosecutor interview's header, consent given, and the notes of two topics. */
export const prosecutorInterview = (notes: { history: string; lessons: string }) => ({
  h_site: 1,
  h_date: '2027-01-20',
  h_initials: 'MD',
  h_role: 4,
  h_agency: 1,
  h_years: 6,
  h_consent: 1,
  p1_history_notes: notes.history,
  p11_lessons_notes: notes.lessons,
});
