import type { Db } from '../db.js';

export type AuditEntry = { at: string; actor: string; action: string; fielding: string | null; detail: unknown };

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
  return {
    recordAudit: (entry: AuditEntry) =>
      insert.run(entry.at, entry.actor, entry.action, entry.fielding, JSON.stringify(entry.detail)),
    auditEntries: () => all.all(),
  };
}
