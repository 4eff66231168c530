import type { AuditRepo } from '../audit/repo.js';
import type { Clock } from '../platform/clock.js';
import type { StaffSettings } from '../platform/config.js';
import type { Db } from '../platform/db.js';
import { AppError, conflict, notFound, tooManyRequests, unprocessable } from '../platform/errors.js';
import { hashSecret, type RandomBytes } from '../platform/secrets.js';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import type { SessionRow, StaffRepo, StaffRow } from './repo.js';
import type { Role } from './schema.js';
import type { LoginThrottle } from './throttle.js';

/** The repositories this module uses. */
type Repos = { audit: AuditRepo; db: Db; staff: StaffRepo };

export type StaffContext = {
  repos: Repos;
  settings: StaffSettings;
  clock: Clock;
  random: RandomBytes;
  publicUrl: string;
};

/** Who did it, for the audit log: a staff email, or `cli:<os user>` for the fieldkit command. */
export type Actor = string;

const secret = (ctx: StaffContext, bytes: number) => ctx.random(bytes).toString('base64url');

function audit(ctx: StaffContext, actor: Actor, action: string, detail: Record<string, unknown>) {
  ctx.repos.audit.recordAudit({ at: ctx.clock().toISOString(), actor, action, fielding: null, detail });
}

/** The address the emailed or printed set-password link opens; the token rides in the fragment, never in a log. */
const passwordLinkUrl = (ctx: StaffContext, token: string) => `${ctx.publicUrl}/staff/password#${token}`;

function issuePasswordLink(ctx: StaffContext, staffId: number): string {
  const token = secret(ctx, 24);
  const nowMs = ctx.clock().getTime();
  ctx.repos.staff.closePasswordLinksOf(staffId, nowMs);
  ctx.repos.staff.insertPasswordLink(hashSecret(token), staffId, nowMs + ctx.settings.passwordLinkMs);
  return passwordLinkUrl(ctx, token);
}

export function findStaffOr404(ctx: StaffContext, id: number): StaffRow {
  const row = ctx.repos.staff.findStaff(id);
  if (!row) throw notFound('No staff account with this id.');
  return row;
}

export function findStaffByEmailOr404(ctx: StaffContext, email: string): StaffRow {
  const row = ctx.repos.staff.findStaffByEmail(email);
  if (!row) throw notFound(`No staff account for ${email}.`);
  return row;
}

/** Creates the account without a password and returns the one-time link that sets it. */
export function addStaff(ctx: StaffContext, input: { email: string; role: Role; fullName?: string; actor: Actor }) {
  return ctx.repos.db.transaction(() => {
    const id = ctx.repos.staff.insertStaff(input.email, input.role, ctx.clock().toISOString());
    const fullName = input.fullName?.trim() ?? '';
    if (fullName) ctx.repos.staff.setFullName(id, fullName);
    const link = issuePasswordLink(ctx, id);
    audit(ctx, input.actor, 'staff.add', { email: input.email, role: input.role, ...(fullName ? { fullName } : {}) });
    return { staff: findStaffOr404(ctx, id), link, expiresAt: linkExpiry(ctx) };
  })();
}

/** Sets (or, with '', clears) the person's full name, from which records take their initials. */
export function renameStaff(ctx: StaffContext, input: { id: number; fullName: string; actor: Actor }) {
  return ctx.repos.db.transaction(() => {
    const target = findStaffOr404(ctx, input.id);
    const fullName = input.fullName.trim();
    ctx.repos.staff.setFullName(target.id, fullName);
    audit(ctx, input.actor, 'staff.name', { email: target.email, from: target.full_name, to: fullName });
    return findStaffOr404(ctx, target.id);
  })();
}

const linkExpiry = (ctx: StaffContext) => new Date(ctx.clock().getTime() + ctx.settings.passwordLinkMs).toISOString();

/** The last active admin can be neither demoted nor disabled: nobody could manage staff any more. */
function keepAnAdmin(ctx: StaffContext, target: StaffRow) {
  if (target.role === 'admin' && !target.disabled_at && ctx.repos.staff.countActiveAdmins() <= 1) {
    throw conflict('last_admin', `${target.email} is the only active admin; make another admin first.`);
  }
}

