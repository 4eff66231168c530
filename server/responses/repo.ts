import type { Db } from '../platform/db.js';

export type ResponseStatus = 'in_progress' | 'completed' | 'declined';

export type ResponseRow = {
  id: number;
  case_id: number;
  instrument_id: string;
  instrument_version: string;
  status: ResponseStatus;
  answers: string;
  current_page: number;
  revision: number;
  started_at: string;
  updated_at: string;
  submitted_at: string | null;
  declined_at: string | null;
  /** SHA-256 of the accepted completion request (digest.ts); null until completed. */
  completion_digest: string | null;
};

export type ResponseRepo = ReturnType<typeof createResponseRepo>;

export function createResponseRepo(db: Db) {
  const byCase = db.prepare<[number], ResponseRow>('SELECT * FROM responses WHERE case_id = ?');
  const insert = db.prepare<[number, string, string, string, string, string]>(
    `INSERT INTO responses (case_id, instrument_id, instrument_version, answers, started_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  // The revision in the WHERE clause is the optimistic lock: a save based on an older revision
  // changes nothing, and the caller answers 409 with the current state.
  const saveDraft = db.prepare<[string, number, string, number, number]>(
    `UPDATE responses SET answers = ?, current_page = ?, updated_at = ?, revision = revision + 1
     WHERE id = ? AND revision = ? AND status = 'in_progress'`,
  );
  const complete = db.prepare<[string, string, string, string, number, number]>(
    `UPDATE responses SET status = 'completed', answers = ?, completion_digest = ?, submitted_at = ?, updated_at = ?,
       revision = revision + 1
     WHERE id = ? AND revision = ? AND status = 'in_progress'`,
  );
  const decline = db.prepare<[string, string, number]>(
    `UPDATE responses SET status = 'declined', declined_at = ?, updated_at = ?, revision = revision + 1
     WHERE id = ? AND status = 'in_progress'`,
  );
  return {
    findResponseByCase: (caseId: number) => byCase.get(caseId),
    insertResponse(r: {
      caseId: number;
      instrumentId: string;
      instrumentVersion: string;
      answers: unknown;
      at: string;
    }) {
      insert.run(r.caseId, r.instrumentId, r.instrumentVersion, JSON.stringify(r.answers), r.at, r.at);
      return byCase.get(r.caseId) as ResponseRow;
    },
    saveDraft: (id: number, expectedRevision: number, answers: unknown, page: number, at: string) =>
      saveDraft.run(JSON.stringify(answers), page, at, id, expectedRevision).changes === 1,
    markCompleted: (id: number, expectedRevision: number, answers: unknown, digest: string, at: string) =>
      complete.run(JSON.stringify(answers), digest, at, at, id, expectedRevision).changes === 1,
    markDeclined: (id: number, at: string) => decline.run(at, at, id).changes === 1,
  };
}
