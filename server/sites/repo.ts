import type { RecordStatus } from '../contracts/sites.js';
import { type Db, isUniqueViolation } from '../platform/db.js';
import { conflict } from '../platform/errors.js';
import type { StaffRow } from '../staff/repo.js';

export type SiteRow = {
  id: number;
  name: string;
  jurisdiction: string;
  notes: string;
  created_at: string;
  updated_at: string;
};

export type SiteRepo = ReturnType<typeof createSiteRepo>;

const siteExists = (name: string) =>
  conflict('site_exists', `There is already a site named "${name}" (names are compared without regard to case).`);

/** Sites, their interviewers and instruments (db/migrations/0017_case_studies.sql). */
export function createSiteRepo(db: Db) {
  const insert = db.prepare<[string, string, string, string, string]>(
    'INSERT INTO sites (name, jurisdiction, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
  );
  const update = db.prepare<[string, string, string, string, number]>(
    'UPDATE sites SET name = ?, jurisdiction = ?, notes = ?, updated_at = ? WHERE id = ?',
  );
  const touch = db.prepare<[string, number]>('UPDATE sites SET updated_at = ? WHERE id = ?');
  const byId = db.prepare<[number], SiteRow>('SELECT * FROM sites WHERE id = ?');
  const byName = db.prepare<[string], SiteRow>('SELECT * FROM sites WHERE name = ?');
  const all = db.prepare<[], SiteRow>('SELECT * FROM sites ORDER BY name');
  const assignedTo = db.prepare<[number], SiteRow>(
    `SELECT s.* FROM sites s JOIN site_interviewers i ON i.site_id = s.id WHERE i.staff_id = ? ORDER BY s.name`,
  );
  const interviewers = db.prepare<[number], StaffRow>(
    `SELECT st.* FROM staff st JOIN site_interviewers i ON i.staff_id = st.id WHERE i.site_id = ? ORDER BY st.email`,
  );
  const assigned = db.prepare<[number, number], number>(
    'SELECT 1 FROM site_interviewers WHERE site_id = ? AND staff_id = ?',
  );
  const addInterviewer = db.prepare<[number, number, string]>(
    'INSERT INTO site_interviewers (site_id, staff_id, assigned_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const assignments = db.prepare<[number], { staff_id: number; assigned_at: string }>(
    'SELECT staff_id, assigned_at FROM site_interviewers WHERE site_id = ?',
  );
  const removeInterviewers = db.prepare<[number]>('DELETE FROM site_interviewers WHERE site_id = ?');
  const instruments = db.prepare<[number], string>(
    'SELECT instrument_id FROM site_instruments WHERE site_id = ? ORDER BY instrument_id',
  );
  const addInstrument = db.prepare<[number, string]>(
    'INSERT INTO site_instruments (site_id, instrument_id) VALUES (?, ?) ON CONFLICT DO NOTHING',
  );
  const removeInstruments = db.prepare<[number]>('DELETE FROM site_instruments WHERE site_id = ?');
  const counts = db.prepare<[number], { status: RecordStatus; n: number }>(
    'SELECT status, count(*) AS n FROM records WHERE site_id = ? GROUP BY status',
  );

  return {
    /** Adds a site; a name another site has (in any case) is a 409. */
    insertSite(site: { name: string; jurisdiction: string; notes: string }, at: string): number {
      try {
        return Number(insert.run(site.name, site.jurisdiction, site.notes, at, at).lastInsertRowid);
      } catch (err) {
        if (isUniqueViolation(err)) throw siteExists(site.name);
        throw err;
      }
    },
    updateSite(id: number, site: { name: string; jurisdiction: string; notes: string }, at: string) {
      try {
        update.run(site.name, site.jurisdiction, site.notes, at, id);
      } catch (err) {
        if (isUniqueViolation(err)) throw siteExists(site.name);
        throw err;
      }
    },
    touchSite: (id: number, at: string) => touch.run(at, id),
    findSite: (id: number) => byId.get(id),
    /** Names compare without regard to case (the column's collation). */
    findSiteByName: (name: string) => byName.get(name),
    listSites: () => all.all(),
    listSitesAssignedTo: (staffId: number) => assignedTo.all(staffId),
    interviewersOf: (siteId: number) => interviewers.all(siteId),
    isAssigned: (siteId: number, staffId: number) => assigned.pluck().get(siteId, staffId) !== undefined,
    /** Adds interviewers; one already assigned keeps the time it was first assigned. */
    addInterviewers(siteId: number, staffIds: readonly number[], at: string) {
      for (const id of staffIds) addInterviewer.run(siteId, id, at);
    },
    /** Makes the site's interviewers exactly these; those kept keep the time they were first assigned. */
    replaceInterviewers(siteId: number, staffIds: readonly number[], at: string) {
      const kept = new Map(assignments.all(siteId).map((r) => [r.staff_id, r.assigned_at]));
      removeInterviewers.run(siteId);
      for (const id of staffIds) addInterviewer.run(siteId, id, kept.get(id) ?? at);
    },
    instrumentsOf: (siteId: number) => instruments.pluck().all(siteId),
    addInstruments(siteId: number, ids: readonly string[]) {
      for (const id of ids) addInstrument.run(siteId, id);
    },
    replaceInstruments(siteId: number, ids: readonly string[]) {
      removeInstruments.run(siteId);
      for (const id of ids) addInstrument.run(siteId, id);
    },
    /** The site's records by status (statuses without records are absent). */
    recordCounts: (siteId: number) => counts.all(siteId),
  };
}
