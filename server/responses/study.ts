import { instrumentStructure } from '../instruments/answers.js';
import type { Instrument } from '../instruments/registry.js';

/** What every respondent page shows about the study: its name, whom to ask, a header and footer. */
export type StudyInfo = { name: string; contactEmail: string; header: string; footer: string };

/** A SurveyJS string is text or `{ default, <locale>: text }`; the locale's text wins when present. */
function localized(value: unknown, locale: string): string | undefined {
  if (typeof value === 'string') return value || undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  const texts = value as Record<string, unknown>;
  const text = (locale && texts[locale]) || texts.default;
  return typeof text === 'string' && text ? text : undefined;
}

export function studyInfo(instrument: Instrument, locale: string): StudyInfo {
  const { study, title } = instrument.meta;
  return {
    name: study?.name ?? localized(instrument.survey.title, locale) ?? title,
    contactEmail: study?.contactEmail ?? '',
    header: study?.header ?? '',
    footer: study?.footer ?? '',
  };
}

/**
 * The locale an office's respondent sees: the frame's `language` column when the survey has
 * strings in that language ("de-CH" falls back to "de"), else the survey's own default locale.
 */
export function respondentLocale(instrument: Instrument, language: string | undefined): string {
  const fallback = typeof instrument.survey.locale === 'string' ? instrument.survey.locale : '';
  const wanted = language?.trim().toLowerCase();
  if (!wanted) return fallback;
  const available = instrumentStructure(instrument).getUsedLocales();
  const primary = wanted.split(/[-_]/)[0] ?? wanted;
  return [wanted, primary].find((code) => available.includes(code)) ?? fallback;
}
