import type { Db } from '../platform/db.js';

export type PreviewStatus = 'in_progress' | 'completed' | 'declined';

export type PreviewRow = {
  id: number;
  token_hash: string;
  instrument_id: string;
  instrument_version: string;
  actor: string;
  status: PreviewStatus;
  answers: string;
  current_page: number;
  revision: number;
  created_at: string;
  updated_at: string;
  expires_at: string;
  submitted_at: string | null;
};

export type PreviewRepo = ReturnType<typeof createPreviewRepo>;

/** Staff previews and their test answers (db/migrations/0007_preview_sessions.sql), never a case's. */
export function createPreviewRepo(db: Db) {
  const insert = db.prepare<[string, string, string, string, string, string, string]>(
    `INSERT INTO preview_sessions (token_hash, instrument_id, instrument_version, actor, created_at, updated_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const byHash = db.prepare<[string], PreviewRow>('SELECT * FROM preview_sessions WHERE token_hash = ?');
  const byId = db.prepare<[number], PreviewRow>('SELECT * FROM preview_sessions WHERE id = ?');
  // As with responses, the revision in the WHERE clause is the optimistic lock.
  const saveDraft = db.prepare<[string, number, string, number, number]>(
    `UPDATE preview_sessions SET answers = ?, current_page = ?, updated_at = ?, revision = revision + 1
     WHERE id = ? AND revision = ? AND status = 'in_progress'`,
  );
  const complete = db.prepare<[string, string, string, number, number]>(
    `UPDATE preview_sessions SET status = 'completed', answers = ?, submitted_at = ?, updated_at = ?,
       revision = revision + 1
     WHERE id = ? AND revision = ? AND status = 'in_progress'`,
  );
  const decline = db.prepare<[string, number]>(
    `UPDATE preview_sessions SET status = 'declined', updated_at = ?, revision = revision + 1
     WHERE id = ? AND status = 'in_progress'`,
  );
  return {
    insertPreview(p: {
      tokenHash: string;
      instrumentId: string;
      instrumentVersion: string;
      actor: string;
      at: string;
      expiresAt: string;
    }) {
      const id = insert.run(
        p.tokenHash,
        p.instrumentId,
        p.instrumentVersion,
        p.actor,
        p.at,
        p.at,
        p.expiresAt,
      ).lastInsertRowid;
      return byId.get(Number(id)) as PreviewRow;
    },
    findPreviewByHash: (hash: string) => byHash.get(hash),
    findPreviewById: (id: number) => byId.get(id),
    savePreviewDraft: (id: number, expectedRevision: number, answers: unknown, page: number, at: string) =>
      saveDraft.run(JSON.stringify(answers), page, at, id, expectedRevision).changes === 1,
    markPreviewCompleted: (id: number, expectedRevision: number, answers: unknown, at: string) =>
      complete.run(JSON.stringify(answers), at, at, id, expectedRevision).changes === 1,
    markPreviewDeclined: (id: number, at: string) => decline.run(at, id).changes === 1,
  };
}
