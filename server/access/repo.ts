import type { AccessKind } from '../platform/config.js';
import type { Db } from '../platform/db.js';

export type AccessFailureRow = {
  client: string;
  kind: AccessKind;
  failures: number;
  last_failure_ms: number;
  blocked_until_ms: number;
};

export type AccessFailureDayRow = { day: string; kind: AccessKind; failures: number; clients: number };

export type AccessRepo = ReturnType<typeof createAccessRepo>;

export function createAccessRepo(db: Db) {
  const find = db.prepare<[string, AccessKind], AccessFailureRow>(
    'SELECT client, kind, failures, last_failure_ms, blocked_until_ms FROM access_failures WHERE client = ? AND kind = ?',
  );
  const upsert = db.prepare<[string, AccessKind, number, number, number]>(
    `INSERT INTO access_failures (client, kind, failures, last_failure_ms, blocked_until_ms) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (client, kind) DO UPDATE SET failures = excluded.failures,
       last_failure_ms = excluded.last_failure_ms, blocked_until_ms = excluded.blocked_until_ms`,
  );
  const forgetBefore = db.prepare<[number]>('DELETE FROM access_failures WHERE last_failure_ms < ?');
  const forgetClient = db.prepare<[string]>('DELETE FROM access_failures WHERE client = ?');
  const countDay = db.prepare<[string, AccessKind, number]>(
    `INSERT INTO access_failure_days (day, kind, failures, clients) VALUES (?, ?, 1, ?)
     ON CONFLICT (day, kind) DO UPDATE SET failures = failures + 1, clients = clients + excluded.clients`,
  );
  const dayTotal = db.prepare<[string, AccessKind], AccessFailureDayRow>(
    'SELECT day, kind, failures, clients FROM access_failure_days WHERE day = ? AND kind = ?',
  );
  const daysSince = db.prepare<[string], AccessFailureDayRow>(
    'SELECT day, kind, failures, clients FROM access_failure_days WHERE day >= ? ORDER BY day DESC, kind',
  );
  const blockedAt = db.prepare<[number, number], AccessFailureRow>(
    `SELECT client, kind, failures, last_failure_ms, blocked_until_ms FROM access_failures
     WHERE blocked_until_ms > ? ORDER BY failures DESC, client LIMIT ?`,
  );
  const countBlockedAt = db.prepare<[number], number>(
    'SELECT COUNT(*) FROM access_failures WHERE blocked_until_ms > ?',
  );

  return {
    find: (client: string, kind: AccessKind) => find.get(client, kind),
    save: (row: AccessFailureRow) =>
      upsert.run(row.client, row.kind, row.failures, row.last_failure_ms, row.blocked_until_ms),
    /** Drops every row whose last failure is older than the cut-off; returns how many. */
    forgetBefore: (cutoffMs: number) => forgetBefore.run(cutoffMs).changes,
    forgetClient: (client: string) => forgetClient.run(client).changes,
    countDay: (day: string, kind: AccessKind, newClient: boolean) => countDay.run(day, kind, newClient ? 1 : 0),
    dayTotal: (day: string, kind: AccessKind) => dayTotal.get(day, kind),
    daysSince: (day: string) => daysSince.all(day),
    blockedAt: (nowMs: number, limit: number) => blockedAt.all(nowMs, limit),
    countBlockedAt: (nowMs: number) => countBlockedAt.pluck().get(nowMs) ?? 0,
  };
}
