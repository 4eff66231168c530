import * as z from 'zod/mini';
import {
  CaseDetailSchema,
  CasePageSchema,
  MarkedSchema,
  OneContactSchema,
  ReissuedLinkSchema,
  RevokedLinkSchema,
} from '../../server/contracts/cases.js';
import { FieldingListSchema, FieldingVersionSchema, OneFieldingSchema } from '../../server/contracts/fieldings.js';
import { FieldingStatusSchema } from '../../server/contracts/fieldwork.js';
import { InstrumentListSchema, PreviewSchema } from '../../server/contracts/instruments.js';
import { LetterCountsSchema, type LetterOrder } from '../../server/contracts/letters.js';
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
  type Staff,
  StaffListSchema,
  TokenSettingsAnswerSchema,
} from '../../server/contracts/staff.js';
import { jsonRequest, type Outcome } from '../shared/jsonRequest.js';
import { noteSessionAnswer } from './sessionClock.js';

export type {
  CaseDetail,
  CaseLink,
  CasePage,
  Contact,
  IssuedLink,
  ListedCaseAnswer as ListedCase,
} from '../../server/contracts/cases.js';
export { type Fielding, type FrameProblem, FrameProblemsSchema } from '../../server/contracts/fieldings.js';
export type { InstrumentAnswer as Instrument } from '../../server/contracts/instruments.js';
export type { LetterCounts, LetterOrder } from '../../server/contracts/letters.js';
export type {
  ApiToken,
  AuditEntry,
  AuditPage,
  SetPasswordLink,
  SignedIn,
  Staff,
  TokenSettings,
} from '../../server/contracts/staff.js';

/**
 * The staff JSON API (docs/staff-api.md). Answers are parsed with the server's own contract schemas
 * (server/contracts/), like any input; a body that does not match is treated as a server fault.
 * Every change carries the session's CSRF token.
 */

const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.optional(z.unknown()) }),
});
const RetrySchema = z.object({ retryAfterSeconds: z.number() });
const ProblemsSchema = z.object({ problems: z.array(z.object({ path: z.string(), message: z.string() })) });

/** Why a request failed, sorted into what a page does about it. */
export type Failure =
  | { kind: 'signed_out' }
  | { kind: 'too_many_requests'; retryAfterSeconds: number }
  | {
      kind: 'refused';
      status: number;
      code: string;
      message: string;
      fields: Record<string, string>;
      details?: unknown;
    }
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
  if (status >= 400 && status < 500)
    return { kind: 'refused', status, code, message, fields: fieldProblems(details), details };
  return { kind: 'unavailable' };
}

/** The session's CSRF token, set at sign-in or from /me; sent on every change. */
let csrfToken = '';
export const setCsrfToken = (token: string) => {
  csrfToken = token;
};
/** The header every change carries, for requests that classify their answers themselves (record drafts). */
export const csrfHeaders = (): Record<string, string> => ({ 'X-CSRF-Token': csrfToken });

export function request<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
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
    onResponse: (response) => noteSessionAnswer(response.headers),
  });
}

/**
 * A request whose answer is a file (a links CSV, an export zip, a case list): the body is kept as a Blob with the
 * name the server gave it; an error answer is still the one JSON shape, classified as above.
 */
export async function fileRequest(
  url: string,
  init: { method?: 'GET' | 'POST'; body?: BodyInit; contentType?: string; accept: string },
): Promise<ApiResult<{ blob: Blob; filename: string; headers: Headers }>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'POST',
      headers: {
        Accept: init.accept,
        ...(init.method === 'GET' ? {} : { 'X-CSRF-Token': csrfToken }),
        ...(init.contentType ? { 'Content-Type': init.contentType } : {}),
      },
      body: init.body ?? null,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    return { ok: false, failure: { kind: 'unavailable' } };
  }
  noteSessionAnswer(response.headers);
  if (!response.ok) {
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      json = undefined;
    }
    return { ok: false, failure: classify(response.status, json, response.headers.get('Retry-After')) };
  }
  const disposition = response.headers.get('Content-Disposition') ?? '';
  // The name is quoted only when it needs to be (RFC 6266): `filename=wave1-links.csv` or `filename="a b.zip"`.
  const filename = /filename=(?:"([^"]+)"|([^;\s]+))/.exec(disposition)?.slice(1).find(Boolean) ?? 'download';
  return { ok: true, value: { blob: await response.blob(), filename, headers: response.headers } };
}

