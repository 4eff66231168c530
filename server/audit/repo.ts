import type { Db } from '../platform/db.js';

export type AuditEntry = { at: string; actor: string; action: string; fielding: string | null; detail: unknown };

export type AuditFilter = { actor?: string; action?: string; fromIso?: string; toIso?: string };

type AuditRow = { id: number; at: string; actor: string; action: string; fielding: string | null; detail: string };

export type AuditRepo = ReturnType<typeof createAuditRepo>;

/**
 * The append-only audit log of what staff did with the study (db/migrations/0005_audit_log.sql):
 * exports, fielding changes; the staff console adds its own entries. Triggers refuse updates and
 * deletes, so entries are only ever added.
 */
export function createAuditRepo(db: Db) {
  const insert = db.prepare<[string, string, string, string | null, string]>(
    'INSERT INTO audit_log (at, actor, action, fielding, detail) VALUES (?, ?, ?, ?, ?)',
  );
  const all = db.prepare<[], { at: string; actor: string; action: string; fielding: string | null; detail: string }>(
    'SELECT at, actor, action, fielding, detail FROM audit_log ORDER BY id',
  );
  // Each filter is either NULL (off) or compared; one statement serves every combination.
  const where = `WHERE (@actor IS NULL OR actor = @actor COLLATE NOCASE) AND (@action IS NULL OR action = @action)
    AND (@fromIso IS NULL OR at >= @fromIso) AND (@toIso IS NULL OR at < @toIso)`;
  type Params = { actor: string | null; action: string | null; fromIso: string | null; toIso: string | null };
  const page = db.prepare<[Params & { limit: number; offset: number }], AuditRow>(
    `SELECT id, at, actor, action, fielding, detail FROM audit_log ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`,
  );
  const count = db.prepare<[Params], number>(`SELECT count(*) FROM audit_log ${where}`);
  return {
    /** Newest first, with the number of entries the filter matches in all. */
    findAuditEntries(filter: AuditFilter, limit: number, offset: number) {
      const params: Params = {
        actor: filter.actor ?? null,
        action: filter.action ?? null,
        fromIso: filter.fromIso ?? null,
        toIso: filter.toIso ?? null,
      };
      return { entries: page.all({ ...params, limit, offset }), total: count.pluck().get(params) ?? 0 };
    },
    recordAudit: (entry: AuditEntry) =>
      insert.run(entry.at, entry.actor, entry.action, entry.fielding, JSON.stringify(entry.detail)),
    auditEntries: () => all.all(),
  };
}
