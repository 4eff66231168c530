import type { Db } from '../../server/platform/db.js';

/**
 * Phase II sites and records written straight into their tables (db/migrations/0017_case_studies.sql),
 * as the records feature stores them, for tests of what reads them (the interview-notes export).
 */
export function insertSite(db: Db, name: string, at = '2027-01-15T09:00:00.000Z'): number {
  return Number(
    db
      .prepare('INSERT INTO sites (name, jurisdiction, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run(name, `${name} jurisdiction`, '', at, at).lastInsertRowid,
  );
}

export type RecordSeed = {
  siteId: number;
  staffId: number;
  /** Who saved last; the starter by default. */
  savedBy?: number;
  instrument?: string;
  version?: string;
  status?: 'in_progress' | 'final' | 'refused';
  answers: Record<string, unknown>;
  at?: string;
};

export function insertRecord(db: Db, seed: RecordSeed): number {
  const at = seed.at ?? '2027-01-20T15:00:00.000Z';
  const status = seed.status ?? 'final';
  return Number(
    db
      .prepare(
        `INSERT INTO records (site_id, instrument_id, instrument_version, interviewer_id, status, answers, revision,
           created_at, updated_at, updated_by, finalized_at, finalized_by)
         VALUES (?, ?, ?, ?, ?, ?, 3, ?, ?, ?, ?, ?)`,
      )
      .run(
        seed.siteId,
        seed.instrument ?? 'cs-prosecutor-interview',
        seed.version ?? '1.0.0',
        seed.staffId,
        status,
        JSON.stringify(seed.answers),
        at,
        at,
        seed.savedBy ?? seed.staffId,
        status === 'in_progress' ? null : at,
        status === 'in_progress' ? null : (seed.savedBy ?? seed.staffId),
      ).lastInsertRowid,
  );
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
