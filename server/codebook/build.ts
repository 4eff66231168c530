import type { SurveyModel } from 'survey-core';
import { createSurveyModel } from '../instruments/answers.js';
import { definedQuestions } from '../instruments/checker.js';
import {
  type ColumnContent,
  type ExportColumn,
  type ExportTable,
  exportColumns,
  plainText,
  type TableKeys,
  type VariableSource,
} from '../instruments/columns.js';
import { MISSING_CODES } from '../instruments/missingCodes.js';
import { isNumericInput, numericRule } from '../instruments/numeric.js';
import type { Instrument } from '../instruments/registry.js';
import { type ResolvedVariables, resolveVariables } from '../instruments/variableMap.js';
import { readableCondition } from './conditions.js';
import { type ReadingEstimate, readingEstimate } from './estimate.js';

export { MISSING_CODES };

/** The codes of a multi-select's 0/1 dummy variables. */
const SELECTED_CODES: ValueLabel[] = [
  { code: 0, label: 'Not selected' },
  { code: 1, label: 'Selected' },
];
const RESERVED = new Set(Object.values(MISSING_CODES).map((m) => m.code));

export type ValueLabel = { code: number; label: string };

export type VariableType = 'single' | 'dummy' | 'integer' | 'number' | 'text' | 'date';

export type Variable = {
  name: string;
  /** `main` (one row per case) or a repeating panel's name (one row per entry, keyed by case). */
  table: string;
  question: string;
  label: string;
  type: VariableType;
  measure: 'nominal' | 'ordinal' | 'scale';
  values: ValueLabel[];
  missing: ValueLabel[];
  range?: { min?: number; max?: number };
  /** The SurveyJS conditions that must all hold for the variable to be shown, and their reading. */
  conditions: string[];
  condition: string | null;
  source: VariableSource;
  /** The question's instructions to the respondent (its SurveyJS `description`), when it has any. */
  instructions?: string;
  /** The frame column that prefilled the question, and how its text became the value. */
  prefill?: Prefill;
};

export type Prefill = Instrument['meta']['prefill'][string];

export type Codebook = {
  instrument: {
    id: string;
    version: string;
    key: string;
    title: string;
    mode: string;
    /** Absent when the instrument does not state one. */
    referencePeriod: string | null;
    /** The metadata's figure, or the codebook's own estimate when the metadata gives none. */
    estimatedMinutes: number;
    estimatedMinutesSource: 'metadata' | 'estimate';
  };
  reading: ReadingEstimate;
  /**
   * `question`: the SurveyJS question whose value holds a second table's entries (absent for main);
   * a table inside another's entries names its `parent`; `path` is where its entries sit in the
   * answers, and `entryKey` the key each entry stores (meta.panelKeys), absent for a numbered one.
   */
  tables: {
    name: string;
    key: string[];
    description: string;
    question?: string;
    parent?: string;
    path?: string[];
    entryKey?: string;
  }[];
  variables: Variable[];
  missingCodes: ValueLabel[];
};

/** Codes and labels of a set of choices; `key` is the map entry (question, or `<question>/<column>`). */
function splitChoices(
  vars: ResolvedVariables,
  key: string,
  items: readonly { value: unknown; text: string }[],
): { values: ValueLabel[]; missing: ValueLabel[] } {
  const values: ValueLabel[] = [];
  const missing: ValueLabel[] = [];
  for (const item of items) {
    const code = vars.codeOf(key, item.value) ?? Number(item.value);
    const entry = { code, label: plainText(item.text) };
    (RESERVED.has(code) ? missing : values).push(entry);
  }
  return { values, missing };
}

type Typed = Pick<Variable, 'type' | 'measure' | 'values' | 'missing' | 'range'>;

/** The type, codes and range of what a column holds. */
function typeOf(vars: ResolvedVariables, content: ColumnContent): Typed {
  switch (content.kind) {
    case 'choice':
      return { type: 'single', measure: content.measure, ...splitChoices(vars, content.key, content.items) };
    case 'yesNo': {
      const yes = vars.codeOf(content.key, content.yes) ?? 1;
      const no = vars.codeOf(content.key, content.no) ?? 0;
      const values = [
        { code: yes, label: 'Yes' },
        { code: no, label: 'No' },
      ];
      return { type: 'single', measure: 'nominal', values, missing: [] };
    }
    case 'dummy':
      return { type: 'dummy', measure: 'nominal', values: SELECTED_CODES, missing: [] };
    case 'rank':
      return { type: 'integer', measure: 'ordinal', values: [], missing: [], range: { min: 1, max: content.of } };
    case 'input': {
      if (!isNumericInput(content.inputType)) {
        const type = content.inputType === 'date' ? 'date' : 'text';
        return { type, measure: 'nominal', values: [], missing: [] };
      }
      const { min, max, integer, dk } = numericRule(content.owner, content.dkOffered);
      const range: { min?: number; max?: number } = {};
      if (min !== undefined) range.min = min;
      if (max !== undefined) range.max = max;
      const missing = dk ? [MISSING_CODES.dontKnow] : [];
      return { type: integer ? 'integer' : 'number', measure: 'scale', values: [], missing, range };
    }
    case 'slider': {
      const q = content.owner;
      const range = { min: Number(q.getPropertyValue('min') ?? 0), max: Number(q.getPropertyValue('max') ?? 100) };
      const whole = Number.isInteger(Number(q.getPropertyValue('step') ?? 1)) && Number.isInteger(range.min);
      return { type: whole ? 'integer' : 'number', measure: 'scale', values: [], missing: [], range };
    }
    case 'text':
      // Other not chosen: the text is skipped (-8) even where the question itself has no condition.
      return {
        type: 'text',
        measure: 'nominal',
        values: [],
        missing: content.whenOtherChosen ? [MISSING_CODES.skipped] : [],
      };
  }
}

