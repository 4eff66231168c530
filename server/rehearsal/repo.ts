import type { Db } from '../platform/db.js';

export type RehearsalCopyRow = { copied_from: string; copied_at: string };

/** Whether this database is a rehearsal copy (and of what), the only kind FIELDKIT_NOW may run on. */
export function createRehearsalRepo(db: Db) {
  const find = db.prepare<[], RehearsalCopyRow>('SELECT copied_from, copied_at FROM rehearsal_copy WHERE id = 1');
  const mark = db.prepare<[string, string]>(
    'INSERT OR REPLACE INTO rehearsal_copy (id, copied_from, copied_at) VALUES (1, ?, ?)',
  );
  return {
    /** The copy's origin, or undefined on a live database. */
    findRehearsalCopy: () => find.get(),
    markRehearsalCopy: (copiedFrom: string, at: string) => mark.run(copiedFrom, at),
  };
}

export type RehearsalRepo = ReturnType<typeof createRehearsalRepo>;
