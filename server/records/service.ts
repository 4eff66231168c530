import type { AuditRepo } from '../audit/repo.js';
import type { StaffAccount } from '../http/registry.js';
import type { Answers } from '../instruments/answers.js';
import { hostValues } from '../instruments/hostVariables.js';
import type { Instrument, InstrumentRegistry } from '../instruments/registry.js';
import type { ValidationPool } from '../instruments/validationPool.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import { AppError, conflict, unprocessable } from '../platform/errors.js';
import { checkedDraftAnswers, judgedCompletionAnswers, staleRevision } from '../responses/service.js';
import type { SiteRepo } from '../sites/repo.js';
import { canSeeSite, recordInstruments, visibleSiteOr404 } from '../sites/service.js';
import { initialsOf } from '../staff/names.js';
import type { StaffRepo } from '../staff/repo.js';
import { type AnswerChange, answerChanges, panelShape, STATUS_VARIABLE, storedChange } from './changes.js';
import { headerAnswers, refusalAnswers } from './header.js';
import type { RecordFilter, RecordRepo, RecordRow } from './repo.js';
import type { DraftBody, FinalizeBody, RecordListQuery, StartRecordBody } from './schema.js';

/** The repositories this module uses. */
type Repos = { audit: AuditRepo; db: Db; records: RecordRepo; sites: SiteRepo; staff: StaffRepo };

export type RecordContext = {
  repos: Repos;
  instruments: InstrumentRegistry;
  clock: Clock;
  validation: ValidationPool;
};

type Viewer = Pick<StaffAccount, 'id' | 'role' | 'email' | 'full_name'>;

/** One answer for a record that does not exist and one the caller may not see: nothing tells them apart. */
export const recordNotFound = () => new AppError(404, 'record_not_found', 'No such record.');

export function visibleRecordOr404(ctx: Pick<RecordContext, 'repos'>, viewer: Viewer, recordId: number): RecordRow {
  const row = ctx.repos.records.findRecord(recordId);
  if (!row || !canSeeSite(ctx, viewer, row.site_id)) throw recordNotFound();
  return row;
}

export function recordInstrumentOf(ctx: Pick<RecordContext, 'instruments'>, row: RecordRow): Instrument {
  const instrument = ctx.instruments.get(row.instrument_id, row.instrument_version);
  // A record stays on the version it began on; if that file is gone the server is misconfigured.
  if (!instrument) {
    throw new AppError(
      500,
      'instrument_missing',
      `Instrument ${row.instrument_id}@${row.instrument_version} is not loaded on this server.`,
    );
  }
  return instrument;
}

const parseAnswers = (row: Pick<RecordRow, 'answers'>) => JSON.parse(row.answers) as Answers;

function refuseIfNotInProgress(row: Pick<RecordRow, 'status'>) {
  if (row.status !== 'in_progress') {
    throw conflict(
      'record_final',
      `This record is ${row.status === 'final' ? 'final' : 'refused'} and read-only; an admin or fieldwork lead can reopen it with a reason. Nothing was changed.`,
    );
  }
}

const shapeOf = (instrument: Instrument) => panelShape(instrument.survey, instrument.meta.panelKeys);

function writeChanges(
  ctx: RecordContext,
  recordId: number,
  revision: number,
  changes: readonly AnswerChange[],
  staffId: number,
  at: string,
  reason: string | null,
) {
  ctx.repos.records.appendChanges(recordId, revision, changes.map(storedChange), staffId, at, reason);
}

/** The records the viewer may see (an interviewer: those of their sites), filtered and paged. */
export function listRecords(ctx: Pick<RecordContext, 'repos'>, viewer: Viewer, query: RecordListQuery) {
  const filter: RecordFilter = {
    siteId: query.site,
    instrumentId: query.instrument,
    interviewerId: query.interviewer,
    status: query.status,
    assignedTo: viewer.role === 'interviewer' ? viewer.id : undefined,
  };
  return ctx.repos.records.findRecords(filter, query.pageSize, (query.page - 1) * query.pageSize);
}

/**
 * Starts a record at a site on the newest loaded version of an interviewer-mode instrument the site
 * uses, with its header prefilled (editable). An interviewer may start records only at their sites.
 */
export function startRecord(ctx: RecordContext, viewer: Viewer, body: StartRecordBody): RecordRow {
  const site = visibleSiteOr404(ctx, viewer, body.siteId);
  const [instrument] = recordInstruments(ctx, [body.instrumentId]) as [Instrument];
  if (!ctx.repos.sites.instrumentsOf(site.id).includes(instrument.meta.id)) {
    throw unprocessable(
      'instrument_not_at_site',
      `${site.name} does not use ${instrument.meta.id}; an admin or fieldwork lead adds it to the site first.`,
      { instrumentId: instrument.meta.id },
    );
  }
  const now = ctx.clock().toISOString();
  const answers = headerAnswers(instrument, {
    siteName: site.name,
    today: now.slice(0, 10),
    initials: initialsOf(viewer),
  });
  return ctx.repos.db.transaction(() => {
    const row = ctx.repos.records.insertRecord({
      siteId: site.id,
      instrumentId: instrument.meta.id,
      instrumentVersion: instrument.meta.version,
      staffId: viewer.id,
      answers,
      at: now,
    });
    // Revision 0 in the trail: the record came into being, with the header the server filled in.
    writeChanges(
      ctx,
      row.id,
      0,
      [
        { variable: STATUS_VARIABLE, old: undefined, new: 'in_progress' },
        ...answerChanges({}, answers, shapeOf(instrument)),
      ],
      viewer.id,
      now,
      null,
    );
    return row;
  })();
}

