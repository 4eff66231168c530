import type { RecordStatus } from '../contracts/sites.js';
import type { Db } from '../platform/db.js';
import type { RecordChangeRow } from '../records/repo.js';

/** Which Phase II records an export holds: one instrument's, at one site or all, drafts or not. */
export type RecordSelection = {
  instrumentId: string;
  /** A site's id; absent: every site. */
  siteId?: number;
  /** Records still in progress too; by default only final and refused records. */
  includeDrafts: boolean;
};

/** One record as an export reads it, with its site's name and who started and last saved it. */
export type ExportRecordRow = {
  record_id: number;
  site_name: string;
  instrument_version: string;
  status: RecordStatus;
  answers: string;
  created_at: string;
  updated_at: string;
  finalized_at: string | null;
  started_email: string;
  started_name: string;
  updated_email: string;
  updated_name: string;
};

/** One row of record_changes with who made it, as the records feature reads it for the case page. */
export type ExportChangeRow = RecordChangeRow;

export type RecordExportRepo = ReturnType<typeof createRecordExportRepo>;

/** The records of a selection: one instrument, one site or every one, drafts or not. */
const SELECTED = `r.instrument_id = @instrument AND (@site IS NULL OR r.site_id = @site) AND (@drafts = 1 OR r.status <> 'in_progress')`;

type SelectionParams = { instrument: string; site: number | null; drafts: 0 | 1 };
const paramsOf = (s: RecordSelection): SelectionParams => ({
  instrument: s.instrumentId,
  site: s.siteId ?? null,
  drafts: s.includeDrafts ? 1 : 0,
});

export function createRecordExportRepo(db: Db) {
  const siteByName = db.prepare<[string], { id: number; name: string }>('SELECT id, name FROM sites WHERE name = ?');
  const versions = db.prepare<[SelectionParams], { instrument_version: string }>(
    `SELECT DISTINCT r.instrument_version FROM records r WHERE ${SELECTED}`,
  );
  const countRecords = db.prepare<[SelectionParams], { n: number }>(
    `SELECT count(*) AS n FROM records r WHERE ${SELECTED}`,
  );
  const recordsPage = db.prepare<[SelectionParams & { after: number; limit: number }], ExportRecordRow>(
    `SELECT r.id AS record_id, s.name AS site_name, r.instrument_version, r.status, r.answers, r.created_at,
       r.updated_at, r.finalized_at, st.email AS started_email, st.full_name AS started_name,
       ub.email AS updated_email, ub.full_name AS updated_name
     FROM records r JOIN sites s ON s.id = r.site_id JOIN staff st ON st.id = r.interviewer_id
       JOIN staff ub ON ub.id = r.updated_by
     WHERE ${SELECTED} AND r.id > @after ORDER BY r.id LIMIT @limit`,
  );
  const changesPage = db.prepare<
    [SelectionParams & { afterRecord: number; after: number; limit: number }],
    ExportChangeRow
  >(
    `SELECT c.id, c.record_id, c.revision, c.variable, c.old_value, c.new_value, c.staff_id,
       st.email AS staff_email, st.full_name AS staff_name, c.at, c.reason
     FROM record_changes c JOIN records r ON r.id = c.record_id JOIN staff st ON st.id = c.staff_id
     WHERE ${SELECTED} AND (c.record_id, c.id) > (@afterRecord, @after) ORDER BY c.record_id, c.id LIMIT @limit`,
  );
  const countChanges = db.prepare<[SelectionParams], { n: number }>(
    `SELECT count(*) AS n FROM record_changes c JOIN records r ON r.id = c.record_id WHERE ${SELECTED}`,
  );
  return {
    /** A site by its name, in any case. */
    siteByName: (name: string) => siteByName.get(name),
    /** The instrument versions the selected records were started on. */
    versionsOf: (s: RecordSelection) => versions.all(paramsOf(s)).map((v) => v.instrument_version),
    countRecords: (s: RecordSelection) => (countRecords.get(paramsOf(s)) as { n: number }).n,
    /** The selected records in id order, in pages: the connection is free between pages. */
    *recordsOf(s: RecordSelection, pageSize = 500): Generator<ExportRecordRow> {
      let after = 0;
      for (;;) {
        const page = recordsPage.all({ ...paramsOf(s), after, limit: pageSize });
        yield* page;
        if (page.length < pageSize) return;
        after = (page.at(-1) as ExportRecordRow).record_id;
      }
    },
    countChanges: (s: RecordSelection) => (countChanges.get(paramsOf(s)) as { n: number }).n,
    /** The field-level changes of the selected records, by record, oldest first, in pages. */
    *changesOf(s: RecordSelection, pageSize = 1000): Generator<ExportChangeRow> {
      let last = { afterRecord: 0, after: 0 };
      for (;;) {
        const page = changesPage.all({ ...paramsOf(s), ...last, limit: pageSize });
        yield* page;
        if (page.length < pageSize) return;
        const end = page.at(-1) as ExportChangeRow;
        last = { afterRecord: end.record_id, after: end.id };
      }
    },
  };
}
