import type { CaseRepo } from '../cases/repo.js';
import type { FieldingClosedDetails } from '../contracts/responses.js';
import type { FieldingRepo } from '../fieldings/repo.js';
import {
  type AnswerCheck,
  type Answers,
  checkAnswerShape,
  checkQuestionValue,
  instrumentStructure,
} from '../instruments/answers.js';
import { withoutClientComputed } from '../instruments/computedValues.js';
import { type HostValues, hostValues } from '../instruments/hostVariables.js';
import type { Instrument, InstrumentRegistry } from '../instruments/registry.js';
import type { InstrumentMeta } from '../instruments/schema.js';
import type { ValidationPool } from '../instruments/validationPool.js';
import type { OfficeRepo, OfficeRow } from '../offices/repo.js';
import { isStateCode, stateFips } from '../offices/states.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import { AppError, conflict, unprocessable } from '../platform/errors.js';
import type { TokenRow } from '../tokens/repo.js';
import { completionDigest } from './digest.js';
import type { ResponseRepo, ResponseRow } from './repo.js';
import type { CompleteBody, DeclineBody, DraftBody } from './schema.js';
import { respondentLocale, studyInfo } from './study.js';

/** The repositories this module uses. */
type Repos = { cases: CaseRepo; db: Db; fieldings: FieldingRepo; offices: OfficeRepo; responses: ResponseRepo };

export type RespondContext = {
  repos: Repos;
  instruments: InstrumentRegistry;
  clock: Clock;
  validation: ValidationPool;
};

/** A link opened again within this time is one visit: the event log records visits, not page loads. */
export const VISIT_MS = 30 * 60 * 1000;

export function instrumentOf(ctx: Pick<RespondContext, 'instruments'>, id: string, version: string): Instrument {
  const instrument = ctx.instruments.get(id, version);
  // A response stays on the version it started with; if that file is gone the server is misconfigured.
  if (!instrument)
    throw new AppError(500, 'instrument_missing', `Instrument ${id}@${version} is not loaded on this server.`);
  return instrument;
}

/** The frame's value for a prefilled question, or undefined when the frame has none that fits. */
function frameValue(
  fields: Record<string, unknown>,
  column: string,
  transform: InstrumentMeta['prefill'][string]['transform'],
): unknown {
  const raw = fields[column];
  if (raw === undefined || raw === null || raw === '') return undefined;
  switch (transform) {
    case 'state_fips':
      return typeof raw === 'string' && isStateCode(raw) ? stateFips(raw) : undefined;
    case 'integer': {
      const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
      return Number.isInteger(n) ? n : undefined;
    }
    case 'text':
      return String(raw);
  }
}

/** The frame's extra columns for an office, by header name (e.g. `language`). */
const officeAttributes = (office: OfficeRow) => JSON.parse(office.attributes) as Record<string, string | undefined>;

/** An office's frame row: the frame's own columns, then its extra columns (kept as attributes). */
const frameFields = (office: OfficeRow): Record<string, unknown> => ({
  ...officeAttributes(office),
  ...office,
  attributes: undefined,
});

/** The case's host variables (meta.hostVariables), from its office's frame row, its fielding or constants. */
export function caseHostValues(ctx: Pick<RespondContext, 'repos'>, instrument: Instrument, caseId: number): HostValues {
  if (!instrument.meta.hostVariables) return {};
  const found = ctx.repos.cases.findCase(caseId);
  const office = found && ctx.repos.offices.findOffice(found.office_id);
  const fielding = found && ctx.repos.fieldings.findFieldingByName(found.fielding_name);
  return hostValues(instrument.meta.hostVariables, {
    ...(office ? { frame: frameFields(office) } : {}),
    ...(fielding ? { fielding: { name: fielding.name, closesAt: fielding.closes_at } } : {}),
  });
}

/** Office-profile answers the frame already knows, shown to the respondent for confirmation. */
export function prefillAnswers(instrument: Instrument, office: OfficeRow): Answers {
  const model = instrumentStructure(instrument);
  const answers: Answers = {};
  const fields = frameFields(office);
  for (const [name, rule] of Object.entries(instrument.meta.prefill)) {
    const question = model.getQuestionByName(name);
    const value = frameValue(fields, rule.column, rule.transform);
    // A frame value the question would reject (out of range, not a choice) is left for the respondent.
    if (question && value !== undefined && checkQuestionValue(question, value).length === 0) answers[name] = value;
  }
  return answers;
}

function ensureResponse(ctx: RespondContext, caseId: number): ResponseRow {
  const { repos } = ctx;
  return repos.db.transaction(() => {
    const existing = repos.responses.findResponseByCase(caseId);
    if (existing) return existing;
    const found = repos.cases.findCase(caseId);
    const office = found && repos.offices.findOffice(found.office_id);
    if (!found || !office) throw new AppError(500, 'case_missing', 'The case behind this link is missing.');
    const instrument = instrumentOf(ctx, found.instrument_id, found.instrument_version);
    return repos.responses.insertResponse({
      caseId,
      instrumentId: instrument.meta.id,
      instrumentVersion: instrument.meta.version,
      answers: prefillAnswers(instrument, office),
      at: ctx.clock().toISOString(),
    });
  })();
}

