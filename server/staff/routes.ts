import { ADMIN, ANY_STAFF } from '../contracts/roles.js';
import {
  ApiTokenListSchema,
  AuditPageSchema,
  CreatedApiTokenSchema,
  MeSchema,
  OkSchema,
  OneStaffSchema,
  SavedTokenSettingsSchema,
  SessionKeptSchema,
  SetPasswordLinkSchema,
  SignedInSchema,
  StaffListSchema,
  TokenSettingsAnswerSchema,
} from '../contracts/staff.js';
import { clientOf, SESSION_EXPIRES_HEADER, type StaffRoute, staffRoute } from '../http/registry.js';
import { EmptyQuerySchema, IdParamsSchema } from '../http/schema.js';
import { sessionCookieName } from './authenticate.js';
import { presentApiToken, presentAuditEntry, presentStaff, presentTokenSettings } from './present.js';
import {
  AddStaffBodySchema,
  ApiTokenBodySchema,
  AuditQuerySchema,
  LoginBodySchema,
  RoleBodySchema,
  SetPasswordBodySchema,
  StaffNameBodySchema,
  TokenSettingsBodySchema,
} from './schema.js';
import type { StaffContext } from './service.js';
import {
  addStaff,
  changeRole,
  createApiToken,
  disableStaff,
  keepSessionAlive,
  login,
  logout,
  renameStaff,
  resetPassword,
  revokeApiToken,
  saveTokenSettings,
  setPasswordFromLink,
  tokenSettingsOf,
} from './service.js';
import type { LoginThrottle } from './throttle.js';

export type StaffRouteContext = StaffContext & { throttle: LoginThrottle; secureCookie: boolean };

const DAY_MS = 24 * 60 * 60 * 1000;
/** A date alone means the whole UTC day: `from` its start, `to` the end of it. */
const isoBound = (value: string | undefined, end: boolean) => {
  if (value === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = new Date(`${value}T00:00:00.000Z`).getTime();
    return new Date(end ? start + DAY_MS : start).toISOString();
  }
  return new Date(value).toISOString();
};

