import type {
  ItemValue,
  MatrixDropdownColumn,
  Question,
  QuestionBooleanModel,
  QuestionImagePickerModel,
  QuestionMatrixDropdownModel,
  QuestionMatrixDropdownModelBase,
  QuestionMatrixDynamicModel,
  QuestionMatrixModel,
  QuestionMultipleTextModel,
  QuestionPanelDynamicModel,
  QuestionRatingModel,
  QuestionSelectBase,
  QuestionTextModel,
  SurveyModel,
} from 'survey-core';
import { createSurveyModel } from '../instruments/answers.js';
import { dkAllowed } from '../instruments/extensions.js';
import { MISSING_CODES } from '../instruments/missingCodes.js';
import { isNumericInput, numericRule } from '../instruments/numeric.js';
import type { Instrument } from '../instruments/registry.js';
import { type ResolvedVariables, resolveVariables } from '../instruments/variableMap.js';
import { visibilityOf } from '../instruments/visibility.js';
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

/** Where a variable's value sits in a stored answer set. */
export type VariableSource =
  | { kind: 'value'; question: string }
  | { kind: 'choice'; question: string; code: number | string }
  | { kind: 'row'; question: string; row: string }
  /** A grid cell; `choice` for the 0/1 dummy of one choice in a multi-select cell. */
  | { kind: 'cell'; question: string; row: string; column: string; choice?: number | string | boolean }
  | { kind: 'item'; question: string; item: string }
  | { kind: 'rank'; question: string; choice: number | string }
  | { kind: 'column'; question: string; column: string; choice?: number | string | boolean };

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
};

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
  /** `question`: the SurveyJS question whose value holds a second table's entries (absent for main). */
  tables: { name: string; key: string[]; description: string; question?: string }[];
  variables: Variable[];
  missingCodes: ValueLabel[];
};

const plain = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Codes and labels of a set of choices; `key` is the map entry (question, or `<question>/<column>`). */
function splitChoices(ctx: Context, key: string, items: ItemValue[]): { values: ValueLabel[]; missing: ValueLabel[] } {
  const values: ValueLabel[] = [];
  const missing: ValueLabel[] = [];
  for (const item of items) {
    const code = ctx.vars.codeOf(key, item.value) ?? Number(item.value);
    const entry = { code, label: plain(item.text) };
    (RESERVED.has(code) ? missing : values).push(entry);
  }
  return { values, missing };
}

type Context = { table: string; conditions: string[]; model: SurveyModel; out: Variable[]; vars: ResolvedVariables };

function push(ctx: Context, v: Omit<Variable, 'table' | 'conditions' | 'condition'>, extraMissing: ValueLabel[] = []) {
  const missing = [...extraMissing];
  if (ctx.conditions.length > 0) missing.push(MISSING_CODES.skipped);
  missing.push(MISSING_CODES.notAnswered);
  const uniqueMissing = [...new Map([...v.missing, ...missing].map((m) => [m.code, m])).values()].sort(
    (a, b) => b.code - a.code,
  );
  ctx.out.push({
    ...v,
    missing: uniqueMissing,
    table: ctx.table,
    conditions: ctx.conditions,
    condition:
      ctx.conditions.length > 0 ? ctx.conditions.map((c) => readableCondition(ctx.model, c)).join(' and ') : null,
  });
}

function numericOrText(
  ctx: Context,
  base: { name: string; question: string; label: string; source: VariableSource },
  inputType: string,
  owner: Parameters<typeof numericRule>[0],
  dkOffered = dkAllowed(owner),
) {
  if (isNumericInput(inputType)) {
    const { min, max, integer, dk } = numericRule(owner, dkOffered);
    const range: { min?: number; max?: number } = {};
    if (min !== undefined) range.min = min;
    if (max !== undefined) range.max = max;
    push(ctx, {
      ...base,
      type: integer ? 'integer' : 'number',
      measure: 'scale',
      values: [],
      missing: dk ? [MISSING_CODES.dontKnow] : [],
      range,
    });
  } else {
    push(ctx, { ...base, type: inputType === 'date' ? 'date' : 'text', measure: 'nominal', values: [], missing: [] });
  }
}

