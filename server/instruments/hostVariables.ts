import type { SurveyModel } from 'survey-core';
import type { HostVariables } from './schema.js';

/**
 * What a case knows that a host variable may come from: its office's frame row and its fielding.
 * A staff preview has neither, so only constants have values there.
 */
export type HostContext = {
  frame?: Record<string, unknown>;
  fielding?: { name: string; closesAt: string | null };
};

/** Host variables by their first name part, nested as SurveyJS reads `{profile.givenName}`. */
export type HostValues = Record<string, unknown>;

/** Whether `{ref}` in an expression is a declared host variable, or a part of one's value. */
export function isDeclared(ref: string, declared: Iterable<string>): boolean {
  const lower = ref.toLowerCase();
  for (const name of declared) {
    const own = name.toLowerCase();
    if (lower === own || lower.startsWith(`${own}.`)) return true;
  }
  return false;
}

function sourceValue(source: NonNullable<HostVariables[string]>, context: HostContext): unknown {
  if ('constant' in source) return source.constant;
  if ('fielding' in source) return context.fielding?.[source.fielding] ?? undefined;
  const raw = context.frame?.[source.frame];
  // An empty frame cell is no value: conditions on the variable then read it as empty, as unset.
  return raw === null || raw === '' ? undefined : raw;
}

/** The values of an instrument's host variables for one case. */
export function hostValues(declared: HostVariables | undefined, context: HostContext): HostValues {
  const values: HostValues = {};
  for (const [name, source] of Object.entries(declared ?? {})) {
    if (!source) continue;
    const value = sourceValue(source, context);
    if (value === undefined) continue;
    const parts = name.split('.');
    let target = values;
    for (const part of parts.slice(0, -1)) {
      const next = target[part];
      target[part] = typeof next === 'object' && next !== null ? next : {};
      target = target[part] as HostValues;
    }
    target[parts[parts.length - 1] as string] = value;
  }
  return values;
}

/** A staff preview has no case: only constants have values. */
export const previewHostValues = (instrument: { meta: { hostVariables?: HostVariables } }) =>
  hostValues(instrument.meta.hostVariables, {});

/** Gives a model the host variables, before any answer, so conditions read them as the host app's would. */
export function applyHostValues(model: SurveyModel, values: HostValues): void {
  for (const [name, value] of Object.entries(values)) model.setVariable(name, value);
}