/** What the respondent-facing checks read of a response, or of a staff preview's test run. */
export type DraftState = Pick<ResponseRow, 'status' | 'answers' | 'current_page' | 'revision'>;

const parseAnswers = (row: Pick<DraftState, 'answers'>) => JSON.parse(row.answers) as Answers;

/** The 409 of a save against an old revision, carrying the draft the server holds (a record's too). */
export function staleRevision(row: Pick<DraftState, 'answers' | 'current_page' | 'revision'>) {
  return conflict(
    'stale_revision',
    'These answers were changed on another device since you last saved. Both sets of answers were kept; review them and save again.',
    {
      answers: parseAnswers(row),
      page: row.current_page,
      revision: row.revision,
    },
  );
}

export function refuseIfClosed(row: Pick<ResponseRow, 'status'>) {
  if (row.status === 'completed')
    throw conflict('already_completed', 'This survey has already been submitted; nothing was changed.');
  if (row.status === 'declined')
    throw conflict('already_declined', 'This office has declined the survey; nothing was changed.');
}

/** Events the saved answers imply: consent given, a new page reached. */
function progressEvents(
  ctx: RespondContext,
  row: ResponseRow,
  instrument: Instrument,
  answers: Answers,
  page: number | undefined,
  tokenId: number,
  at: string,
) {
  const consent = instrument.meta.consent;
  if (consent) {
    const before = parseAnswers(row)[consent.question];
    const now = answers[consent.question];
    const consenting = (v: unknown) => v !== undefined && v !== null && v !== consent.declineValue;
    if (consenting(now) && !consenting(before)) ctx.repos.cases.appendEvent(row.case_id, 'consented', at, tokenId);
  }
  if (page !== undefined && page !== row.current_page)
    ctx.repos.cases.appendEvent(row.case_id, 'page_saved', at, tokenId, { page });
}

export function openResponse(ctx: RespondContext, token: TokenRow, via: 'link' | 'code') {
  const row = ensureResponse(ctx, token.case_id);
  const now = ctx.clock();
  const last = ctx.repos.cases.lastOpenedAt(token.case_id, token.id, via);
  if (!last || now.getTime() - new Date(last).getTime() >= VISIT_MS) {
    ctx.repos.cases.appendEvent(token.case_id, 'link_opened', now.toISOString(), token.id, { via });
  }
  const found = ctx.repos.cases.findCase(token.case_id);
  const instrument = instrumentOf(ctx, row.instrument_id, row.instrument_version);
  const office = found && ctx.repos.offices.findOffice(found.office_id);
  const language = office ? officeAttributes(office).language : undefined;
  return {
    row,
    instrument,
    officeName: found?.office_name ?? '',
    locale: respondentLocale(instrument, language),
    host: caseHostValues(ctx, instrument, token.case_id),
  };
}

/**
 * A link whose fielding has closed still shows a finished response (submitted, declined); for one
 * still open, every respondent route answers 410 fielding_closed with the closing time and the time
 * of the office's last saved answers, so the person learns the survey closed (not that the link is
 * bad) and that what they saved was kept. Nothing is changed.
 */
export function refuseIfFieldingClosed(ctx: RespondContext, token: TokenRow): void {
  const row = ctx.repos.responses.findResponseByCase(token.case_id);
  if (row && row.status !== 'in_progress') return;
  const found = ctx.repos.cases.findCase(token.case_id);
  if (!found) throw new AppError(500, 'case_missing', 'The case behind this link is missing.');
  const instrument = instrumentOf(ctx, found.instrument_id, found.instrument_version);
  const office = ctx.repos.offices.findOffice(found.office_id);
  const locale = respondentLocale(instrument, office ? officeAttributes(office).language : undefined);
  const closedAt = token.fielding_closes_at ?? ctx.clock().toISOString();
  // Revision 0 holds only what the frame prefilled: nothing the office saved.
  const savedAt = row && row.revision > 0 ? row.updated_at : null;
  const details: FieldingClosedDetails = { closedAt, savedAt, study: studyInfo(instrument, locale) };
  const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
  throw new AppError(
    410,
    'fielding_closed',
    `This survey closed on ${utc(closedAt)}; ${savedAt ? `your answers until ${utc(savedAt)} were saved` : 'no answers had been saved'}. Nothing was changed.`,
    details,
  );
}

/**
 * A draft's answers as they are stored, after the checks every draft gets (a respondent's or a
 * staff preview's alike): each answer fits its question and the page exists; else a 400.
 */