/** One 0/1 variable per choice of a multi-select (checkbox, tagbox, multi-select image picker). */
function choiceDummies(ctx: Context, q: Question, key: string, name: string, title: string) {
  for (const item of (q as QuestionSelectBase).visibleChoices) {
    push(ctx, {
      name: `${name}_${ctx.vars.suffixOf(ctx.vars.codeOf(key, item.value) ?? item.value)}`,
      question: q.getValueName(),
      label: `${title} — ${plain(item.text)}`,
      type: 'dummy',
      measure: 'nominal',
      values: SELECTED_CODES,
      missing: [],
      source: { kind: 'choice', question: q.getValueName(), code: item.value as number | string },
    });
  }
}

/** The variable of one matrix cell, by the column's cell type; choices come from the column or the matrix. */
function cellVariables(
  ctx: Context,
  matrix: QuestionMatrixDropdownModelBase,
  column: MatrixDropdownColumn,
  base: { name: string; question: string; label: string; source: VariableSource },
) {
  const cell = column.templateQuestion;
  const cellType = cell.getType();
  const own = `${matrix.name}/${column.name}`;
  const choices = () => {
    const list = cell.getPropertyValue('choices') as ItemValue[] | undefined;
    return list && list.length > 0 ? list : (matrix.choices as ItemValue[]);
  };
  if (cellType === 'text') {
    numericOrText(ctx, base, (cell as QuestionTextModel).inputType, cell, dkAllowed(column));
  } else if (cellType === 'dropdown' || cellType === 'radiogroup' || cellType === 'rating' || cellType === 'boolean') {
    const items =
      cellType === 'rating'
        ? (cell as QuestionRatingModel).visibleRateValues
        : cellType === 'boolean'
          ? ([
              { value: (cell as QuestionBooleanModel).valueTrue ?? true, text: 'Yes' },
              { value: (cell as QuestionBooleanModel).valueFalse ?? false, text: 'No' },
            ] as unknown as ItemValue[])
          : choices();
    const { values, missing } = splitChoices(ctx, own, items);
    push(ctx, { ...base, type: 'single', measure: 'nominal', values, missing });
  } else if (cellType === 'checkbox' || cellType === 'tagbox') {
    for (const item of choices()) {
      const code = ctx.vars.codeOf(own, item.value) ?? item.value;
      push(ctx, {
        ...base,
        source:
          base.source.kind === 'cell'
            ? { ...base.source, choice: item.value as number | string | boolean }
            : base.source,
        name: `${base.name}_${ctx.vars.suffixOf(code)}`,
        label: `${base.label} — ${plain(item.text)}`,
        type: 'dummy',
        measure: 'nominal',
        values: SELECTED_CODES,
        missing: [],
      });
    }
  } else if (cellType !== 'expression') {
    push(ctx, { ...base, type: 'text', measure: 'nominal', values: [], missing: [] });
  }
}

/**
 * The texts SurveyJS keeps beside an answer under `<name>-Comment`: the "Other (specify)" text of a
 * choice question with showOtherItem (`<variable>_oth`), or a comment area (`<variable>_comment`).
 */
function addCommentVariables(ctx: Context, q: Question): void {
  const other = q.getPropertyValue('showOtherItem') === true && q.getPropertyValue('storeOthersAsComment') !== false;
  const commentArea = q.getPropertyValue('showCommentArea') === true;
  if (!other && !commentArea) return;
  const name = ctx.vars.nameOf(q.getValueName());
  const question = `${q.getValueName()}-Comment`;
  push(ctx, {
    name: `${name}_${other ? 'oth' : 'comment'}`,
    question: q.getValueName(),
    label: `${plain(q.title)} — ${other ? 'other (specify)' : 'comment'}`,
    type: 'text',
    measure: 'nominal',
    values: [],
    missing: [],
    source: { kind: 'value', question },
  });
}