/** The staff API (docs/staff-api.md). Order does not matter: every path is distinct. */
export function staffRoutes(ctx: StaffRouteContext): readonly StaffRoute[] {
  return [
    staffRoute({
      method: 'post',
      path: '/api/staff/login',
      roles: 'public',
      summary: 'Sign in with email and password; sets the session cookie and returns the CSRF token.',
      body: LoginBodySchema,
      answer: SignedInSchema,
      async handler({ body, req, res }) {
        const { staff, sessionId, csrfToken } = await login(ctx, ctx.throttle, { ...body, client: clientOf(req) });
        res.cookie(sessionCookieName(ctx.secureCookie), sessionId, {
          httpOnly: true,
          sameSite: 'lax',
          secure: ctx.secureCookie,
          path: '/',
          maxAge: ctx.settings.sessionAbsoluteMs,
        });
        return { staff: presentStaff(staff), csrfToken };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/logout',
      roles: ANY_STAFF,
      sessionOnly: true,
      summary: 'End this session.',
      answer: OkSchema,
      handler({ auth, res }) {
        if (auth.kind === 'session') logout(ctx, auth.staff, auth.session.id_hash);
        res.clearCookie(sessionCookieName(ctx.secureCookie), { path: '/' });
        return { ok: true as const };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/session',
      roles: ANY_STAFF,
      sessionOnly: true,
      summary: 'Stay signed in: restart the idle timeout now; answers the seconds left (also in X-Session-Expires-In).',
      answer: SessionKeptSchema,
      handler({ auth, res }) {
        if (auth.kind !== 'session') return { expiresInSeconds: 0 };
        const expiresInSeconds = Math.floor(keepSessionAlive(ctx, auth.session) / 1000);
        res.setHeader(SESSION_EXPIRES_HEADER, String(expiresInSeconds));
        return { expiresInSeconds };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/password',
      roles: 'public',
      summary: 'Set a password with the token of a one-time set-password link; ends every session of the account.',
      body: SetPasswordBodySchema,
      answer: OneStaffSchema,
      async handler({ body }) {
        return { staff: presentStaff(await setPasswordFromLink(ctx, body)) };
      },
    }),
    staffRoute({
      method: 'get',
      path: '/api/staff/me',
      roles: ANY_STAFF,
      summary: 'The signed-in account, and the CSRF token of the session.',
      query: EmptyQuerySchema,
      answer: MeSchema,
      handler({ auth }) {
        return {
          staff: presentStaff(auth.staff),
          via: auth.kind,
          ...(auth.kind === 'session' ? { csrfToken: auth.session.csrf_token } : {}),
        };
      },
    }),
    staffRoute({
      method: 'get',
      path: '/api/staff/users',
      roles: ADMIN,
      summary: 'Every staff account.',
      query: EmptyQuerySchema,
      answer: StaffListSchema,
      handler() {
        return { staff: ctx.repos.staff.listStaff().map(presentStaff) };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/users',
      roles: ADMIN,
      summary: 'Add an account; returns its one-time set-password link (shown once).',
      body: AddStaffBodySchema,
      answer: SetPasswordLinkSchema,
      handler({ auth, body, res }) {
        const added = addStaff(ctx, { ...body, actor: auth.staff.email });
        res.status(201);
        return { staff: presentStaff(added.staff), setPasswordLink: added.link, expiresAt: added.expiresAt };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/users/:id/role',
      roles: ADMIN,
      summary: "Change an account's role; its sessions end.",
      params: IdParamsSchema,
      body: RoleBodySchema,
      answer: OneStaffSchema,
      handler({ auth, params, body }) {
        return { staff: presentStaff(changeRole(ctx, { id: params.id, role: body.role, actor: auth.staff.email })) };
      },
    }),
    staffRoute({
      method: 'patch',
      path: '/api/staff/users/:id',
      roles: ADMIN,
      summary: "Set an account's full name ('' clears it); records take the initials from it.",
      params: IdParamsSchema,
      body: StaffNameBodySchema,
      answer: OneStaffSchema,
      handler({ auth, params, body }) {
        return {
          staff: presentStaff(renameStaff(ctx, { id: params.id, fullName: body.fullName, actor: auth.staff.email })),
        };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/users/:id/disable',
      roles: ADMIN,
      summary: 'Disable an account: its sessions, API tokens and set-password links end.',
      params: IdParamsSchema,
      answer: OneStaffSchema,
      handler({ auth, params }) {
        return { staff: presentStaff(disableStaff(ctx, { id: params.id, actor: auth.staff.email })) };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/users/:id/reset-password',
      roles: ADMIN,
      summary: 'The old password stops working and sessions end; returns a new one-time set-password link.',
      params: IdParamsSchema,
      answer: SetPasswordLinkSchema,
      handler({ auth, params }) {
        const reset = resetPassword(ctx, { id: params.id, actor: auth.staff.email });
        return { staff: presentStaff(reset.staff), setPasswordLink: reset.link, expiresAt: reset.expiresAt };
      },
    }),
    staffRoute({
      method: 'get',
      path: '/api/staff/audit',
      roles: ADMIN,
      summary: 'The audit log, newest first; filter by actor, action, from, to; paged (page, pageSize ≤ 200).',
      query: AuditQuerySchema,
      answer: AuditPageSchema,
      handler({ query }) {
        const filter = {
          actor: query.actor,
          action: query.action,
          fromIso: isoBound(query.from, false),
          toIso: isoBound(query.to, true),
        };
        const { entries, total } = ctx.repos.audit.findAuditEntries(
          filter,
          query.pageSize,
          (query.page - 1) * query.pageSize,
        );
        return { entries: entries.map(presentAuditEntry), page: query.page, pageSize: query.pageSize, total };
      },
    }),
    staffRoute({
      method: 'get',
      path: '/api/staff/tokens',
      roles: ANY_STAFF,
      summary: 'Your live personal API tokens (names and first characters only, expiry and last use).',
      query: EmptyQuerySchema,
      answer: ApiTokenListSchema,
      handler({ auth }) {
        return { tokens: ctx.repos.staff.listApiTokens(auth.staff.id, ctx.clock().toISOString()).map(presentApiToken) };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/tokens',
      roles: ANY_STAFF,
      sessionOnly: true,
      summary:
        'Create a personal API token, expiring after expiresInDays (default and maximum set by an admin); the token is in this answer only. It acts with your role.',
      body: ApiTokenBodySchema,
      answer: CreatedApiTokenSchema,
      handler({ auth, body, res }) {
        const { token, row } = createApiToken(ctx, auth.staff, body);
        res.status(201);
        return { token, apiToken: presentApiToken(row) };
      },
    }),
    staffRoute({
      method: 'get',
      path: '/api/staff/token-settings',
      roles: ANY_STAFF,
      summary: 'How long new personal API tokens live by default, and at most.',
      query: EmptyQuerySchema,
      answer: TokenSettingsAnswerSchema,
      handler() {
        return { settings: presentTokenSettings(tokenSettingsOf(ctx)) };
      },
    }),
    staffRoute({
      method: 'put',
      path: '/api/staff/token-settings',
      roles: ADMIN,
      summary:
        "Set API tokens' default and maximum lifetime in days; live tokens that would outlive a lower maximum are shortened.",
      body: TokenSettingsBodySchema,
      answer: SavedTokenSettingsSchema,
      handler({ auth, body }) {
        const saved = saveTokenSettings(ctx, { ...body, actor: auth.staff.email });
        return { settings: presentTokenSettings(saved.settings), tokensShortened: saved.tokensShortened };
      },
    }),
    staffRoute({
      method: 'delete',
      path: '/api/staff/tokens/:id',
      roles: ANY_STAFF,
      summary: 'Revoke one of your personal API tokens.',
      params: IdParamsSchema,
      answer: OkSchema,
      handler({ auth, params }) {
        revokeApiToken(ctx, auth.staff, params.id);
        return { ok: true as const };
      },
    }),
  ];
}