/**
 * codebook.json keeps the key order of its first release, in which the source of a choice dummy,
 * a grid row, a rank and an "other"/comment text comes after the codes: codebooks archived beside
 * earlier exports then differ from a new one only where a variable did.
 */
function sourceLast(source: VariableSource): boolean {
  return (
    source.kind === 'choice' ||
    source.kind === 'row' ||
    source.kind === 'rank' ||
    (source.kind === 'value' && source.question.endsWith('-Comment'))
  );
}

/** What an analyst reads beside a variable's codes: the question's instructions, where a prefill came from. */
type Annotations = { instructions: ReadonlyMap<string, string>; prefill: Instrument['meta']['prefill'] };

function annotationsOf(model: SurveyModel, instrument: Instrument): Annotations {
  const instructions = new Map<string, string>();
  for (const q of definedQuestions(model)) {
    const text = plainText(q.description ?? '');
    if (text !== '') instructions.set(q.name, text);
  }
  return { instructions, prefill: instrument.meta.prefill };
}

/** Appended after every other key, so that codebook.json keeps the key order of its first release. */
function annotated(variable: Variable, entry: string, notes: Annotations): Variable {
  const instructions = notes.instructions.get(entry);
  const prefill = Object.hasOwn(notes.prefill, entry) ? notes.prefill[entry] : undefined;
  return { ...variable, ...(instructions ? { instructions } : {}), ...(prefill ? { prefill } : {}) };
}

function variableOf(model: SurveyModel, vars: ResolvedVariables, column: ExportColumn): Variable {
  const { name, question, label, source, table, conditions } = column;
  const { range, ...typed } = typeOf(vars, column.content);
  const codes = { ...typed, ...(range ? { range } : {}) };
  const own = sourceLast(source)
    ? { name, question, label, ...codes, source }
    : { name, question, label, source, ...codes };
  const missing: ValueLabel[] = [];
  if (conditions.length > 0) missing.push(MISSING_CODES.skipped);
  missing.push(MISSING_CODES.notAnswered);
  const uniqueMissing = [...new Map([...typed.missing, ...missing].map((m) => [m.code, m])).values()].sort(
    (a, b) => b.code - a.code,
  );
  return {
    ...own,
    missing: uniqueMissing,
    table,
    conditions,
    condition: conditions.length > 0 ? conditions.map((c) => readableCondition(model, c)).join(' and ') : null,
  };
}

function describeTable(table: ExportTable, tables: readonly ExportTable[]): Codebook['tables'][number] {
  if (table.question === undefined) {
    return { name: table.name, key: table.key, description: 'One row per case (office × fielding).' };
  }
  const parent = tables.find((t) => t.name === table.parent);
  const what = table.entries === 'row' ? `row of the table "${table.title}"` : `entry of "${table.title}"`;
  const description =
    !parent && !table.entryKey
      ? `One row per ${what}, keyed by case and ${table.entries === 'row' ? 'row' : 'entry'} number.`
      : `One row per ${what}${parent ? ` inside an entry of "${parent.title}"` : ''}, keyed by ${table.key.join(', ')}${
          table.entryKey ? `; ${table.entryKey} stays with its entry when others are removed or moved` : ''
        }.`;
  return {
    name: table.name,
    question: table.question,
    key: table.key,
    description,
    // Only nested or keyed tables carry these, so codebook.json of the earlier tables stays as it was.
    ...(table.parent ? { parent: table.parent, path: table.path } : {}),
    ...(table.entryKey ? { entryKey: table.entryKey } : {}),
  };
}

/** Every variable an export of this instrument has, in questionnaire order: the one source for exports. */
export function buildCodebook(instrument: Instrument, keys: Pick<TableKeys, 'mainKey'> = {}): Codebook {
  const model = createSurveyModel(instrument);
  const vars = resolveVariables(instrument.meta.variables);
  const { tables, columns } = exportColumns(model, vars, { ...keys, panelKeys: instrument.meta.panelKeys });
  const { meta } = instrument;
  const reading = readingEstimate(model, meta.mode);
  const notes = annotationsOf(model, instrument);
  return {
    instrument: {
      id: meta.id,
      version: meta.version,
      key: instrument.key,
      title: meta.title,
      mode: meta.mode,
      referencePeriod: meta.referencePeriod ?? null,
      estimatedMinutes: meta.estimatedMinutes ?? reading.totalMinutes,
      estimatedMinutesSource: meta.estimatedMinutes === undefined ? 'estimate' : 'metadata',
    },
    reading,
    tables: tables.map((t) => describeTable(t, tables)),
    variables: columns.map((column) => annotated(variableOf(model, vars, column), column.entry, notes)),
    missingCodes: Object.values(MISSING_CODES).sort((a, b) => b.code - a.code),
  };
}