function addQuestion(ctx: Context, q: Question): void {
  addQuestionValue(ctx, q);
  addCommentVariables(ctx, q);
}

function addQuestionValue(ctx: Context, q: Question): void {
  const key = q.name;
  const name = ctx.vars.nameOf(q.getValueName());
  const sfx = ctx.vars.suffixOf;
  const title = plain(q.title);
  const type = q.getType();
  // A question whose whole value is one variable.
  const whole = {
    name,
    question: q.getValueName(),
    label: title,
    source: { kind: 'value' as const, question: q.getValueName() },
  };
  switch (type) {
    case 'radiogroup':
    case 'dropdown': {
      const { values, missing } = splitChoices(ctx, key, (q as QuestionSelectBase).visibleChoices);
      push(ctx, {
        ...whole,
        type: 'single',
        measure: 'nominal',
        values,
        missing,
      });
      return;
    }
    case 'boolean': {
      const b = q as QuestionBooleanModel;
      const yes = ctx.vars.codeOf(key, b.valueTrue ?? true) ?? 1;
      const no = ctx.vars.codeOf(key, b.valueFalse ?? false) ?? 0;
      push(ctx, {
        ...whole,
        type: 'single',
        measure: 'nominal',
        values: [
          { code: yes, label: 'Yes' },
          { code: no, label: 'No' },
        ],
        missing: [],
      });
      return;
    }
    case 'checkbox':
      choiceDummies(ctx, q, key, name, title);
      return;
    case 'matrix': {
      const matrix = q as QuestionMatrixModel;
      const { values, missing } = splitChoices(ctx, key, matrix.columns as ItemValue[]);
      for (const row of matrix.rows as ItemValue[]) {
        push(ctx, {
          name: `${name}_${sfx(row.value)}`,
          question: q.getValueName(),
          label: `${title} — ${plain(row.text)}`,
          type: 'single',
          measure: 'ordinal',
          values,
          missing,
          source: { kind: 'row', question: q.getValueName(), row: String(row.value) },
        });
      }
      return;
    }
    case 'matrixdropdown': {
      const matrix = q as QuestionMatrixDropdownModel;
      for (const row of matrix.rows as ItemValue[]) {
        for (const column of matrix.columns as MatrixDropdownColumn[]) {
          cellVariables(ctx, matrix, column, {
            name: `${name}_${sfx(row.value)}_${sfx(column.name)}`,
            question: q.getValueName(),
            label: `${title} — ${plain(row.text)}: ${plain(column.title)}`,
            source: { kind: 'cell' as const, question: q.getValueName(), row: String(row.value), column: column.name },
          });
        }
      }
      return;
    }
    case 'rating': {
      const { values, missing } = splitChoices(ctx, key, (q as QuestionRatingModel).visibleRateValues);
      push(ctx, { ...whole, type: 'single', measure: 'ordinal', values, missing });
      return;
    }
    case 'imagepicker':
      if (!(q as QuestionImagePickerModel).multiSelect) {
        const { values, missing } = splitChoices(ctx, key, (q as QuestionSelectBase).visibleChoices);
        push(ctx, { ...whole, type: 'single', measure: 'nominal', values, missing });
        return;
      }
      choiceDummies(ctx, q, key, name, title);
      return;
    case 'tagbox':
      choiceDummies(ctx, q, key, name, title);
      return;
    case 'ranking': {
      // A rank per item: 1 is the first; items a respondent left unranked are not answered.
      const items = (q as QuestionSelectBase).visibleChoices;
      for (const item of items) {
        push(ctx, {
          name: `${name}_${sfx(ctx.vars.codeOf(key, item.value) ?? item.value)}`,
          question: q.getValueName(),
          label: `${title} — rank of ${plain(item.text)}`,
          type: 'integer',
          measure: 'ordinal',
          values: [],
          missing: [],
          range: { min: 1, max: items.length },
          source: { kind: 'rank', question: q.getValueName(), choice: item.value as number | string },
        });
      }
      return;
    }
    case 'slider': {
      const range = { min: Number(q.getPropertyValue('min') ?? 0), max: Number(q.getPropertyValue('max') ?? 100) };
      const type =
        Number.isInteger(Number(q.getPropertyValue('step') ?? 1)) && Number.isInteger(range.min) ? 'integer' : 'number';
      if (q.getPropertyValue('sliderType') !== 'range') {
        push(ctx, { ...whole, type, measure: 'scale', values: [], missing: [], range });
        return;
      }
      for (const [end, label] of [
        ['from', 'from'],
        ['to', 'to'],
      ] as const) {
        push(ctx, {
          ...whole,
          name: `${name}_${end}`,
          label: `${title} — ${label}`,
          type,
          measure: 'scale',
          values: [],
          missing: [],
          range,
          source: { kind: 'item', question: q.getValueName(), item: end },
        });
      }
      return;
    }
    case 'expression':
      // Computed by the server from the answers at completion (a client's value is ignored).
      push(ctx, { ...whole, type: 'text', measure: 'nominal', values: [], missing: [] });
      return;
    case 'multipletext': {
      for (const item of (q as QuestionMultipleTextModel).items) {
        const base = {
          name: `${name}_${sfx(item.name)}`,
          question: q.getValueName(),
          label: `${title} — ${plain(item.title || item.name)}`,
          source: { kind: 'item' as const, question: q.getValueName(), item: item.name },
        };
        numericOrText(ctx, base, item.inputType, item);
      }
      return;
    }
    case 'text':
      numericOrText(ctx, whole, (q as QuestionTextModel).inputType, q);
      return;
    case 'comment':
      push(ctx, {
        ...whole,
        type: 'text',
        measure: 'nominal',
        values: [],
        missing: [],
      });
      return;
    default:
      // html and expression elements hold no answer of their own.
      return;
  }
}