/** A new role takes effect at the next login: every session of the account ends now. */
export function changeRole(ctx: StaffContext, input: { id: number; role: Role; actor: Actor }) {
  return ctx.repos.db.transaction(() => {
    const target = findStaffOr404(ctx, input.id);
    if (target.role === input.role) return target;
    if (input.role !== 'admin') keepAnAdmin(ctx, target);
    ctx.repos.staff.setRole(target.id, input.role);
    const ended = ctx.repos.staff.deleteSessionsOf(target.id);
    audit(ctx, input.actor, 'staff.role_change', {
      email: target.email,
      from: target.role,
      to: input.role,
      sessionsEnded: ended,
    });
    return findStaffOr404(ctx, target.id);
  })();
}

/** Ends the account's sessions, API tokens and open set-password links; the row stays for the audit log. */
export function disableStaff(ctx: StaffContext, input: { id: number; actor: Actor }) {
  return ctx.repos.db.transaction(() => {
    const target = findStaffOr404(ctx, input.id);
    if (target.disabled_at) return target;
    keepAnAdmin(ctx, target);
    const at = ctx.clock().toISOString();
    ctx.repos.staff.disableStaff(target.id, at);
    const ended = ctx.repos.staff.deleteSessionsOf(target.id);
    const tokens = ctx.repos.staff.revokeApiTokensOf(target.id, at);
    ctx.repos.staff.closePasswordLinksOf(target.id, ctx.clock().getTime());
    audit(ctx, input.actor, 'staff.disable', { email: target.email, sessionsEnded: ended, tokensRevoked: tokens });
    return findStaffOr404(ctx, target.id);
  })();
}

/**
 * For a forgotten or leaked password: the old password stops working at once, every session
 * ends, and a new one-time link is returned.
 */
export function resetPassword(ctx: StaffContext, input: { id: number; actor: Actor }) {
  return ctx.repos.db.transaction(() => {
    const target = findStaffOr404(ctx, input.id);
    if (target.disabled_at) throw conflict('staff_disabled', `${target.email} is disabled.`);
    ctx.repos.staff.setPasswordHash(target.id, null);
    const ended = ctx.repos.staff.deleteSessionsOf(target.id);
    const link = issuePasswordLink(ctx, target.id);
    audit(ctx, input.actor, 'staff.reset_password', { email: target.email, sessionsEnded: ended });
    return { staff: findStaffOr404(ctx, target.id), link, expiresAt: linkExpiry(ctx) };
  })();
}

const passwordLinkNotValid = () =>
  new AppError(
    404,
    'password_link_not_valid',
    'This set-password link is not valid: it was used, replaced or has expired. Ask an admin for a new one.',
  );

/** Sets the password from a one-time link; every session of the account ends. */
export async function setPasswordFromLink(ctx: StaffContext, input: { token: string; password: string }) {
  const tokenHash = hashSecret(input.token);
  const usable = () => {
    const link = ctx.repos.staff.findPasswordLink(tokenHash);
    const staff = link && ctx.repos.staff.findStaff(link.staff_id);
    if (!link || !staff || link.used_ms !== null || link.expires_ms <= ctx.clock().getTime() || staff.disabled_at) {
      throw passwordLinkNotValid();
    }
    return staff;
  };
  const staff = usable();
  const problem = passwordProblem(input.password, staff.email);
  if (problem) throw unprocessable('weak_password', problem);
  // Hashing takes a few hundred milliseconds off the event loop, so it happens outside the transaction.
  const hash = await hashPassword(input.password, ctx.settings.scryptLogN);
  return ctx.repos.db.transaction(() => {
    const current = usable();
    ctx.repos.staff.setPasswordHash(current.id, hash);
    ctx.repos.staff.closePasswordLinksOf(current.id, ctx.clock().getTime());
    const ended = ctx.repos.staff.deleteSessionsOf(current.id);
    audit(ctx, current.email, 'staff.password_set', { sessionsEnded: ended });
    return findStaffOr404(ctx, current.id);
  })();
}

let decoy: { logN: number; hash: Promise<string> } | undefined;
function decoyFor(logN: number): Promise<string> {
  if (decoy?.logN !== logN) decoy = { logN, hash: decoyHash(logN) };
  return decoy.hash;
}

export const loginFailed = () =>
  new AppError(401, 'login_failed', 'The email or password is not right, or the account is not active.');

/**
 * Checks the password and opens a session. Unknown emails, wrong passwords, disabled accounts and
 * accounts without a password all get the same answer after the same scrypt work. A throttled
 * attempt is answered 429 before any work, so a flood of guesses costs the server almost nothing;
 * an attempt counts as a failure until its password proves right.
 */
