import type { Db } from '../platform/db.js';

/** One case as an export reads it: the office, its response if any, and nothing of its contacts. */
export type ExportCaseRow = {
  case_id: number;
  office_id: string;
  office_name: string;
  state: string;
  stratum: string;
  /** Population served (frame): orders the strata by size for stratum_code. */
  population: number;
  response_status: 'in_progress' | 'completed' | 'declined' | null;
  answers: string | null;
  instrument_version: string | null;
  started_at: string | null;
  submitted_at: string | null;
  /** When the answers were last saved; null without a response. */
  updated_at: string | null;
};

export type ExportRepo = ReturnType<typeof createExportRepo>;

export function createExportRepo(db: Db) {
  const casesOf = db.prepare<[number, number, number], ExportCaseRow>(
    `SELECT c.id AS case_id, o.office_id, o.office_name, o.state, o.stratum, o.population,
       r.status AS response_status, r.answers, r.instrument_version, r.started_at, r.submitted_at,
       r.updated_at
     FROM cases c JOIN offices o ON o.id = c.office_id LEFT JOIN responses r ON r.case_id = c.id
     WHERE c.fielding_id = ? AND c.id > ? ORDER BY c.id LIMIT ?`,
  );
  const eventsOf = db.prepare<[number], { type: string; detail: string }>(
    'SELECT type, detail FROM case_events WHERE case_id = ? ORDER BY id',
  );
  const exportKeyOf = db.prepare<[number], { export_key: string | null }>(
    'SELECT export_key FROM fieldings WHERE id = ?',
  );
  const countCases = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM cases WHERE fielding_id = ?');
  return {
    countCases: (fieldingId: number) => (countCases.get(fieldingId) as { n: number }).n,
    /**
     * Every case of a fielding, in pages by id: a fielding of 10,000 cases is never held in memory
     * at once, and the connection is free between pages for the events of each case.
     */
    *casesOf(fieldingId: number, pageSize = 500): Generator<ExportCaseRow> {
      let after = 0;
      for (;;) {
        const page = casesOf.all(fieldingId, after, pageSize);
        yield* page;
        if (page.length < pageSize) return;
        after = (page.at(-1) as ExportCaseRow).case_id;
      }
    },
    eventsOf: (caseId: number) => eventsOf.all(caseId),
    /** The fielding's key for export case ids (db/migrations/0013_export_case_key.sql). */
    exportKey(fieldingId: number): string {
      const key = exportKeyOf.get(fieldingId)?.export_key;
      if (!key) throw new Error(`fielding ${fieldingId} has no export key (schema 13 gives every fielding one)`);
      return key;
    },
  };
}
