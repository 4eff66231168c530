import { Serializer } from 'survey-core';

/**
 * Fieldkit's additions to the SurveyJS schema. Imported by the server (validation, codebook) and by
 * the respondent app (rendering), so an instrument means the same thing on both sides.
 *
 * `dk`: a count that may be answered "Don't know". The stored value is then the study-wide code -7
 * instead of a number. Allowed on numeric text questions, on numeric matrix-dropdown columns and on
 * multiple-text items.
 */
export const DONT_KNOW = -7;
export const PREFER_NOT = -6;

let registered = false;

export function registerSurveyExtensions(): void {
  if (registered) return;
  registered = true;
  for (const className of ['text', 'matrixdropdowncolumn', 'multipletextitem']) {
    if (!Serializer.findProperty(className, 'dk')) {
      Serializer.addProperty(className, { name: 'dk:boolean', default: false });
    }
  }
}

registerSurveyExtensions();

/** Whether a question, matrix column or multiple-text item offers "Don't know" (-7). */
export function dkAllowed(owner: { getPropertyValue(name: string): unknown }): boolean {
  return owner.getPropertyValue('dk') === true;
}
