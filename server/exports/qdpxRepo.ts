import type { Db } from '../platform/db.js';

/** A Phase II record of a site as the notes export reads it, with who started and who last saved it. */
export type QdpxRecordRow = {
  id: number;
  instrument_id: string;
  instrument_version: string;
  status: 'in_progress' | 'final' | 'refused';
  answers: string;
  created_at: string;
  updated_at: string;
  started_by_id: number;
  started_by_email: string;
  started_by_name: string;
  saved_by_id: number;
  saved_by_email: string;
  saved_by_name: string;
};

export type QdpxRepo = ReturnType<typeof createQdpxRepo>;

/** The reads of the REFI-QDA export of interview notes (server/exports/qdpxService.ts). */
export function createQdpxRepo(db: Db) {
  const recordsOf = db.prepare<[number], QdpxRecordRow>(
    `SELECT r.id, r.instrument_id, r.instrument_version, r.status, r.answers, r.created_at, r.updated_at,
       s.id AS started_by_id, s.email AS started_by_email, s.full_name AS started_by_name,
       u.id AS saved_by_id, u.email AS saved_by_email, u.full_name AS saved_by_name
     FROM records r JOIN staff s ON s.id = r.interviewer_id JOIN staff u ON u.id = r.updated_by
     WHERE r.site_id = ? ORDER BY r.id`,
  );
  const guidKey = db.prepare<[], { key: string }>('SELECT key FROM qdpx_guid_key WHERE id = 1');
  return {
    /** Every record of the site, oldest first; the caller picks the interviews. */
    recordsOf: (siteId: number) => recordsOf.all(siteId),
    /** The study's key for the project's GUIDs (db/migrations/0018_qdpx_guid_key.sql). */
    guidKey(): string {
      const row = guidKey.get();
      if (!row) throw new Error('qdpx_guid_key is empty (schema 18 makes its one row)');
      return row.key;
    },
  };
}
