import type { Disclosure, InstrumentMeta } from './schema.js';

/**
 * Disclosure tags for the public-use file follow the data, not a variable's name: a question the
 * frame prefills holds the frame's value, so it gets the treatment that frame column gets.
 */

const DIRECT: Disclosure = Object.freeze({ identifier: 'direct', treatment: 'none' });

const FRAME_COLUMNS: Readonly<Record<string, Disclosure>> = Object.freeze({
  state: { identifier: 'quasi', treatment: 'region' },
  population: { identifier: 'quasi', treatment: 'population_band' },
  stratum: { identifier: 'quasi', treatment: 'none' },
});

/**
 * A frame column's tag. Every column but state, population and stratum names, reaches or locates
 * the office (ids, names, contacts, addresses, jurisdiction), and so does an extra column until the
 * instrument tags the question otherwise: the safe default for data we know nothing about.
 */
export function frameColumnDisclosure(column: string): Disclosure {
  return FRAME_COLUMNS[column] ?? DIRECT;
}

/** Inputs that hold a way to reach a person: never in a public file. */
const CONTACT_INPUTS = new Set(['email', 'tel']);

/** What a question must at least get: `direct` protects more than any quasi treatment. */
const covers = (tag: Disclosure, floor: Disclosure) =>
  tag.identifier === 'direct' || (floor.identifier === 'quasi' && tag.treatment === floor.treatment);

/**
 * The tags the data implies, as `fieldkit instruments import` writes them: a prefilled question
 * gets its frame column's, an email or phone input is a direct identifier.
 */
export function inferredDisclosure(
  prefill: InstrumentMeta['prefill'],
  questions: readonly { name: string; inputType?: unknown }[],
): Record<string, Disclosure> {
  const tags: Record<string, Disclosure> = {};
  for (const q of questions) {
    if (typeof q.inputType === 'string' && CONTACT_INPUTS.has(q.inputType)) tags[q.name] = { ...DIRECT };
  }
  for (const [name, rule] of Object.entries(prefill)) tags[name] = { ...frameColumnDisclosure(rule.column) };
  return tags;
}

/** Every tagged question's tag: the instrument's own, else what its prefill implies. */
export function disclosureOf(meta: Pick<InstrumentMeta, 'prefill' | 'disclosure'>): Record<string, Disclosure> {
  return { ...inferredDisclosure(meta.prefill, []), ...(meta.disclosure ?? {}) };
}

/** Tags that name no question, or protect a prefilled question less than its frame column requires. */
export function disclosureProblems(
  meta: Pick<InstrumentMeta, 'prefill' | 'disclosure'>,
  questionNames: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  for (const [name, tag] of Object.entries(meta.disclosure ?? {})) {
    if (!questionNames.has(name)) {
      problems.push(`meta.disclosure names "${name}", which is not a question of the survey.`);
      continue;
    }
    const rule = meta.prefill[name];
    const floor = rule && frameColumnDisclosure(rule.column);
    if (rule && floor && !covers(tag, floor)) {
      problems.push(
        `meta.disclosure tags "${name}" ${JSON.stringify(tag)}, but it is prefilled from the frame column "${rule.column}", which needs ${JSON.stringify(floor)} or "direct"; the public-use file must protect it as the frame's own value.`,
      );
    }
  }
  return problems;
}