export async function login(
  ctx: StaffContext,
  throttle: LoginThrottle,
  input: { email: string; password: string; client: string },
) {
  const email = input.email.trim().toLowerCase();
  const keys = { account: email, client: input.client };
  const wait = throttle.retryAfter(keys);
  if (wait > 0) throw tooManyRequests(wait);
  throttle.recordAttempt(keys);
  const staff = ctx.repos.staff.findStaffByEmail(email);
  const stored = staff?.password_hash ?? (await decoyFor(ctx.settings.scryptLogN));
  const matches = await verifyPassword(input.password, stored);
  const reason = !staff
    ? 'unknown_account'
    : staff.disabled_at
      ? 'disabled'
      : !staff.password_hash
        ? 'no_password'
        : !matches
          ? 'wrong_password'
          : undefined;
  if (reason || !staff) {
    audit(ctx, email.slice(0, 254), 'staff.login_failed', { reason, client: input.client });
    throw loginFailed();
  }
  throttle.recordSuccess(keys);
  const sessionId = secret(ctx, 32);
  const csrfToken = secret(ctx, 24);
  const nowMs = ctx.clock().getTime();
  ctx.repos.db.transaction(() => {
    ctx.repos.staff.insertSession({
      id_hash: hashSecret(sessionId),
      staff_id: staff.id,
      csrf_token: csrfToken,
      created_ms: nowMs,
      last_seen_ms: nowMs,
    });
    ctx.repos.staff.deleteStaleSessions(nowMs - ctx.settings.sessionIdleMs, nowMs - ctx.settings.sessionAbsoluteMs);
    audit(ctx, staff.email, 'staff.login', { client: input.client });
  })();
  return { staff, sessionId, csrfToken };
}

/** Only refresh the idle clock every so often: every request would otherwise be a synced write. */
const TOUCH_EVERY_MS = 15_000;

/** The live session behind a cookie's id, or undefined (unknown, idle too long, too old, account disabled). */
export function resumeSession(ctx: StaffContext, sessionId: string) {
  const idHash = hashSecret(sessionId);
  const session = ctx.repos.staff.findSession(idHash);
  if (!session) return undefined;
  const nowMs = ctx.clock().getTime();
  const staff = ctx.repos.staff.findStaff(session.staff_id);
  if (
    !staff ||
    staff.disabled_at ||
    nowMs - session.last_seen_ms >= ctx.settings.sessionIdleMs ||
    nowMs - session.created_ms >= ctx.settings.sessionAbsoluteMs
  ) {
    ctx.repos.staff.deleteSession(idHash);
    return undefined;
  }
  let lastSeenMs = session.last_seen_ms;
  if (nowMs - lastSeenMs >= TOUCH_EVERY_MS) {
    ctx.repos.staff.touchSession(idHash, nowMs);
    lastSeenMs = nowMs;
  }
  return { staff, session, expiresInMs: sessionExpiresInMs(ctx, session, lastSeenMs, nowMs) };
}

/** Time left before the session ends: the idle limit from its last recorded request, or the absolute limit. */
function sessionExpiresInMs(ctx: StaffContext, session: SessionRow, lastSeenMs: number, nowMs: number) {
  return Math.min(
    lastSeenMs + ctx.settings.sessionIdleMs - nowMs,
    session.created_ms + ctx.settings.sessionAbsoluteMs - nowMs,
  );
}

/**
 * "Stay signed in": restarts the idle clock now (not only every so often, as other requests do), so
 * the answer's expiry is exact. The absolute limit still stands.
 */
export function keepSessionAlive(ctx: StaffContext, session: SessionRow): number {
  const nowMs = ctx.clock().getTime();
  ctx.repos.staff.touchSession(session.id_hash, nowMs);
  return sessionExpiresInMs(ctx, session, nowMs, nowMs);
}

export function logout(ctx: StaffContext, staff: StaffRow, sessionIdHash: string) {
  ctx.repos.staff.deleteSession(sessionIdHash);
  audit(ctx, staff.email, 'staff.logout', {});
}

const API_TOKEN_PREFIX = 'fkp_';
const DAY_MS = 24 * 60 * 60 * 1000;

/** How long personal API tokens live: by default, and at most. An admin sets both. */
export type TokenSettings = {
  defaultDays: number;
  maxDays: number;
  updatedAt: string | null;
  updatedBy: string | null;
};

