import { NumericValidator, type SurveyValidator } from 'survey-core';
import { dkAllowed } from './extensions.js';

/** What a numeric answer must be, read once for validation and for the codebook alike. */
export type NumericRule = { min?: number; max?: number; integer: boolean; dk: boolean };

export const isNumericInput = (inputType: string | undefined) => inputType === 'number' || inputType === 'range';

function finiteOrUndefined(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The bounds of a numeric text question, matrix cell or multiple-text item: its own min, max and
 * step (items have none) narrowed by any numeric validators. Without a fractional step a count is
 * a whole number.
 */
export function numericRule(
  owner: { getPropertyValue(name: string): unknown; validators?: SurveyValidator[] },
  dk = dkAllowed(owner),
): NumericRule {
  const step = finiteOrUndefined(owner.getPropertyValue('step'));
  const rule: NumericRule = {
    min: finiteOrUndefined(owner.getPropertyValue('min')),
    max: finiteOrUndefined(owner.getPropertyValue('max')),
    integer: step === undefined || Number.isInteger(step),
    dk,
  };
  for (const v of owner.validators ?? []) {
    if (!(v instanceof NumericValidator)) continue;
    const min = finiteOrUndefined(v.minValue);
    const max = finiteOrUndefined(v.maxValue);
    if (min !== undefined) rule.min = rule.min === undefined ? min : Math.max(rule.min, min);
    if (max !== undefined) rule.max = rule.max === undefined ? max : Math.min(rule.max, max);
  }
  return rule;
}
