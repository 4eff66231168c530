import type { Instrument } from '../instruments/registry.js';
import { renderableSurvey } from '../instruments/sanitize.js';

/** Each instrument's survey with refused markup removed, made once: instruments never change. */
const rendered = new WeakMap<Instrument, Record<string, unknown>>();
function surveyToRender(instrument: Instrument): Record<string, unknown> {
  let survey = rendered.get(instrument);
  if (!survey) {
    survey = renderableSurvey(instrument.survey);
    rendered.set(instrument, survey);
  }
  return survey;
}

import type { ResponseRow } from './repo.js';
import { studyInfo } from './study.js';

/**
 * What a respondent's browser receives: never staff data, never another contact's details. Every
 * status names the study, so even a closed link tells the person whom to ask.
 */
export function presentResponse(row: ResponseRow, instrument: Instrument, officeName: string, locale: string) {
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
      estimatedMinutes: instrument.meta.estimatedMinutes,
      consent: instrument.meta.consent,
      survey: surveyToRender(instrument),
    },
    answers: JSON.parse(row.answers) as Record<string, unknown>,
    page: row.current_page,
    revision: row.revision,
  };
}