export function checkedDraftAnswers(instrument: Instrument, body: DraftBody): Answers {
  const model = instrumentStructure(instrument);
  const shape = checkAnswerShape(model, body.answers, instrument.meta.panelKeys);
  if (shape.count > 0) {
    throw new AppError(
      400,
      'invalid_answers',
      'Some answers do not fit their questions; nothing was saved.',
      problemDetails(shape),
    );
  }
  if (body.page >= model.pages.length) {
    throw new AppError(
      400,
      'invalid_input',
      `Page ${body.page} does not exist; the survey has ${model.pages.length} pages.`,
    );
  }
  return withoutClientComputed(model, body.answers);
}

/** A completion's cleaned answers after the full validation every completion gets; else a 422. */
export async function judgedCompletionAnswers(
  validation: ValidationPool,
  instrument: Instrument,
  answers: Answers,
  host: HostValues,
): Promise<Answers> {
  const shape = checkAnswerShape(instrumentStructure(instrument), answers, instrument.meta.panelKeys);
  if (shape.count > 0) throw invalidCompletion(problemDetails(shape));
  // SurveyJS's validation and the clearing of hidden answers build models: off the event loop.
  const verdict = await validation.judgeCompletion(instrument, answers, host);
  if (!verdict.ok) throw invalidCompletion({ questions: verdict.errors });
  return verdict.cleaned;
}

export function saveDraft(ctx: RespondContext, token: TokenRow, body: DraftBody) {
  const row = ensureResponse(ctx, token.case_id);
  refuseIfClosed(row);
  const instrument = instrumentOf(ctx, row.instrument_id, row.instrument_version);
  const answers = checkedDraftAnswers(instrument, body);
  const at = ctx.clock().toISOString();
  return ctx.repos.db.transaction(() => {
    const current = ctx.repos.responses.findResponseByCase(token.case_id) as ResponseRow;
    refuseIfClosed(current);
    if (
      current.revision !== body.revision ||
      !ctx.repos.responses.saveDraft(current.id, body.revision, answers, body.page, at)
    ) {
      throw staleRevision(current);
    }
    progressEvents(ctx, current, instrument, answers, body.page, token.id, at);
    return { revision: current.revision + 1, savedAt: at };
  })();
}

export function declineResponse(ctx: RespondContext, token: TokenRow, reason: DeclineBody['reason']) {
  const row = ensureResponse(ctx, token.case_id);
  if (row.status === 'declined') return { status: 'declined' as const };
  refuseIfClosed(row);
  const at = ctx.clock().toISOString();
  ctx.repos.db.transaction(() => {
    if (ctx.repos.responses.markDeclined(row.id, at)) {
      ctx.repos.cases.appendEvent(row.case_id, 'declined', at, token.id, { reason });
    }
  })();
  return { status: 'declined' as const };
}

/** Only an identical repeat of the accepted completion (a double click, a retry) answers as it did. */
function repeatOfCompletion(row: ResponseRow, digest: string) {
  if (row.completion_digest !== digest) {
    throw conflict(
      'already_completed',
      'This survey has already been submitted with other answers; nothing was changed.',
    );
  }
  return { status: 'completed' as const, submittedAt: row.submitted_at };
}

export async function completeResponse(ctx: RespondContext, token: TokenRow, body: CompleteBody) {
  const row = ensureResponse(ctx, token.case_id);
  const digest = completionDigest(body);
  if (row.status === 'completed') return repeatOfCompletion(row, digest);
  refuseIfClosed(row);
  if (row.revision !== body.revision) throw staleRevision(row);
  const instrument = instrumentOf(ctx, row.instrument_id, row.instrument_version);
  // No consent question in the instrument: no consent gate.
  const consent = instrument.meta.consent;
  if (consent && body.answers[consent.question] === consent.declineValue) {
    return declineResponse(ctx, token, 'consent_declined');
  }

  const host = caseHostValues(ctx, instrument, token.case_id);
  const cleaned = await judgedCompletionAnswers(ctx.validation, instrument, body.answers, host);
  const at = ctx.clock().toISOString();
  return ctx.repos.db.transaction(() => {
    const current = ctx.repos.responses.findResponseByCase(token.case_id) as ResponseRow;
    // The response may have moved on while the answers were being checked.
    if (current.status === 'completed') return repeatOfCompletion(current, digest);
    refuseIfClosed(current);
    if (!ctx.repos.responses.markCompleted(current.id, body.revision, cleaned, digest, at)) {
      throw staleRevision(current);
    }
    progressEvents(ctx, current, instrument, cleaned, undefined, token.id, at);
    ctx.repos.cases.appendEvent(row.case_id, 'completed', at, token.id, {
      answered: Object.keys(cleaned).length,
    });
    return { status: 'completed' as const, submittedAt: at };
  })();
}

function invalidCompletion(details: unknown) {
  return unprocessable(
    'invalid_answers',
    'Some answers need attention before the survey can be submitted. Your saved answers are kept.',
    details,
  );
}

/** The `details` of an answers error: problems by question, and whether the list was cut short. */
function problemDetails(shape: AnswerCheck) {
  return shape.truncated ? { questions: shape.questions, truncated: true } : { questions: shape.questions };
}
