import type { Db } from '../db.js';

export type FieldingRow = {
  id: number;
  name: string;
  instrument_id: string;
  instrument_version: string;
  closes_at: string | null;
  created_at: string;
};

export type FieldingRepo = ReturnType<typeof createFieldingRepo>;

export function createFieldingRepo(db: Db) {
  const insert = db.prepare<[string, string, string, string | null, string]>(
    'INSERT INTO fieldings (name, instrument_id, instrument_version, closes_at, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const setVersion = db.prepare<[string, number]>('UPDATE fieldings SET instrument_version = ? WHERE id = ?');
  const startedOn = db.prepare<[number], { instrument_version: string; n: number }>(
    `SELECT r.instrument_version, count(*) AS n FROM responses r JOIN cases c ON c.id = r.case_id
     WHERE c.fielding_id = ? GROUP BY r.instrument_version ORDER BY r.instrument_version`,
  );
  const setClosesAt = db.prepare<[string | null, number]>('UPDATE fieldings SET closes_at = ? WHERE id = ?');
  const byName = db.prepare<[string], FieldingRow>('SELECT * FROM fieldings WHERE name = ?');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM fieldings');
  const all = db.prepare<[], FieldingRow & { cases: number }>(
    `SELECT f.*, (SELECT count(*) FROM cases c WHERE c.fielding_id = f.id) AS cases FROM fieldings f ORDER BY f.id`,
  );
  return {
    insertFielding: (f: {
      name: string;
      instrumentId: string;
      instrumentVersion: string;
      closesAt: string | null;
      at: string;
    }) => Number(insert.run(f.name, f.instrumentId, f.instrumentVersion, f.closesAt, f.at).lastInsertRowid),
    findFieldingByName: (name: string) => byName.get(name),
    /** New responses of the fielding start on this version; started ones stay on theirs. */
    setFieldingVersion: (id: number, version: string) => setVersion.run(version, id),
    /** How many responses of the fielding were started on each instrument version. */
    responsesByVersion: (id: number) => startedOn.all(id),
    listFieldings: () => all.all(),
    /** Links of the fielding stop working after this instant (null: no closing date). */
    setClosesAt: (id: number, closesAt: string | null) => setClosesAt.run(closesAt, id),
    countFieldings: () => (count.get() as { n: number }).n,
  };
}