/** The same draft protocol as a respondent's: the revision must match, else 409 with the server's draft. */
export function saveRecordDraft(ctx: RecordContext, viewer: Viewer, recordId: number, body: DraftBody) {
  const row = visibleRecordOr404(ctx, viewer, recordId);
  refuseIfNotInProgress(row);
  const instrument = recordInstrumentOf(ctx, row);
  const answers = checkedDraftAnswers(instrument, body);
  const at = ctx.clock().toISOString();
  return ctx.repos.db.transaction(() => {
    const current = ctx.repos.records.findRecord(recordId) as RecordRow;
    refuseIfNotInProgress(current);
    if (
      current.revision !== body.revision ||
      !ctx.repos.records.saveDraft(current.id, body.revision, answers, body.page, viewer.id, at)
    ) {
      throw staleRevision(current);
    }
    const revision = current.revision + 1;
    const changes = answerChanges(parseAnswers(current), answers, shapeOf(instrument));
    writeChanges(ctx, current.id, revision, changes, viewer.id, at, current.reopen_reason);
    return { revision, savedAt: at };
  })();
}

/**
 * Final: the answers pass the full validation a respondent's completion gets (422 keeps the
 * draft), then the record is read-only. A declined consent makes it `refused` instead, keeping only
 * the header page's answers; what is dropped is in the trail like any other change.
 */
export async function finalizeRecord(ctx: RecordContext, viewer: Viewer, recordId: number, body: FinalizeBody) {
  const row = visibleRecordOr404(ctx, viewer, recordId);
  refuseIfNotInProgress(row);
  if (row.revision !== body.revision) throw staleRevision(row);
  const instrument = recordInstrumentOf(ctx, row);
  const consent = instrument.meta.consent;
  const refused = consent !== undefined && body.answers[consent.question] === consent.declineValue;
  let kept: Answers;
  if (refused) {
    // The header must still fit its questions: the same checks as a draft.
    const checked = checkedDraftAnswers(instrument, { answers: body.answers, page: 0, revision: body.revision });
    kept = refusalAnswers(instrument, consent.question, checked);
  } else {
    const host = hostValues(instrument.meta.hostVariables, {});
    kept = await judgedCompletionAnswers(ctx.validation, instrument, body.answers, host);
  }
  const status = refused ? ('refused' as const) : ('final' as const);
  const at = ctx.clock().toISOString();
  return ctx.repos.db.transaction(() => {
    // The record may have moved on while the answers were being checked.
    const current = ctx.repos.records.findRecord(recordId) as RecordRow;
    refuseIfNotInProgress(current);
    if (!ctx.repos.records.finishRecord(current.id, body.revision, status, kept, viewer.id, at)) {
      throw staleRevision(current);
    }
    const changes = [
      ...answerChanges(parseAnswers(current), kept, shapeOf(instrument)),
      { variable: STATUS_VARIABLE, old: 'in_progress', new: status },
    ];
    writeChanges(ctx, current.id, current.revision + 1, changes, viewer.id, at, current.reopen_reason);
    return ctx.repos.records.findRecord(recordId) as RecordRow;
  })();
}

/** A lead reopens a final or refused record with a reason, which every change carries until it is final again. */
export function reopenRecord(ctx: RecordContext, viewer: Viewer, recordId: number, reason: string) {
  const row = visibleRecordOr404(ctx, viewer, recordId);
  if (row.status === 'in_progress') {
    throw conflict('record_not_final', 'This record is not final; it can be edited as it is. Nothing was changed.');
  }
  const at = ctx.clock().toISOString();
  return ctx.repos.db.transaction(() => {
    if (!ctx.repos.records.reopenRecord(row.id, reason, viewer.id, at)) {
      throw conflict('record_not_final', 'This record was reopened meanwhile. Nothing was changed.');
    }
    const reopened = ctx.repos.records.findRecord(row.id) as RecordRow;
    writeChanges(
      ctx,
      row.id,
      reopened.revision,
      [{ variable: STATUS_VARIABLE, old: row.status, new: 'in_progress' }],
      viewer.id,
      at,
      reason,
    );
    ctx.repos.audit.recordAudit({
      at,
      actor: viewer.email,
      action: 'record.reopen',
      fielding: null,
      detail: { record: row.id, site: row.site_id, reason },
    });
    return reopened;
  })();
}
