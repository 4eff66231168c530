import * as z from 'zod/mini';
import { ROLES } from '../../server/contracts/roles.js';
import { jsonRequest, type Outcome } from '../shared/jsonRequest.js';
import { FieldingStatusSchema } from './dashboardData.js';

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
  /** Disposition thresholds in percent of the questions shown answered (1.1 from complete, 1.2 from partial). */
  thresholds: z.object({ complete: z.number(), partial: z.number() }),
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
  expiresAt: z.nullable(z.string()),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;

const TokenSettingsSchema = z.object({
  defaultDays: z.number(),
  maxDays: z.number(),
  updatedAt: z.nullable(z.string()),
  updatedBy: z.nullable(z.string()),
});
export type TokenSettings = z.infer<typeof TokenSettingsSchema>;

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
  });
}

/**
 * A request whose answer is a file (a links CSV, an export zip, a case list): the body is kept as a Blob with the
 * name the server gave it; an error answer is still the one JSON shape, classified as above.
 */
async function fileRequest(
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

const FrameProblemSchema = z.object({
  line: z.number(),
  column: z.optional(z.number()),
  field: z.optional(z.string()),
  message: z.string(),
  text: z.string(),
});
export type FrameProblem = z.infer<typeof FrameProblemSchema>;
/** The details of a 422 frame_invalid: the first problems in file order, and how many in all. */
export const FrameProblemsSchema = z.object({
  problems: z.array(FrameProblemSchema),
  total: z.number(),
  more: z.number(),
});

const DispositionSchema = z.object({ code: z.string(), label: z.string(), reason: z.optional(z.string()) });
const CASE_STATUSES = ['not_started', 'in_progress', 'completed', 'declined'] as const;
const ListedCaseSchema = z.object({
  id: z.number(),
  officeId: z.string(),
  officeName: z.string(),
  state: z.string(),
  stratum: z.string(),
  status: z.enum(CASE_STATUSES),
  disposition: DispositionSchema,
  pctAnswered: z.nullable(z.number()),
});
export type ListedCase = z.infer<typeof ListedCaseSchema>;
const CasePageSchema = z.object({
  cases: z.array(ListedCaseSchema),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
  strata: z.array(z.string()),
});
export type CasePage = z.infer<typeof CasePageSchema>;

const CaseLinkSchema = z.object({
  id: z.number(),
  createdAt: z.string(),
  expiresAt: z.nullable(z.string()),
  revokedAt: z.nullable(z.string()),
  replacedBy: z.nullable(z.number()),
  live: z.boolean(),
});
const ContactSchema = z.object({
  id: z.number(),
  name: z.string(),
  email: z.string(),
  title: z.nullable(z.string()),
  status: z.enum(['active', 'undeliverable', 'opted_out']),
  createdAt: z.string(),
  updatedAt: z.string(),
  links: z.array(CaseLinkSchema),
});
export type Contact = z.infer<typeof ContactSchema>;
const CaseDetailSchema = z.object({
  case: z.object({ id: z.number(), fielding: z.string(), instrument: z.string(), disposition: DispositionSchema }),
  office: z.object({
    officeId: z.string(),
    officeName: z.string(),
    state: z.string(),
    jurisdiction: z.nullable(z.string()),
    population: z.nullable(z.number()),
    stratum: z.string(),
    addressLine1: z.nullable(z.string()),
    addressLine2: z.nullable(z.string()),
    city: z.nullable(z.string()),
    zip: z.nullable(z.string()),
    phone: z.nullable(z.string()),
    attributes: z.record(z.string(), z.string()),
  }),
  contacts: z.array(ContactSchema),
  events: z.array(
    z.object({
      id: z.number(),
      type: z.string(),
      at: z.string(),
      tokenId: z.nullable(z.number()),
      detail: z.unknown(),
      summary: z.string(),
    }),
  ),
  response: z.nullable(
    z.object({
      status: z.string(),
      instrumentVersion: z.string(),
      pctAnswered: z.nullable(z.number()),
      currentPage: z.nullable(z.union([z.number(), z.string()])),
      revision: z.number(),
      startedAt: z.nullable(z.string()),
      updatedAt: z.nullable(z.string()),
      submittedAt: z.nullable(z.string()),
      declinedAt: z.nullable(z.string()),
    }),
  ),
});
export type CaseDetail = z.infer<typeof CaseDetailSchema>;
const IssuedLinkSchema = z.object({
  office_id: z.string(),
  office_name: z.string(),
  contact_name: z.string(),
  contact_email: z.string(),
  link: z.string(),
  access_code: z.string(),
});
export type IssuedLink = z.infer<typeof IssuedLinkSchema>;

const InstrumentSchema = z.object({
  id: z.string(),
  title: z.string(),
  versions: z.array(
    z.object({ version: z.string(), key: z.string(), title: z.string(), mode: z.string(), contentHash: z.string() }),
  ),
});
export type Instrument = z.infer<typeof InstrumentSchema>;

/** What a letters download printed and skipped (its X-Fieldkit-Letters header). */
const LetterCountsSchema = z.object({
  letters: z.number(),
  skipped: z.object({ completed: z.number(), refused: z.number(), ineligible: z.number(), noContact: z.number() }),
  summary: z.string(),
});
export type LetterCounts = z.infer<typeof LetterCountsSchema>;

function letterCountsOf(headers: Headers): LetterCounts | undefined {
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

export const enc = encodeURIComponent;

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
  createToken: (name: string, expiresInDays: number) =>
    request('POST', '/api/staff/tokens', z.object({ token: z.string(), apiToken: ApiTokenSchema }), {
      name,
      expiresInDays,
    }),
  tokenSettings: () => request('GET', '/api/staff/token-settings', z.object({ settings: TokenSettingsSchema })),
  saveTokenSettings: (defaultDays: number, maxDays: number) =>
    request(
      'PUT',
      '/api/staff/token-settings',
      z.object({ settings: TokenSettingsSchema, tokensShortened: z.number() }),
      { defaultDays, maxDays },
    ),
  revokeToken: (id: number) => request('DELETE', `/api/staff/tokens/${id}`, OkSchema),
  /** Creates a fielding from a frame file; the answer is the links file, which exists only now. */
  createFielding: (query: { name: string; instrument: string; closes?: string; file: string }, frame: Blob) =>
    fileRequest(`/api/staff/fieldings?${new URLSearchParams(query)}`, {
      body: frame,
      contentType: 'text/csv',
      accept: 'text/csv',
    }),
  setCloses: (name: string, closes: string | null) =>
    request('PATCH', `/api/staff/fieldings/${enc(name)}`, z.object({ fielding: FieldingSchema }), { closes }),
  setVersion: (name: string, version: string) =>
    request(
      'POST',
      `/api/staff/fieldings/${enc(name)}/version`,
      z.object({ fielding: FieldingSchema, from: z.string(), to: z.string() }),
      { version },
    ),
  setThresholds: (name: string, thresholds: { complete: number; partial: number }) =>
    request('PUT', `/api/staff/fieldings/${enc(name)}/thresholds`, z.object({ fielding: FieldingSchema }), thresholds),
  cases: (fielding: string, query: Record<string, string>) =>
    request('GET', `/api/staff/fieldings/${enc(fielding)}/cases?${new URLSearchParams(query)}`, CasePageSchema),
  case: (id: number) => request('GET', `/api/staff/cases/${id}`, CaseDetailSchema),
  revokeLink: (caseId: number, tokenId: number) =>
    request('POST', `/api/staff/cases/${caseId}/links/${tokenId}/revoke`, z.object({ link: z.unknown() })),
  reissueLink: (caseId: number, contactId: number) =>
    request('POST', `/api/staff/cases/${caseId}/contacts/${contactId}/reissue`, z.object({ link: IssuedLinkSchema })),
  markCase: (caseId: number, as: 'refused' | 'ineligible', reason: string) =>
    request('POST', `/api/staff/cases/${caseId}/mark`, z.object({ disposition: DispositionSchema }), { as, reason }),
  addContact: (caseId: number, contact: { name: string; email: string; title?: string }) =>
    request('POST', `/api/staff/cases/${caseId}/contacts`, z.object({ contact: ContactSchema }), contact),
  editContact: (caseId: number, contactId: number, change: { email: string }) =>
    request('PATCH', `/api/staff/cases/${caseId}/contacts/${contactId}`, z.object({ contact: ContactSchema }), change),
  markUndeliverable: (caseId: number, contactId: number) =>
    request(
      'POST',
      `/api/staff/cases/${caseId}/contacts/${contactId}/undeliverable`,
      z.object({ contact: ContactSchema }),
      {},
    ),
  instruments: () => request('GET', '/api/staff/instruments', z.object({ instruments: z.array(InstrumentSchema) })),
  /** Starts a test-mode preview; the link opens the respondent app and works for two hours. */
  startPreview: (id: string, version: string) =>
    request(
      'POST',
      `/api/staff/instruments/${enc(id)}/${enc(version)}/preview`,
      z.object({ url: z.string(), expiresAt: z.string() }),
      {},
    ),
  codebookUrl: (id: string, version: string) =>
    `/api/staff/instruments/${enc(id)}/${enc(version)}/codebook?format=html`,
  /** Counts by disposition and stratum, the AAPOR rates, and progress by day, for the dashboard. */
  fieldingStatus: (fielding: string) =>
    request('GET', `/api/staff/fieldings/${enc(fielding)}/status`, FieldingStatusSchema),
  caseList: (fielding: string) =>
    fileRequest(`/api/staff/fieldings/${enc(fielding)}/cases.csv`, { method: 'GET', accept: 'text/csv' }),
  paperUrl: (id: string, version: string) => `/api/staff/instruments/${enc(id)}/${enc(version)}/paper`,
  /** Issues an access code per open office and answers the letters PDF with its counts. */
  letters: async (fielding: string) => {
    const result = await fileRequest(`/api/staff/fieldings/${enc(fielding)}/letters`, { accept: 'application/pdf' });
    return result.ok ? { ...result, value: { ...result.value, counts: letterCountsOf(result.value.headers) } } : result;
  },
  exportZip: (fielding: string, options: ExportOptions) =>
    fileRequest(`/api/staff/fieldings/${enc(fielding)}/exports`, {
      body: JSON.stringify(options),
      contentType: 'application/json',
      accept: 'application/zip',
    }),
};
