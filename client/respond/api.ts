import * as z from 'zod/mini';
import {
  CredentialSchema,
  type FieldingClosedDetails,
  FieldingClosedDetailsSchema,
  FinishSchema,
  type FinishState,
  type RemoteDraft,
  RemoteDraftSchema,
  type RespondState,
  RespondStateSchema,
  type Saved,
  SavedSchema,
} from '../../server/contracts/responses.js';
import { jsonRequest, type Outcome } from '../shared/jsonRequest.js';
import type { Answers } from './merge.js';

export type {
  FieldingClosedDetails,
  FinishState,
  OpenRespondState,
  RemoteDraft,
  RespondState,
  Saved,
  Study,
} from '../../server/contracts/responses.js';

/**
 * The respondent JSON API. Every response body is parsed with the server's contract schema
 * (server/contracts/responses.ts), because what the server sends is input like any other; a body
 * that does not match is treated as a server fault.
 */

const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.optional(z.unknown()) }),
});

const InvalidAnswersDetailsSchema = z.object({
  questions: z.record(z.string(), z.array(z.string())),
});

const RetryDetailsSchema = z.object({ retryAfterSeconds: z.number() });

/** Why a request did not succeed, already sorted into what the app does about it. */
export type Failure =
  | { kind: 'stale'; remote: RemoteDraft }
  | { kind: 'closed'; status: 'completed' | 'declined' }
  | FieldingClosed
  | { kind: 'invalid_answers'; message: string; questions: Record<string, string[]> }
  | { kind: 'link_not_valid' }
  | { kind: 'invalid_input'; message: string }
  | { kind: 'too_many_requests'; retryAfterSeconds: number | undefined }
  | { kind: 'unavailable' };

/** The link's fielding closed before this office finished: when, and when its answers were last saved. */
export type FieldingClosed = { kind: 'fielding_closed' } & FieldingClosedDetails;

export type ApiResult<T> = Outcome<T, Failure>;

export function classifyError(status: number, body: unknown): Failure {
  const parsed = ErrorBodySchema.safeParse(body);
  if (!parsed.success) return { kind: 'unavailable' };
  const { code, message, details } = parsed.data.error;
  if (code === 'stale_revision') {
    const remote = RemoteDraftSchema.safeParse(details);
    return remote.success ? { kind: 'stale', remote: remote.data } : { kind: 'unavailable' };
  }
  if (code === 'already_completed') return { kind: 'closed', status: 'completed' };
  if (code === 'already_declined') return { kind: 'closed', status: 'declined' };
  if (code === 'fielding_closed') {
    const closed = FieldingClosedDetailsSchema.safeParse(details);
    return closed.success ? { kind: 'fielding_closed', ...closed.data } : { kind: 'unavailable' };
  }
  if (code === 'invalid_answers') {
    const questions = InvalidAnswersDetailsSchema.safeParse(details);
    return { kind: 'invalid_answers', message, questions: questions.success ? questions.data.questions : {} };
  }
  if (code === 'link_not_valid') return { kind: 'link_not_valid' };
  if (code === 'too_many_requests') {
    const retry = RetryDetailsSchema.safeParse(details);
    return { kind: 'too_many_requests', retryAfterSeconds: retry.success ? retry.data.retryAfterSeconds : undefined };
  }
  if (status >= 400 && status < 500) return { kind: 'invalid_input', message };
  return { kind: 'unavailable' };
}

/** Beacon-like requests survive the page closing, but browsers cap keepalive bodies at 64 KiB. */
export const KEEPALIVE_LIMIT = 60_000;

function request<T>(
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  schema: z.ZodMiniType<T>,
  body?: unknown,
): Promise<ApiResult<T>> {
  return jsonRequest({
    method,
    url,
    schema,
    body,
    keepaliveUnder: KEEPALIVE_LIMIT,
    classify: (response, json) => classifyError(response.status, json),
    unavailable: { kind: 'unavailable' },
  });
}

function respondUrl(credential: string, suffix = ''): string {
  return `/api/respond/${encodeURIComponent(credential)}${suffix}`;
}

export async function exchangeAccessCode(code: string): Promise<ApiResult<string>> {
  const result = await request('POST', '/api/access-code', CredentialSchema, { code });
  return result.ok ? { ok: true, value: result.value.credential } : result;
}

export function loadRespondState(credential: string): Promise<ApiResult<RespondState>> {
  return request('GET', respondUrl(credential), RespondStateSchema);
}

export interface DraftBody {
  answers: Answers;
  page: number;
  revision: number;
}

export function saveDraft(credential: string, body: DraftBody): Promise<ApiResult<Saved>> {
  return request('PUT', respondUrl(credential, '/draft'), SavedSchema, body);
}

export function completeResponse(
  credential: string,
  body: { answers: Answers; revision: number },
): Promise<ApiResult<FinishState>> {
  return request('POST', respondUrl(credential, '/complete'), FinishSchema, body);
}

export function declineResponse(credential: string): Promise<ApiResult<FinishState>> {
  return request('POST', respondUrl(credential, '/decline'), FinishSchema, { reason: 'consent_declined' });
}
