import type { AuditRepo } from '../audit/repo.js';
import { previewHostValues } from '../instruments/hostVariables.js';
import type { InstrumentRegistry } from '../instruments/registry.js';
import type { ValidationPool } from '../instruments/validationPool.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import { notFound } from '../platform/errors.js';
import { hashSecret, type RandomBytes } from '../platform/secrets.js';
import type { PreviewAnswering } from '../responses/access.js';
import { presentResponse } from '../responses/present.js';
import type { CompleteBody, DeclineBody, DraftBody } from '../responses/schema.js';
import {
  checkedDraftAnswers,
  instrumentOf,
  judgedCompletionAnswers,
  refuseIfClosed,
  staleRevision,
} from '../responses/service.js';
import { respondentLocale } from '../responses/study.js';
import type { PreviewRepo, PreviewRow } from './repo.js';

/** The repositories this module uses. */
type Repos = { audit: AuditRepo; db: Db; previews: PreviewRepo };

/** A preview link works for two hours: long enough to try the survey, too short to be a way in. */
export const PREVIEW_TTL_MS = 2 * 60 * 60 * 1000;

/**
 * Preview tokens carry the same 192 random bits as respondents' links behind a prefix, so the
 * respondent API tells them apart by shape alone and never looks one up among real tokens.
 */
const PREVIEW_PREFIX = 'test-';
const PREVIEW_TOKEN_SHAPE = /^test-[A-Za-z0-9_-]{32}$/;
export const isPreviewTokenShape = (credential: string) => PREVIEW_TOKEN_SHAPE.test(credential);

/** What a preview's label says in place of an office. */
const PREVIEW_OFFICE_NAME = 'Test preview (no office)';

export type PreviewContext = { repos: Repos; instruments: InstrumentRegistry; clock: Clock };

/** Starts a preview of one instrument version for a staff member; the clear token exists only in the answer. */
export function startPreview(
  ctx: PreviewContext & { random: RandomBytes; publicUrl: string },
  instrumentId: string,
  version: string,
  actor: string,
) {
  const instrument = ctx.instruments.get(instrumentId, version);
  if (!instrument) throw notFound(`No instrument ${instrumentId}@${version} is loaded.`);
  const token = `${PREVIEW_PREFIX}${ctx.random(24).toString('base64url')}`;
  const now = ctx.clock();
  const expiresAt = new Date(now.getTime() + PREVIEW_TTL_MS).toISOString();
  const at = now.toISOString();
  ctx.repos.db.transaction(() => {
    ctx.repos.previews.insertPreview({
      tokenHash: hashSecret(token),
      instrumentId: instrument.meta.id,
      instrumentVersion: instrument.meta.version,
      actor,
      at,
      expiresAt,
    });
    ctx.repos.audit.recordAudit({
      at,
      actor,
      action: 'preview',
      fielding: null,
      detail: { instrument: instrument.meta.id, version: instrument.meta.version, expiresAt },
    });
  })();
  return { url: `${ctx.publicUrl}/s/${token}`, expiresAt };
}

/** The live preview behind a well-shaped preview token, or undefined (unknown and expired alike). */
export function resolvePreview(ctx: PreviewContext, credential: string): PreviewRow | undefined {
  const row = ctx.repos.previews.findPreviewByHash(hashSecret(credential));
  if (!row || row.expires_at <= ctx.clock().toISOString()) return undefined;
  return row;
}

const instrumentOfPreview = (ctx: PreviewContext, row: PreviewRow) =>
  instrumentOf(ctx, row.instrument_id, row.instrument_version);

/** The respondent app's view of a preview: a response of no office, its study marked as a test. */
export function openPreview(ctx: PreviewContext, row: PreviewRow) {
  const instrument = instrumentOfPreview(ctx, row);
  const view = presentResponse(
    row,
    instrument,
    PREVIEW_OFFICE_NAME,
    respondentLocale(instrument, undefined),
    previewHostValues(instrument),
  );
  return { ...view, study: { ...view.study, testMode: true } };
}

/** Saves a test draft after exactly the checks a respondent's draft gets. */
export function savePreviewDraft(ctx: PreviewContext, row: PreviewRow, body: DraftBody) {
  refuseIfClosed(row);
  const answers = checkedDraftAnswers(instrumentOfPreview(ctx, row), body);
  const at = ctx.clock().toISOString();
  if (
    row.revision !== body.revision ||
    !ctx.repos.previews.savePreviewDraft(row.id, body.revision, answers, body.page, at)
  ) {
    throw staleRevision(ctx.repos.previews.findPreviewById(row.id) ?? row);
  }
  return { revision: row.revision + 1, savedAt: at };
}

export function declinePreview(ctx: PreviewContext, row: PreviewRow, _reason: DeclineBody['reason']) {
  if (row.status === 'declined') return { status: 'declined' as const };
  refuseIfClosed(row);
  ctx.repos.previews.markPreviewDeclined(row.id, ctx.clock().toISOString());
  return { status: 'declined' as const };
}

/** Completes a test run after exactly the validation a respondent's completion gets. */
export async function completePreview(
  ctx: PreviewContext & { validation: ValidationPool },
  row: PreviewRow,
  body: CompleteBody,
) {
  refuseIfClosed(row);
  if (row.revision !== body.revision) throw staleRevision(row);
  const instrument = instrumentOfPreview(ctx, row);
  const consent = instrument.meta.consent;
  if (consent && body.answers[consent.question] === consent.declineValue) {
    return declinePreview(ctx, row, 'consent_declined');
  }
  const cleaned = await judgedCompletionAnswers(
    ctx.validation,
    instrument,
    body.answers,
    previewHostValues(instrument),
  );
  const at = ctx.clock().toISOString();
  if (!ctx.repos.previews.markPreviewCompleted(row.id, body.revision, cleaned, at)) {
    const current = ctx.repos.previews.findPreviewById(row.id) ?? row;
    refuseIfClosed(current);
    throw staleRevision(current);
  }
  return { status: 'completed' as const, submittedAt: at };
}

/** How the respondent API answers a preview token: with these, on its own routes. */
export function previewAnswering(ctx: PreviewContext & { validation: ValidationPool }): PreviewAnswering<PreviewRow> {
  return {
    isPreviewToken: isPreviewTokenShape,
    resolve: (credential) => resolvePreview(ctx, credential),
    open: (row) => openPreview(ctx, row),
    saveDraft: (row, body) => savePreviewDraft(ctx, row, body),
    complete: (row, body) => completePreview(ctx, row, body),
    decline: (row, reason) => declinePreview(ctx, row, reason),
  };
}