function letterCountsOf(headers: Headers): z.infer<typeof LetterCountsSchema> | undefined {
  try {
    const parsed = LetterCountsSchema.safeParse(JSON.parse(headers.get('X-Fieldkit-Letters') ?? 'null'));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export const EXPORT_FORMATS = ['csv', 'labels', 'xlsx', 'sav', 'dta', 'r', 'codebook'] as const;
export type ExportOptions = {
  formats: (typeof EXPORT_FORMATS)[number][];
  completesOnly: boolean;
  public: boolean;
  includeFreeText: boolean;
};
/** The options of a Phase II records export (POST /api/staff/record-exports). */
export type RecordExportOptions = Omit<ExportOptions, 'completesOnly'> & {
  instrument: string;
  site?: string;
  includeDrafts: boolean;
};

export const enc = encodeURIComponent;

export const api = {
  me: () => request('GET', '/api/staff/me', MeSchema),
  login: (email: string, password: string) => request('POST', '/api/staff/login', SignedInSchema, { email, password }),
  logout: () => request('POST', '/api/staff/logout', OkSchema),
  /** "Stay signed in": restarts the session's idle timeout. */
  keepSession: () => request('POST', '/api/staff/session', SessionKeptSchema),
  setPassword: (token: string, password: string) =>
    request('POST', '/api/staff/password', OneStaffSchema, { token, password }),
  fieldings: () => request('GET', '/api/staff/fieldings', FieldingListSchema),
  users: () => request('GET', '/api/staff/users', StaffListSchema),
  addUser: (email: string, role: Staff['role'], fullName: string) =>
    request('POST', '/api/staff/users', SetPasswordLinkSchema, { email, role, ...(fullName ? { fullName } : {}) }),
  /** Sets an account's full name ('' clears it); record headers take the initials from it. */
  renameUser: (id: number, fullName: string) =>
    request('PATCH', `/api/staff/users/${id}`, OneStaffSchema, { fullName }),
  changeRole: (id: number, role: Staff['role']) =>
    request('POST', `/api/staff/users/${id}/role`, OneStaffSchema, { role }),
  disableUser: (id: number) => request('POST', `/api/staff/users/${id}/disable`, OneStaffSchema),
  resetPassword: (id: number) => request('POST', `/api/staff/users/${id}/reset-password`, SetPasswordLinkSchema),
  audit: (filter: Record<string, string>) =>
    request('GET', `/api/staff/audit?${new URLSearchParams(filter)}`, AuditPageSchema),
  tokens: () => request('GET', '/api/staff/tokens', ApiTokenListSchema),
  createToken: (name: string, expiresInDays: number) =>
    request('POST', '/api/staff/tokens', CreatedApiTokenSchema, {
      name,
      expiresInDays,
    }),
  tokenSettings: () => request('GET', '/api/staff/token-settings', TokenSettingsAnswerSchema),
  saveTokenSettings: (defaultDays: number, maxDays: number) =>
    request('PUT', '/api/staff/token-settings', SavedTokenSettingsSchema, { defaultDays, maxDays }),
  revokeToken: (id: number) => request('DELETE', `/api/staff/tokens/${id}`, OkSchema),
  /** Creates a fielding from a frame file; the answer is the links file, which exists only now. */
  createFielding: (query: { name: string; instrument: string; closes?: string; file: string }, frame: Blob) =>
    fileRequest(`/api/staff/fieldings?${new URLSearchParams(query)}`, {
      body: frame,
      contentType: 'text/csv',
      accept: 'text/csv',
    }),
  setCloses: (name: string, closes: string | null) =>
    request('PATCH', `/api/staff/fieldings/${enc(name)}`, OneFieldingSchema, { closes }),
  setVersion: (name: string, version: string) =>
    request('POST', `/api/staff/fieldings/${enc(name)}/version`, FieldingVersionSchema, { version }),
  setThresholds: (name: string, thresholds: { complete: number; partial: number }) =>
    request('PUT', `/api/staff/fieldings/${enc(name)}/thresholds`, OneFieldingSchema, thresholds),
  cases: (fielding: string, query: Record<string, string>) =>
    request('GET', `/api/staff/fieldings/${enc(fielding)}/cases?${new URLSearchParams(query)}`, CasePageSchema),
  case: (id: number) => request('GET', `/api/staff/cases/${id}`, CaseDetailSchema),
  revokeLink: (caseId: number, tokenId: number) =>
    request('POST', `/api/staff/cases/${caseId}/links/${tokenId}/revoke`, RevokedLinkSchema),
  reissueLink: (caseId: number, contactId: number) =>
    request('POST', `/api/staff/cases/${caseId}/contacts/${contactId}/reissue`, ReissuedLinkSchema),
  markCase: (caseId: number, as: 'refused' | 'ineligible', reason: string) =>
    request('POST', `/api/staff/cases/${caseId}/mark`, MarkedSchema, { as, reason }),
  markInvited: (caseId: number, on: string) =>
    request('POST', `/api/staff/cases/${caseId}/invited`, MarkedSchema, { on }),
  addContact: (caseId: number, contact: { name: string; email: string; title?: string }) =>
    request('POST', `/api/staff/cases/${caseId}/contacts`, OneContactSchema, contact),
  editContact: (caseId: number, contactId: number, change: { email: string }) =>
    request('PATCH', `/api/staff/cases/${caseId}/contacts/${contactId}`, OneContactSchema, change),
  markUndeliverable: (caseId: number, contactId: number) =>
    request('POST', `/api/staff/cases/${caseId}/contacts/${contactId}/undeliverable`, OneContactSchema, {}),
  instruments: () => request('GET', '/api/staff/instruments', InstrumentListSchema),
  /** Starts a test-mode preview; the link opens the respondent app and works for two hours. */
  startPreview: (id: string, version: string) =>
    request('POST', `/api/staff/instruments/${enc(id)}/${enc(version)}/preview`, PreviewSchema, {}),
  codebookUrl: (id: string, version: string) =>
    `/api/staff/instruments/${enc(id)}/${enc(version)}/codebook?format=html`,
  /** Counts by disposition and stratum, the AAPOR rates, and progress by day, for the dashboard. */
  fieldingStatus: (fielding: string) =>
    request('GET', `/api/staff/fieldings/${enc(fielding)}/status`, FieldingStatusSchema),
  caseList: (fielding: string) =>
    fileRequest(`/api/staff/fieldings/${enc(fielding)}/cases.csv`, { method: 'GET', accept: 'text/csv' }),
  paperUrl: (id: string, version: string) => `/api/staff/instruments/${enc(id)}/${enc(version)}/paper`,
  /** Issues an access code per open office and answers the letters PDF, pages in `order`, with its counts. */
  letters: async (fielding: string, order: LetterOrder) => {
    const result = await fileRequest(`/api/staff/fieldings/${enc(fielding)}/letters`, {
      body: JSON.stringify({ order }),
      contentType: 'application/json',
      accept: 'application/pdf',
    });
    return result.ok ? { ...result, value: { ...result.value, counts: letterCountsOf(result.value.headers) } } : result;
  },
  exportZip: (fielding: string, options: ExportOptions) =>
    fileRequest(`/api/staff/fieldings/${enc(fielding)}/exports`, {
      body: JSON.stringify(options),
      contentType: 'application/json',
      accept: 'application/zip',
    }),
  exportRecordsZip: (options: RecordExportOptions) =>
    fileRequest('/api/staff/record-exports', {
      body: JSON.stringify(options),
      contentType: 'application/json',
      accept: 'application/zip',
    }),
};