/** Every variable an export of this instrument has, in questionnaire order: the one source for exports. */
export function buildCodebook(instrument: Instrument): Codebook {
  const model = createSurveyModel(instrument);
  const vars = resolveVariables(instrument.meta.variables);
  const variables: Variable[] = [];
  const tables: Codebook['tables'] = [
    { name: 'main', key: ['case_id'], description: 'One row per case (office × fielding).' },
  ];
  /** A table of its own for a question with entries (repeating panel, dynamic matrix), keyed by case and entry. */
  const secondTable = (q: Question, description: string) => {
    const name = vars.nameOf(q.name);
    tables.push({ name, question: q.getValueName(), key: ['case_id', `${name}_n`], description });
    return name;
  };
  for (const q of model.getAllQuestions(false, false, false)) {
    const { conditions } = visibilityOf(q);
    if (q.getType() === 'matrixdynamic') {
      const matrix = q as QuestionMatrixDynamicModel;
      const table = secondTable(q, `One row per row of the table "${plain(q.title)}", keyed by case and row number.`);
      for (const column of matrix.columns as MatrixDropdownColumn[]) {
        cellVariables({ table, conditions, model, out: variables, vars }, matrix, column, {
          name: `${table}_${vars.suffixOf(column.name)}`,
          question: q.getValueName(),
          label: `${plain(q.title)}: ${plain(column.title)}`,
          source: { kind: 'column', question: q.getValueName(), column: column.name },
        });
      }
      continue;
    }
    if (q.getType() === 'paneldynamic') {
      const panel = q as QuestionPanelDynamicModel;
      const table = secondTable(q, `One row per entry of "${plain(q.title)}", keyed by case and entry number.`);
      for (const inner of panel.template.questions) {
        addQuestion(
          {
            table,
            conditions: [...conditions, ...(inner.visibleIf ? [inner.visibleIf] : [])],
            model,
            out: variables,
            vars,
          },
          inner,
        );
      }
      continue;
    }
    addQuestion({ table: 'main', conditions, model, out: variables, vars }, q);
  }
  const { meta } = instrument;
  const reading = readingEstimate(model, meta.mode);
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
    tables,
    variables,
    missingCodes: Object.values(MISSING_CODES).sort((a, b) => b.code - a.code),
  };
}
