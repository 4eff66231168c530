import * as z from 'zod/mini';
import { ROLES } from './roles.js';

/** The answers of the staff-account routes (docs/staff-api.md): accounts, audit log, API tokens. */

export const STAFF_STATUSES = ['active', 'password_not_set', 'disabled'] as const;

export const StaffSchema = z.object({
  id: z.number(),
  email: z.string(),
  /** The person's full name ("" until an admin sets it); records show its initials. */
  fullName: z.string(),
  /** First letters of the full name's words, or of the email's local part when no name is set. */
  initials: z.string(),
  role: z.enum(ROLES),
  status: z.enum(STAFF_STATUSES),
  createdAt: z.string(),
  disabledAt: z.nullable(z.string()),
});
export type Staff = z.infer<typeof StaffSchema>;

/** POST /api/staff/login. */
export const SignedInSchema = z.object({ staff: StaffSchema, csrfToken: z.string() });
export type SignedIn = z.infer<typeof SignedInSchema>;

/** GET /api/staff/me: a personal API token has no session, hence no CSRF token. */
export const MeSchema = z.object({
  staff: StaffSchema,
  via: z.enum(['session', 'token']),
  csrfToken: z.optional(z.string()),
});
export type Me = z.infer<typeof MeSchema>;

/** POST /api/staff/session ("Stay signed in"): seconds until the session ends unless used again. */
export const SessionKeptSchema = z.object({ expiresInSeconds: z.number() });

/** An account with its one-time set-password link (adding an account, resetting a password). */
export const SetPasswordLinkSchema = z.object({
  staff: StaffSchema,
  setPasswordLink: z.string(),
  expiresAt: z.string(),
});
export type SetPasswordLink = z.infer<typeof SetPasswordLinkSchema>;

/** Every answer that is one account: set password, change role, disable. */
export const OneStaffSchema = z.object({ staff: StaffSchema });
export const StaffListSchema = z.object({ staff: z.array(StaffSchema) });

export const OkSchema = z.object({ ok: z.literal(true) });

export const AuditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  fielding: z.nullable(z.string()),
  detail: z.unknown(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export const AuditPageSchema = z.object({
  entries: z.array(AuditEntrySchema),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
});
export type AuditPage = z.infer<typeof AuditPageSchema>;

export const ApiTokenSchema = z.object({
  id: z.number(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.nullable(z.string()),
  expiresAt: z.nullable(z.string()),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;
export const ApiTokenListSchema = z.object({ tokens: z.array(ApiTokenSchema) });
/** The token itself is in this answer only, once. */
export const CreatedApiTokenSchema = z.object({ token: z.string(), apiToken: ApiTokenSchema });

export const TokenSettingsSchema = z.object({
  defaultDays: z.number(),
  maxDays: z.number(),
  updatedAt: z.nullable(z.string()),
  updatedBy: z.nullable(z.string()),
});
export type TokenSettings = z.infer<typeof TokenSettingsSchema>;
export const TokenSettingsAnswerSchema = z.object({ settings: TokenSettingsSchema });
export const SavedTokenSettingsSchema = z.object({ settings: TokenSettingsSchema, tokensShortened: z.number() });
