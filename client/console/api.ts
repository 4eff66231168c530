import * as z from 'zod/mini';
import { ROLES } from '../../server/staff/roles.js';
import { jsonRequest, type Outcome } from '../shared/jsonRequest.js';

/**
 * The staff JSON API (docs/staff-api.md). Answers are parsed with schemas like any input; a body
 * that does not match is treated as a server fault. Every change carries the session's CSRF token.
 */

const RoleSchema = z.enum(ROLES);

const StaffSchema = z.object({
  id: z.number(),
  email: z.string(),
  role: RoleSchema,
  status: z.enum(['active', 'password_not_set', 'disabled']),
  createdAt: z.string(),
  disabledAt: z.nullable(z.string()),
});
export type Staff = z.infer<typeof StaffSchema>;

const SignedInSchema = z.object({ staff: StaffSchema, csrfToken: z.string() });
export type SignedIn = z.infer<typeof SignedInSchema>;

const LinkSchema = z.object({ staff: StaffSchema, setPasswordLink: z.string(), expiresAt: z.string() });
export type SetPasswordLink = z.infer<typeof LinkSchema>;

const FieldingSchema = z.object({
  name: z.string(),
  instrument: z.string(),
  instrumentVersion: z.string(),
  cases: z.number(),
  createdAt: z.string(),
  closesAt: z.nullable(z.string()),
});
export type Fielding = z.infer<typeof FieldingSchema>;

const AuditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  fielding: z.nullable(z.string()),
  detail: z.unknown(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
const AuditPageSchema = z.object({
  entries: z.array(AuditEntrySchema),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
});
export type AuditPage = z.infer<typeof AuditPageSchema>;

const ApiTokenSchema = z.object({
  id: z.number(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.nullable(z.string()),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;

const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.optional(z.unknown()) }),
});
const RetrySchema = z.object({ retryAfterSeconds: z.number() });
const ProblemsSchema = z.object({ problems: z.array(z.object({ path: z.string(), message: z.string() })) });

/** Why a request failed, sorted into what a page does about it. */
export type Failure =
  | { kind: 'signed_out' }
  | { kind: 'too_many_requests'; retryAfterSeconds: number }
  | { kind: 'refused'; status: number; code: string; message: string; fields: Record<string, string> }
  | { kind: 'unavailable' };

export type ApiResult<T> = Outcome<T, Failure>;

/** A 400's problems, keyed by the body field they name, so a form can show each beside its field. */
function fieldProblems(details: unknown): Record<string, string> {
  const parsed = ProblemsSchema.safeParse(details);
  if (!parsed.success) return {};
  const fields: Record<string, string> = {};
  for (const problem of parsed.data.problems) {
    const field = problem.path.split('.')[0] ?? '';
    if (field && !(field in fields)) fields[field] = problem.message;
  }
  return fields;
}

function classify(status: number, body: unknown, retryAfterHeader: string | null): Failure {
  const parsed = ErrorBodySchema.safeParse(body);
  if (!parsed.success) return { kind: 'unavailable' };
  const { code, message, details } = parsed.data.error;
  if (status === 401 && code === 'not_signed_in') return { kind: 'signed_out' };
  if (status === 429) {
    const retry = RetrySchema.safeParse(details);
    const seconds = retry.success ? retry.data.retryAfterSeconds : Number(retryAfterHeader ?? 60);
    return { kind: 'too_many_requests', retryAfterSeconds: Number.isFinite(seconds) ? seconds : 60 };
  }
  if (status >= 400 && status < 500) return { kind: 'refused', status, code, message, fields: fieldProblems(details) };
  return { kind: 'unavailable' };
}

/** The session's CSRF token, set at sign-in or from /me; sent on every change. */
let csrfToken = '';
export const setCsrfToken = (token: string) => {
  csrfToken = token;
};

function request<T>(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  schema: z.ZodMiniType<T>,
  body?: unknown,
): Promise<ApiResult<T>> {
  return jsonRequest({
    method,
    url,
    schema,
    body,
    headers: method === 'GET' ? {} : { 'X-CSRF-Token': csrfToken },
    classify: (response, json) => classify(response.status, json, response.headers.get('Retry-After')),
    unavailable: { kind: 'unavailable' },
  });
}

const OkSchema = z.object({ ok: z.literal(true) });

export const api = {
  me: () => request('GET', '/api/staff/me', z.object({ staff: StaffSchema, csrfToken: z.optional(z.string()) })),
  login: (email: string, password: string) => request('POST', '/api/staff/login', SignedInSchema, { email, password }),
  logout: () => request('POST', '/api/staff/logout', OkSchema),
  setPassword: (token: string, password: string) =>
    request('POST', '/api/staff/password', z.object({ staff: StaffSchema }), { token, password }),
  fieldings: () => request('GET', '/api/staff/fieldings', z.object({ fieldings: z.array(FieldingSchema) })),
  users: () => request('GET', '/api/staff/users', z.object({ staff: z.array(StaffSchema) })),
  addUser: (email: string, role: Staff['role']) => request('POST', '/api/staff/users', LinkSchema, { email, role }),
  changeRole: (id: number, role: Staff['role']) =>
    request('POST', `/api/staff/users/${id}/role`, z.object({ staff: StaffSchema }), { role }),
  disableUser: (id: number) => request('POST', `/api/staff/users/${id}/disable`, z.object({ staff: StaffSchema })),
  resetPassword: (id: number) => request('POST', `/api/staff/users/${id}/reset-password`, LinkSchema),
  audit: (filter: Record<string, string>) =>
    request('GET', `/api/staff/audit?${new URLSearchParams(filter)}`, AuditPageSchema),
  tokens: () => request('GET', '/api/staff/tokens', z.object({ tokens: z.array(ApiTokenSchema) })),
  createToken: (name: string) =>
    request('POST', '/api/staff/tokens', z.object({ token: z.string(), apiToken: ApiTokenSchema }), { name }),
  revokeToken: (id: number) => request('DELETE', `/api/staff/tokens/${id}`, OkSchema),
};
