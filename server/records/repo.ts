import type { RecordStatus } from '../contracts/sites.js';
import type { Db } from '../platform/db.js';

export type RecordRow = {
  id: number;
  site_id: number;
  instrument_id: string;
  instrument_version: string;
  interviewer_id: number;
  status: RecordStatus;
  answers: string;
  current_page: number;
  revision: number;
  created_at: string;
  updated_at: string;
  updated_by: number;
  finalized_at: string | null;
  finalized_by: number | null;
  reopen_reason: string | null;
};

/** A record with the names the list and the entry page show: its site, who started and who last saved it. */
export type RecordView = RecordRow & {
  site_name: string;
  starter_email: string;
  starter_name: string;
  updater_email: string;
  updater_name: string;
  finalizer_email: string | null;
  finalizer_name: string | null;
};

/** One changed variable of one save, as stored (values are JSON text; NULL: no value). */
export type RecordChangeInput = { variable: string; oldValue: string | null; newValue: string | null };

export type RecordChangeRow = {
  id: number;
  record_id: number;
  revision: number;
  variable: string;
  old_value: string | null;
  new_value: string | null;
  staff_id: number;
  at: string;
  reason: string | null;
  staff_email: string;
  staff_name: string;
};

export type RecordFilter = {
  siteId?: number | undefined;
  instrumentId?: string | undefined;
  interviewerId?: number | undefined;
  status?: RecordStatus | undefined;
  /** An interviewer's list: only records of the sites this account is assigned to. */
  assignedTo?: number | undefined;
};

export type RecordRepo = ReturnType<typeof createRecordRepo>;

const VIEW = `SELECT r.*, s.name AS site_name,
    a.email AS starter_email, a.full_name AS starter_name,
    u.email AS updater_email, u.full_name AS updater_name,
    f.email AS finalizer_email, f.full_name AS finalizer_name
  FROM records r
  JOIN sites s ON s.id = r.site_id
  JOIN staff a ON a.id = r.interviewer_id
  JOIN staff u ON u.id = r.updated_by
  LEFT JOIN staff f ON f.id = r.finalized_by`;

// Each filter is either NULL (off) or compared; one statement serves every combination.
const WHERE = `WHERE (@siteId IS NULL OR r.site_id = @siteId)
  AND (@instrumentId IS NULL OR r.instrument_id = @instrumentId)
  AND (@interviewerId IS NULL OR r.interviewer_id = @interviewerId)
  AND (@status IS NULL OR r.status = @status)
  AND (@assignedTo IS NULL OR r.site_id IN (SELECT site_id FROM site_interviewers WHERE staff_id = @assignedTo))`;

type FilterParams = {
  siteId: number | null;
  instrumentId: string | null;
  interviewerId: number | null;
  status: RecordStatus | null;
  assignedTo: number | null;
};

/**
 * Phase II records and their field-level changes (db/migrations/0017_case_studies.sql). Every
 * write that changes a record's answers or status is paired, by the service, with its changes in
 * one transaction; record_changes refuses updates and deletes (triggers).
 */
