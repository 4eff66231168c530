import type * as z from 'zod/mini';
import {
  type OpenRecord,
  OpenRecordSchema,
  RecordHistorySchema,
  RecordPageSchema,
  SavedSchema,
} from '../../server/contracts/records.js';
import { InterviewerListSchema, OneSiteSchema, SiteListSchema } from '../../server/contracts/sites.js';
import { classifyError, type Failure as DraftFailure, KEEPALIVE_LIMIT } from '../respond/api.js';
import type { SyncTransport } from '../respond/draftSync.js';
import { jsonRequest, type Outcome } from '../shared/jsonRequest.js';
import { csrfHeaders, request } from './api.js';
import { noteSessionAnswer } from './sessionClock.js';

export type {
  ListedRecord,
  OpenRecord,
  RecordChange,
  RecordPage,
  RecordStatus,
} from '../../server/contracts/records.js';
export type { Site, SiteInstrument, SiteInterviewer } from '../../server/contracts/sites.js';

/** The Phase II sites and records routes (docs/staff-api.md), parsed with the server's contracts. */

export type SiteFields = { name: string; jurisdiction: string; notes: string };
export type RecordFilter = { site?: string; instrument?: string; interviewer?: string; status?: string; page?: string };

export const recordsApi = {
  sites: () => request('GET', '/api/staff/sites', SiteListSchema),
  /** The active interviewer accounts a site can be given (admin and fieldwork leads). */
  interviewers: () => request('GET', '/api/staff/interviewers', InterviewerListSchema),
  createSite: (fields: SiteFields) => request('POST', '/api/staff/sites', OneSiteSchema, fields),
  editSite: (id: number, fields: Partial<SiteFields>) =>
    request('PATCH', `/api/staff/sites/${id}`, OneSiteSchema, fields),
  setInterviewers: (id: number, staffIds: number[]) =>
    request('PUT', `/api/staff/sites/${id}/interviewers`, OneSiteSchema, { staffIds }),
  setInstruments: (id: number, instrumentIds: string[]) =>
    request('PUT', `/api/staff/sites/${id}/instruments`, OneSiteSchema, { instrumentIds }),
  records: (filter: RecordFilter) =>
    request(
      'GET',
      `/api/staff/records?${new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][])}`,
      RecordPageSchema,
    ),
  startRecord: (siteId: number, instrumentId: string) =>
    request('POST', '/api/staff/records', OpenRecordSchema, { siteId, instrumentId }),
  record: (id: number) => request('GET', `/api/staff/records/${id}`, OpenRecordSchema),
  reopen: (id: number, reason: string) =>
    request('POST', `/api/staff/records/${id}/reopen`, OpenRecordSchema, { reason }),
  history: (id: number) => request('GET', `/api/staff/records/${id}/history`, RecordHistorySchema),
};

/**
 * A record's answers in the respondent's failure terms, so the respondent app's DraftSync drives
 * the entry page unchanged: a final record stops saving as a submitted response does, a record the
 * caller may not see as a revoked link, and stale_revision / invalid_answers are the same protocol.
 */
function classifyRecordError(status: number, body: unknown): DraftFailure {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  if (code === 'record_final') return { kind: 'closed', status: 'completed' };
  if (code === 'record_not_found') return { kind: 'link_not_valid' };
  return classifyError(status, body);
}

function recordRequest<T>(
  method: 'PUT' | 'POST',
  url: string,
  schema: z.ZodMiniType<T>,
  body: unknown,
  onSignedOut: () => void,
): Promise<Outcome<T, DraftFailure>> {
  return jsonRequest({
    method,
    url,
    schema,
    body,
    headers: csrfHeaders(),
    // A save sent as the page goes away (reload, tab closed) still reaches the server.
    keepaliveUnder: KEEPALIVE_LIMIT,
    classify: (response, json) => classifyRecordError(response.status, json),
    unavailable: { kind: 'unavailable' },
    onResponse: (response) => {
      noteSessionAnswer(response.headers);
      if (response.status === 401) onSignedOut();
    },
  });
}

/** Where the entry page's DraftSync sends a record's drafts and its finalization. */
export function recordTransport(id: number, onSignedOut: () => void): SyncTransport<OpenRecord> {
  return {
    saveDraft: (body) => recordRequest('PUT', `/api/staff/records/${id}/draft`, SavedSchema, body, onSignedOut),
    complete: (body) => recordRequest('POST', `/api/staff/records/${id}/finalize`, OpenRecordSchema, body, onSignedOut),
  };
}
