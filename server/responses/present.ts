import { buildCodebook } from '../codebook/build.js';
import type { RespondState } from '../contracts/responses.js';
import type { HostValues } from '../instruments/hostVariables.js';
import type { Instrument } from '../instruments/registry.js';
import { renderableSurvey } from '../instruments/sanitize.js';

/**
 * What a respondent's browser gets of an instrument, made once per instrument (instruments never
 * change): the survey with refused markup removed, and the minutes from the metadata or, when it
 * gives none, from the codebook's estimate.
 */
const rendered = new WeakMap<Instrument, { survey: Record<string, unknown>; estimatedMinutes: number }>();
function forRespondents(instrument: Instrument) {
  let view = rendered.get(instrument);
  if (!view) {
    view = {
      survey: renderableSurvey(instrument.survey),
      // A very short survey's estimate rounds to 0, and "About 0 minutes" reads as a mistake.
      estimatedMinutes:
        instrument.meta.estimatedMinutes ?? Math.max(1, buildCodebook(instrument).instrument.estimatedMinutes),
    };
    rendered.set(instrument, view);
  }
  return view;
}

/** The minutes a respondent is told the survey takes (the respondent app, invitations, letters). */
export const estimatedMinutesOf = (instrument: Instrument) => forRespondents(instrument).estimatedMinutes;

import type { ResponseRow } from './repo.js';
import { studyInfo } from './study.js';

/**
 * What a respondent's browser receives: never staff data, never another contact's details. Every
 * status names the study, so even a closed link tells the person whom to ask.
 */
export function presentResponse(
  row: Pick<ResponseRow, 'status' | 'submitted_at' | 'answers' | 'current_page' | 'revision'>,
  instrument: Instrument,
  officeName: string,
  locale: string,
  host: HostValues,
): RespondState {
  const study = studyInfo(instrument, locale);
  if (row.status === 'completed') return { status: 'completed' as const, submittedAt: row.submitted_at, study };
  if (row.status === 'declined') return { status: 'declined' as const, study };
  return {
    status: 'open' as const,
    office: { name: officeName },
    study,
    locale,
    instrument: {
      id: instrument.meta.id,
      version: instrument.meta.version,
      title: instrument.meta.title,
      estimatedMinutes: forRespondents(instrument).estimatedMinutes,
      consent: instrument.meta.consent ?? null,
      survey: forRespondents(instrument).survey,
      // The case's host variables (meta.hostVariables), set on the model before the answers.
      variables: host,
      // Repeating panel -> its entry key, which the app gives each entry added (entryKeys.ts).
      ...(instrument.meta.panelKeys ? { panelKeys: instrument.meta.panelKeys } : {}),
    },
    answers: JSON.parse(row.answers) as Record<string, unknown>,
    page: row.current_page,
    revision: row.revision,
  };
}