export function createRecordRepo(db: Db) {
  const insert = db.prepare<[number, string, string, number, string, string, string, number]>(
    `INSERT INTO records (site_id, instrument_id, instrument_version, interviewer_id, answers, created_at, updated_at, updated_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.prepare<[number], RecordRow>('SELECT * FROM records WHERE id = ?');
  const viewById = db.prepare<[number], RecordView>(`${VIEW} WHERE r.id = ?`);
  const page = db.prepare<[FilterParams & { limit: number; offset: number }], RecordView>(
    `${VIEW} ${WHERE} ORDER BY r.updated_at DESC, r.id DESC LIMIT @limit OFFSET @offset`,
  );
  const count = db.prepare<[FilterParams], number>(`SELECT count(*) FROM records r ${WHERE}`);
  const saveDraft = db.prepare<[string, number, string, number, number, number]>(
    `UPDATE records SET answers = ?, current_page = ?, updated_at = ?, updated_by = ?, revision = revision + 1
     WHERE id = ? AND revision = ? AND status = 'in_progress'`,
  );
  const finish = db.prepare<[RecordStatus, string, string, number, string, number, number, number]>(
    `UPDATE records SET status = ?, answers = ?, updated_at = ?, updated_by = ?, finalized_at = ?, finalized_by = ?,
       reopen_reason = NULL, revision = revision + 1
     WHERE id = ? AND revision = ? AND status = 'in_progress'`,
  );
  const reopen = db.prepare<[string, string, number, number]>(
    `UPDATE records SET status = 'in_progress', reopen_reason = ?, updated_at = ?, updated_by = ?,
       finalized_at = NULL, finalized_by = NULL, revision = revision + 1
     WHERE id = ? AND status IN ('final', 'refused')`,
  );
  const insertChange = db.prepare<
    [number, number, string, string | null, string | null, number, string, string | null]
  >(
    `INSERT INTO record_changes (record_id, revision, variable, old_value, new_value, staff_id, at, reason)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const changes = db.prepare<[number], RecordChangeRow>(
    `SELECT c.*, st.email AS staff_email, st.full_name AS staff_name
     FROM record_changes c JOIN staff st ON st.id = c.staff_id WHERE c.record_id = ? ORDER BY c.id`,
  );

  const params = (filter: RecordFilter): FilterParams => ({
    siteId: filter.siteId ?? null,
    instrumentId: filter.instrumentId ?? null,
    interviewerId: filter.interviewerId ?? null,
    status: filter.status ?? null,
    assignedTo: filter.assignedTo ?? null,
  });

  return {
    insertRecord(input: {
      siteId: number;
      instrumentId: string;
      instrumentVersion: string;
      staffId: number;
      answers: Record<string, unknown>;
      at: string;
    }): RecordRow {
      const id = Number(
        insert.run(
          input.siteId,
          input.instrumentId,
          input.instrumentVersion,
          input.staffId,
          JSON.stringify(input.answers),
          input.at,
          input.at,
          input.staffId,
        ).lastInsertRowid,
      );
      return byId.get(id) as RecordRow;
    },
    findRecord: (id: number) => byId.get(id),
    findRecordView: (id: number) => viewById.get(id),
    /** Most recently saved first, with the number of records the filter matches in all. */
    findRecords(filter: RecordFilter, limit: number, offset: number) {
      const p = params(filter);
      return { records: page.all({ ...p, limit, offset }), total: count.pluck().get(p) ?? 0 };
    },
    /** False when the record moved on (another revision) or is no longer in progress. */
    saveDraft(
      id: number,
      revision: number,
      answers: Record<string, unknown>,
      page: number,
      staffId: number,
      at: string,
    ): boolean {
      return saveDraft.run(JSON.stringify(answers), page, at, staffId, id, revision).changes === 1;
    },
    /** Final or refused, with the answers kept; the reopening's reason ends here. */
    finishRecord(
      id: number,
      revision: number,
      status: Exclude<RecordStatus, 'in_progress'>,
      answers: Record<string, unknown>,
      staffId: number,
      at: string,
    ): boolean {
      return finish.run(status, JSON.stringify(answers), at, staffId, at, staffId, id, revision).changes === 1;
    },
    reopenRecord: (id: number, reason: string, staffId: number, at: string) =>
      reopen.run(reason, at, staffId, id).changes === 1,
    appendChanges(
      recordId: number,
      revision: number,
      list: readonly RecordChangeInput[],
      staffId: number,
      at: string,
      reason: string | null,
    ) {
      for (const c of list)
        insertChange.run(recordId, revision, c.variable, c.oldValue, c.newValue, staffId, at, reason);
    },
    /** Oldest first. */
    changesOf: (recordId: number) => changes.all(recordId),
  };
}
