import type { Model } from 'survey-core';

/**
 * SurveyJS runs a "visible" trigger only when the value it watches changes, never when answers are
 * given all at once (`model.data = answers`), so a question the respondent saw because of one would
 * count as hidden: not validated, and its answer cleared at completion. Replays them on the answers.
 */
export function replayVisibleTriggers(model: Model): void {
  const triggers = model.triggers.filter((t) => t.getType() === 'visibletrigger');
  if (triggers.length === 0) return;
  const values: Record<string, unknown> = model.getFilteredValues();
  const keys = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { newValue: v, oldValue: undefined }]));
  const properties = model.getFilteredProperties();
  for (const trigger of triggers) {
    trigger.checkExpression({ isOnNextPage: false, isOnComplete: false, isOnNavigation: false, keys, properties });
  }
}
