import type { Instrument } from '../instruments/registry.js';
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
      survey: instrument.survey,
    },
    answers: JSON.parse(row.answers) as Record<string, unknown>,
    page: row.current_page,
    revision: row.revision,
  };
}