// A token that leaks unnoticed works until it expires: a quarter by default, a year at most.
const DEFAULT_TOKEN_SETTINGS: TokenSettings = { defaultDays: 90, maxDays: 365, updatedAt: null, updatedBy: null };

export function tokenSettingsOf(ctx: StaffContext): TokenSettings {
  const row = ctx.repos.staff.findTokenSettings();
  if (!row) return DEFAULT_TOKEN_SETTINGS;
  return { defaultDays: row.default_days, maxDays: row.max_days, updatedAt: row.updated_at, updatedBy: row.updated_by };
}

const tokenExpired = (expiresAt: string) =>
  new AppError(
    401,
    'token_expired',
    `This API token expired at ${expiresAt}; create a new one in the console (API tokens).`,
  );

/**
 * The account behind a personal API token, or undefined (unknown, revoked, account disabled).
 * An expired token is refused with its own answer, so the script's owner knows to make a new one.
 */
export function resumeApiToken(ctx: StaffContext, token: string) {
  if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
  const row = ctx.repos.staff.findApiTokenByHash(hashSecret(token));
  if (!row || row.revoked_at || !row.expires_at) return undefined;
  const staff = ctx.repos.staff.findStaff(row.staff_id);
  if (!staff || staff.disabled_at) return undefined;
  const now = ctx.clock();
  if (row.expires_at <= now.toISOString()) throw tokenExpired(row.expires_at);
  // Once a minute is precise enough for "last used", and spares a synced write per request.
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= 60_000) {
    ctx.repos.staff.touchApiToken(row.id, now.toISOString());
  }
  return { staff, token: row };
}

/** A personal API token: shown once, stored hashed, acting with its owner's role at the time of each request. */
export function createApiToken(ctx: StaffContext, staff: StaffRow, input: { name: string; expiresInDays?: number }) {
  const token = `${API_TOKEN_PREFIX}${secret(ctx, 32)}`;
  return ctx.repos.db.transaction(() => {
    const { defaultDays, maxDays } = tokenSettingsOf(ctx);
    const days = input.expiresInDays ?? defaultDays;
    if (days > maxDays) {
      throw unprocessable(
        'token_lifetime_too_long',
        `An API token may live at most ${maxDays} days (set by an admin); ask for ${maxDays} or fewer.`,
      );
    }
    const now = ctx.clock();
    const expiresAt = new Date(now.getTime() + days * DAY_MS).toISOString();
    const id = ctx.repos.staff.insertApiToken({
      staffId: staff.id,
      name: input.name,
      hash: hashSecret(token),
      prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
      at: now.toISOString(),
      expiresAt,
    });
    audit(ctx, staff.email, 'staff.token_create', { tokenId: id, name: input.name, expiresAt });
    const row = ctx.repos.staff.listApiTokens(staff.id, now.toISOString()).find((t) => t.id === id);
    if (!row) throw new Error('token vanished inside its own transaction');
    return { token, row };
  })();
}

/**
 * Sets the tokens' default and longest lifetime. A lower maximum applies to live tokens at once:
 * those that would outlive it now expire at the new limit, so lowering it after a scare works.
 */
export function saveTokenSettings(ctx: StaffContext, input: { defaultDays: number; maxDays: number; actor: Actor }) {
  return ctx.repos.db.transaction(() => {
    const before = tokenSettingsOf(ctx);
    const now = ctx.clock();
    ctx.repos.staff.saveTokenSettings({
      defaultDays: input.defaultDays,
      maxDays: input.maxDays,
      at: now.toISOString(),
      by: input.actor,
    });
    const tokensShortened = ctx.repos.staff.capApiTokenExpiry(
      new Date(now.getTime() + input.maxDays * DAY_MS).toISOString(),
    );
    audit(ctx, input.actor, 'staff.token_settings', {
      from: { defaultDays: before.defaultDays, maxDays: before.maxDays },
      to: { defaultDays: input.defaultDays, maxDays: input.maxDays },
      tokensShortened,
    });
    return { settings: tokenSettingsOf(ctx), tokensShortened };
  })();
}

export function revokeApiToken(ctx: StaffContext, staff: StaffRow, id: number) {
  ctx.repos.db.transaction(() => {
    if (!ctx.repos.staff.revokeApiToken(id, staff.id, ctx.clock().toISOString())) {
      throw notFound('No live API token of yours with this id.');
    }
    audit(ctx, staff.email, 'staff.token_revoke', { tokenId: id });
  })();
}
