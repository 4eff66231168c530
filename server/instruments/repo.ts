import type { Db } from '../platform/db.js';

export type InstrumentVersionRow = {
  instrument_id: string;
  version: string;
  content_hash: string;
  first_seen_at: string;
};

export type InstrumentVersionRepo = ReturnType<typeof createInstrumentVersionRepo>;

export function createInstrumentVersionRepo(db: Db) {
  const find = db.prepare<[string, string], InstrumentVersionRow>(
    'SELECT instrument_id, version, content_hash, first_seen_at FROM instrument_versions WHERE instrument_id = ? AND version = ?',
  );
  const insert = db.prepare<[string, string, string, string, string]>(
    'INSERT INTO instrument_versions (instrument_id, version, content_hash, first_seen_at, updated_at) VALUES (?, ?, ?, ?, ?)',
  );
  const updateHash = db.prepare<[string, string, string, string]>(
    'UPDATE instrument_versions SET content_hash = ?, updated_at = ? WHERE instrument_id = ? AND version = ?',
  );
  const responseCount = db.prepare<[string, string], { n: number }>(
    'SELECT count(*) AS n FROM responses WHERE instrument_id = ? AND instrument_version = ?',
  );
  return {
    findVersion: (id: string, version: string) => find.get(id, version),
    insertVersion: (id: string, version: string, hash: string, at: string) => insert.run(id, version, hash, at, at),
    updateVersionHash: (id: string, version: string, hash: string, at: string) => updateHash.run(hash, at, id, version),
    countResponses: (id: string, version: string) => (responseCount.get(id, version) as { n: number }).n,
  };
}
