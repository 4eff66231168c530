import type { StaffAccount, StaffSession } from '../http/registry.js';
import { type Db, isUniqueViolation } from '../platform/db.js';
import { conflict } from '../platform/errors.js';
import type { Role } from './schema.js';

/** The framework authenticates with these very rows (server/http/registry.ts declares their shape). */
export type StaffRow = StaffAccount;
export type SessionRow = StaffSession;

export type ApiTokenRow = {
  id: number;
  staff_id: number;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  /** Always set for tokens made since tokens expire, and by the migration for older ones. */
  expires_at: string | null;
};

export type TokenSettingsRow = { default_days: number; max_days: number; updated_at: string; updated_by: string };

export type LoginFailureRow = { key: string; failures: number; last_failure_ms: number; blocked_until_ms: number };

export type StaffRepo = ReturnType<typeof createStaffRepo>;

export function createStaffRepo(db: Db) {
  const insertStaff = db.prepare<[string, Role, string]>(
    'INSERT INTO staff (email, role, created_at) VALUES (?, ?, ?)',
  );
  const byId = db.prepare<[number], StaffRow>('SELECT * FROM staff WHERE id = ?');
  const byEmail = db.prepare<[string], StaffRow>('SELECT * FROM staff WHERE email = ?');
  const all = db.prepare<[], StaffRow>('SELECT * FROM staff ORDER BY email');
  const countActiveAdmins = db.prepare<[], number>(
    "SELECT count(*) FROM staff WHERE role = 'admin' AND disabled_at IS NULL",
  );
  const countAll = db.prepare<[], number>('SELECT count(*) FROM staff');
  const setRole = db.prepare<[Role, number]>('UPDATE staff SET role = ? WHERE id = ?');
  const setFullName = db.prepare<[string, number]>('UPDATE staff SET full_name = ? WHERE id = ?');
  const setPassword = db.prepare<[string | null, number]>('UPDATE staff SET password_hash = ? WHERE id = ?');
  const disable = db.prepare<[string, number]>('UPDATE staff SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL');

  const insertSession = db.prepare<[string, number, string, number, number]>(
    'INSERT INTO staff_sessions (id_hash, staff_id, csrf_token, created_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?)',
  );
  const session = db.prepare<[string], SessionRow>('SELECT * FROM staff_sessions WHERE id_hash = ?');
  const touchSession = db.prepare<[number, string]>('UPDATE staff_sessions SET last_seen_ms = ? WHERE id_hash = ?');
  const deleteSession = db.prepare<[string]>('DELETE FROM staff_sessions WHERE id_hash = ?');
  const deleteSessionsOf = db.prepare<[number]>('DELETE FROM staff_sessions WHERE staff_id = ?');
  const deleteStaleSessions = db.prepare<[number, number]>(
    'DELETE FROM staff_sessions WHERE last_seen_ms < ? OR created_ms < ?',
  );

  const insertLink = db.prepare<[string, number, number]>(
    'INSERT INTO staff_password_links (token_hash, staff_id, expires_ms) VALUES (?, ?, ?)',
  );
  const link = db.prepare<
    [string],
    { token_hash: string; staff_id: number; expires_ms: number; used_ms: number | null }
  >('SELECT * FROM staff_password_links WHERE token_hash = ?');
  // A new link or a used one ends every other open link of the account.
  const closeLinksOf = db.prepare<[number, number]>(
    'UPDATE staff_password_links SET used_ms = ? WHERE staff_id = ? AND used_ms IS NULL',
  );

  const insertToken = db.prepare<[number, string, string, string, string, string]>(
    'INSERT INTO staff_api_tokens (staff_id, name, token_hash, prefix, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const tokenByHash = db.prepare<[string], ApiTokenRow>('SELECT * FROM staff_api_tokens WHERE token_hash = ?');
  const tokensOf = db.prepare<[number, string], ApiTokenRow>(
    'SELECT * FROM staff_api_tokens WHERE staff_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY id',
  );
  const revokeToken = db.prepare<[string, number, number]>(
    'UPDATE staff_api_tokens SET revoked_at = ? WHERE id = ? AND staff_id = ? AND revoked_at IS NULL',
  );
  const revokeTokensOf = db.prepare<[string, number]>(
    'UPDATE staff_api_tokens SET revoked_at = ? WHERE staff_id = ? AND revoked_at IS NULL',
  );
  const touchToken = db.prepare<[string, number]>('UPDATE staff_api_tokens SET last_used_at = ? WHERE id = ?');
  const capTokens = db.prepare<[string, string]>(
    'UPDATE staff_api_tokens SET expires_at = ? WHERE revoked_at IS NULL AND expires_at > ?',
  );
  const tokenSettings = db.prepare<[], TokenSettingsRow>(
    'SELECT default_days, max_days, updated_at, updated_by FROM api_token_settings WHERE id = 1',
  );
  const saveTokenSettings = db.prepare<[number, number, string, string]>(
    `INSERT INTO api_token_settings (id, default_days, max_days, updated_at, updated_by) VALUES (1, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET default_days = excluded.default_days, max_days = excluded.max_days,
       updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
  );

  const failure = db.prepare<[string], LoginFailureRow>('SELECT * FROM staff_login_failures WHERE key = ?');
  const saveFailure = db.prepare<[string, number, number, number]>(
    `INSERT INTO staff_login_failures (key, failures, last_failure_ms, blocked_until_ms) VALUES (?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure_ms = excluded.last_failure_ms,
       blocked_until_ms = excluded.blocked_until_ms`,
  );
  const forgetFailures = db.prepare<[string]>('DELETE FROM staff_login_failures WHERE key = ?');
  const forgetFailuresBefore = db.prepare<[number]>('DELETE FROM staff_login_failures WHERE last_failure_ms < ?');

  return {
    /** Adds an account without a password; a second account with the same email (any case) is a 409. */
    insertStaff(email: string, role: Role, at: string): number {
      try {
        return Number(insertStaff.run(email, role, at).lastInsertRowid);
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('staff_exists', `There is already an account for ${email}.`);
        throw err;
      }
    },
    findStaff: (id: number) => byId.get(id),
    findStaffByEmail: (email: string) => byEmail.get(email),
    listStaff: () => all.all(),
    countActiveAdmins: () => countActiveAdmins.pluck().get() ?? 0,
    countStaff: () => countAll.pluck().get() ?? 0,
    setRole: (id: number, role: Role) => setRole.run(role, id),
    /** The person's full name ('' for none); records carry its initials. */
    setFullName: (id: number, fullName: string) => setFullName.run(fullName, id),
    setPasswordHash: (id: number, hash: string | null) => setPassword.run(hash, id),
    /** True when the account was active and is now disabled. */
    disableStaff: (id: number, at: string) => disable.run(at, id).changes === 1,

    insertSession: (s: SessionRow) =>
      insertSession.run(s.id_hash, s.staff_id, s.csrf_token, s.created_ms, s.last_seen_ms),
    findSession: (idHash: string) => session.get(idHash),
    touchSession: (idHash: string, nowMs: number) => touchSession.run(nowMs, idHash),
    deleteSession: (idHash: string) => deleteSession.run(idHash),
    deleteSessionsOf: (staffId: number) => deleteSessionsOf.run(staffId).changes,
    deleteStaleSessions: (idleBeforeMs: number, createdBeforeMs: number) =>
      deleteStaleSessions.run(idleBeforeMs, createdBeforeMs).changes,

    insertPasswordLink: (tokenHash: string, staffId: number, expiresMs: number) =>
      insertLink.run(tokenHash, staffId, expiresMs),
    findPasswordLink: (tokenHash: string) => link.get(tokenHash),
    closePasswordLinksOf: (staffId: number, nowMs: number) => closeLinksOf.run(nowMs, staffId),

    insertApiToken: (t: {
      staffId: number;
      name: string;
      hash: string;
      prefix: string;
      at: string;
      expiresAt: string;
    }) => Number(insertToken.run(t.staffId, t.name, t.hash, t.prefix, t.at, t.expiresAt).lastInsertRowid),
    findApiTokenByHash: (hash: string) => tokenByHash.get(hash),
    /** The account's tokens that still work at `nowIso`: neither revoked nor expired. */
    listApiTokens: (staffId: number, nowIso: string) => tokensOf.all(staffId, nowIso),
    /** True when the token was the user's and live, and is now revoked. */
    revokeApiToken: (id: number, staffId: number, at: string) => revokeToken.run(at, id, staffId).changes === 1,
    revokeApiTokensOf: (staffId: number, at: string) => revokeTokensOf.run(at, staffId).changes,
    touchApiToken: (id: number, at: string) => touchToken.run(at, id),
    /** Brings every live token that would outlive `latest` down to it; the number shortened. */
    capApiTokenExpiry: (latest: string) => capTokens.run(latest, latest).changes,
    /** The admin's token lifetimes, or undefined for the defaults. */
    findTokenSettings: () => tokenSettings.get(),
    saveTokenSettings: (t: { defaultDays: number; maxDays: number; at: string; by: string }) =>
      saveTokenSettings.run(t.defaultDays, t.maxDays, t.at, t.by),

    findLoginFailure: (key: string) => failure.get(key),
    saveLoginFailure: (r: LoginFailureRow) => saveFailure.run(r.key, r.failures, r.last_failure_ms, r.blocked_until_ms),
    forgetLoginFailures: (key: string) => forgetFailures.run(key),
    forgetLoginFailuresBefore: (cutoffMs: number) => forgetFailuresBefore.run(cutoffMs).changes,
  };
}
