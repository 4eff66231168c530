import {
  type ItemValue,
  Model,
  type Question,
  type QuestionMatrixDropdownModel,
  type QuestionMatrixModel,
  type QuestionPanelDynamicModel,
  Serializer,
} from 'survey-core';
import { buildCodebook } from '../codebook/build.js';
import { expressionReferences } from '../codebook/conditions.js';
import './extensions.js';
import { containsMarkup, markupProblems } from './sanitize.js';
import { type InstrumentFile, InstrumentFileSchema, QUESTION_NAME } from './schema.js';

/** Question types the platform can validate, store and export. */
export const SUPPORTED_QUESTION_TYPES = new Set([
  'text',
  'comment',
  'radiogroup',
  'checkbox',
  'dropdown',
  'boolean',
  'matrix',
  'matrixdropdown',
  'multipletext',
  'paneldynamic',
  'panel',
  'expression',
  'html',
]);

export type CheckRule =
  | 'meta'
  | 'surveyjs'
  | 'type'
  | 'name'
  | 'duplicate-name'
  | 'column'
  | 'choice-code'
  | 'reserved-code'
  | 'expression'
  | 'exclusive-none'
  | 'html';

export type CheckProblem = { rule: CheckRule; question?: string; message: string };

export function formatProblem(file: string, p: CheckProblem): string {
  return `${file}: ${p.question ? `question "${p.question}": ` : ''}${p.message} [${p.rule}]`;
}

/** Cell types of a matrix of dropdowns whose values the platform can validate and export. */
const SUPPORTED_CELL_TYPES = new Set(['text', 'dropdown', 'radiogroup']);

/** Columns every export adds; no question may generate one of these names. */
const EXPORT_COLUMNS = new Set([
  'case_id',
  'stratum',
  'status',
  'disposition',
  'instrument_version',
  'started_at',
  'submitted_at',
  'duration_min',
  'n_sessions',
  'pct_answered',
  'office_id',
  'office_name',
  'state',
  'region',
  'wt_base',
  'wt_nr',
]);

/** Codes reserved study-wide, and the wording each may carry. */
const RESERVED_MEANINGS: Record<number, { meaning: string; pattern: RegExp | null }> = {
  [-6]: { meaning: 'Prefer not to answer', pattern: /prefer not|decline|refus/i },
  [-7]: { meaning: "Don't know", pattern: /don.?t know|not known|unknown|not sure|not in (the )?file/i },
  [-8]: { meaning: 'Legitimately skipped (added by the export)', pattern: null },
  [-9]: { meaning: 'Not answered (added by the export)', pattern: null },
};

/** A multi-select choice that means "none of these" must exclude every other choice. */
const READS_AS_NONE = /^(none\b|no special arrangement|nothing\b|not applicable\b|no one\b|none of)/i;

/** Names an expression may use that are not questions. */
const CONTEXT_NAMES = new Set([
  'panelindex',
  'visiblepanelindex',
  'rowindex',
  'rowname',
  'item',
  'choice',
  'itemvalue',
  'self',
]);

function checkChoices(q: Question, label: string, items: ItemValue[], problems: CheckProblem[], multi: boolean) {
  for (const item of items) {
    const { value } = item;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      problems.push({
        rule: 'choice-code',
        question: q.name,
        message: `${label} "${item.text}" has the code ${JSON.stringify(value)}; codes must be integers`,
      });
      continue;
    }
    const reserved = RESERVED_MEANINGS[value];
    if (reserved && !reserved.pattern?.test(item.text)) {
      problems.push({
        rule: 'reserved-code',
        question: q.name,
        message: `code ${value} is reserved for "${reserved.meaning}" but labels "${item.text}"`,
      });
    }
    if (multi && reserved) {
      problems.push({
        rule: 'reserved-code',
        question: q.name,
        message: `a multi-select cannot offer the code ${value} ("${item.text}"): it would export as a column ${q.name}_${value}`,
      });
    }
    if (multi && READS_AS_NONE.test(item.text.trim()) && !item.isExclusive) {
      problems.push({
        rule: 'exclusive-none',
        question: q.name,
        message: `"${item.text}" must be exclusive ("isExclusive": true) so it cannot be chosen with other answers`,
      });
    }
  }
}

function checkQuestion(q: Question, problems: CheckProblem[]) {
  const type = q.getType();
  if (!SUPPORTED_QUESTION_TYPES.has(type)) {
    problems.push({ rule: 'type', question: q.name, message: `type "${type}" is not supported` });
    return;
  }
  if (!QUESTION_NAME.test(q.name)) {
    problems.push({
      rule: 'name',
      question: q.name,
      message: 'names must match ^[a-z][a-z0-9_]{0,31}$ (they become variable names)',
    });
  }
  switch (type) {
    case 'radiogroup':
    case 'dropdown':
    case 'checkbox': {
      const select = q as unknown as { choices: ItemValue[]; showOtherItem: boolean; showNoneItem: boolean };
      checkChoices(q, 'choice', select.choices, problems, type === 'checkbox');
      if (select.showOtherItem)
        problems.push({
          rule: 'choice-code',
          question: q.name,
          message: 'showOtherItem stores the text "other"; add an integer-coded Other choice and a <name>_oth question',
        });
      if (select.showNoneItem)
        problems.push({
          rule: 'choice-code',
          question: q.name,
          message: 'showNoneItem stores the text "none"; add an integer-coded choice with "isExclusive": true',
        });
      break;
    }
    case 'matrix':
      checkChoices(q, 'column', (q as QuestionMatrixModel).columns as ItemValue[], problems, false);
      break;
    case 'matrixdropdown': {
      const shared = q.getPropertyValue('choices') as ItemValue[] | undefined;
      if (shared && shared.length > 0) checkChoices(q, 'shared choice', shared, problems, false);
      for (const column of (q as QuestionMatrixDropdownModel).columns) {
        const cell = column.templateQuestion;
        const cellType = cell.getType();
        if (!SUPPORTED_CELL_TYPES.has(cellType)) {
          problems.push({
            rule: 'type',
            question: q.name,
            message: `column "${column.name}" has cell type "${cellType}", which is not supported (use text, dropdown or radiogroup)`,
          });
        } else if (cellType !== 'text') {
          checkChoices(
            q,
            `column "${column.name}" choice`,
            cell.getPropertyValue('choices') as ItemValue[],
            problems,
            false,
          );
        }
      }
      break;
    }
    case 'boolean': {
      for (const key of ['valueTrue', 'valueFalse']) {
        const value: unknown = q.getPropertyValue(key);
        if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value))) {
          problems.push({
            rule: 'choice-code',
            question: q.name,
            message: `${key} is ${JSON.stringify(value)}; codes must be integers`,
          });
        }
      }
      if (q.getPropertyValue('valueTrue') === undefined || q.getPropertyValue('valueFalse') === undefined) {
        problems.push({
          rule: 'choice-code',
          question: q.name,
          message: 'a yes/no question needs integer valueTrue and valueFalse codes (it would store true/false)',
        });
      }
      break;
    }
  }
}

/** Every expression-valued property in the raw JSON, with the element it belongs to. */
function rawExpressions(
  node: unknown,
  owner: string | undefined,
  out: { owner: string | undefined; key: string; expression: string }[],
) {
  if (Array.isArray(node)) {
    for (const child of node) rawExpressions(child, owner, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  const name = typeof record.name === 'string' && typeof record.type === 'string' ? record.name : owner;
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string' && (key === 'expression' || /If$|Expression$/.test(key)))
      out.push({ owner: name, key, expression: value });
    else rawExpressions(value, name, out);
  }
}

/** Every string in the raw JSON that holds markup, with where it is. */
function rawMarkup(
  node: unknown,
  owner: string | undefined,
  key: string,
  out: { owner: string | undefined; key: string; text: string }[],
) {
  if (typeof node === 'string') {
    if (containsMarkup(node) || /html$/i.test(key)) out.push({ owner, key, text: node });
    return;
  }
  if (Array.isArray(node)) {
    for (const child of node) rawMarkup(child, owner, key, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  const name = typeof record.name === 'string' && typeof record.type === 'string' ? record.name : owner;
  for (const [k, v] of Object.entries(record)) rawMarkup(v, name, k, out);
}

/** SurveyJS drops an element of a type it does not know with only a generic message: name it here. */
function rawUnknownTypes(node: unknown, problems: CheckProblem[]) {
  if (Array.isArray(node)) {
    for (const child of node) rawUnknownTypes(child, problems);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (typeof record.type === 'string' && typeof record.name === 'string' && !Serializer.findClass(record.type)) {
    problems.push({ rule: 'type', question: record.name, message: `type "${record.type}" is not supported` });
  }
  for (const value of Object.values(record)) if (typeof value === 'object') rawUnknownTypes(value, problems);
}

/**
 * Every question as defined: top-level ones (also inside plain panels) and those of repeating-panel
 * templates, never the copies SurveyJS makes for each entry a survey starts with.
 */
function definedQuestions(model: Model): Question[] {
  const out: Question[] = [];
  const visit = (questions: Question[]) => {
    for (const q of questions) {
      out.push(q);
      if (q.getType() === 'paneldynamic') visit((q as QuestionPanelDynamicModel).template.questions);
    }
  };
  visit(model.getAllQuestions(false, false, false));
  return out;
}

function checkNames(questions: Question[], problems: CheckProblem[]) {
  const seen = new Map<string, number>();
  for (const q of questions) seen.set(q.name, (seen.get(q.name) ?? 0) + 1);
  for (const [name, count] of seen) {
    if (count > 1)
      problems.push({ rule: 'duplicate-name', question: name, message: `the name is used by ${count} questions` });
  }
  return new Set(seen.keys());
}

function checkExpressions(json: unknown, model: Model, questions: Question[], problems: CheckProblem[]) {
  const calculated = new Set((model.calculatedValues ?? []).map((c) => c.name.toLowerCase()));
  const lowerNames = new Set(questions.map((q) => q.name.toLowerCase()));
  const columnNames = new Set(
    questions
      .filter((q) => q.getType() === 'matrixdropdown')
      .flatMap((q) => (q as QuestionMatrixDropdownModel).columns.map((c) => c.name.toLowerCase())),
  );
  const expressions: { owner: string | undefined; key: string; expression: string }[] = [];
  rawExpressions(json, undefined, expressions);
  for (const { owner, key, expression } of expressions) {
    for (const ref of expressionReferences(expression)) {
      const parts = ref.split('.');
      const head = (parts[0] as string).replace(/-Comment$/, '').toLowerCase();
      const target = head === 'panel' || head === 'row' ? (parts[1] ?? '').toLowerCase() : head;
      const known = lowerNames.has(target) || (head === 'row' && columnNames.has(target));
      if (head.startsWith('$') || CONTEXT_NAMES.has(target) || calculated.has(target) || known) continue;
      problems.push({
        rule: 'expression',
        question: owner,
        message: `${key} "${expression}" names {${ref}}, which is not a question of this instrument`,
      });
    }
  }
}

/** Triggers name the questions they set, copy or jump to: those must exist too. */
function checkTriggerTargets(survey: Record<string, unknown>, names: Set<string>, problems: CheckProblem[]) {
  const triggers = Array.isArray(survey.triggers) ? (survey.triggers as Record<string, unknown>[]) : [];
  for (const trigger of triggers) {
    for (const key of ['setToName', 'fromName', 'gotoName']) {
      const target = trigger[key];
      if (typeof target === 'string' && !names.has(target)) {
        problems.push({
          rule: 'expression',
          message: `a ${String(trigger.type)} trigger's ${key} names "${target}", which is not a question of this instrument`,
        });
      }
    }
  }
}

function checkMarkup(json: unknown, problems: CheckProblem[]) {
  const found: { owner: string | undefined; key: string; text: string }[] = [];
  rawMarkup(json, undefined, '', found);
  for (const { owner, key, text } of found) {
    for (const problem of markupProblems(text)) {
      problems.push({
        rule: 'html',
        question: owner,
        message: `${key || 'text'} contains markup the sanitizer refuses: ${problem}`,
      });
    }
  }
}

function checkColumns(file: InstrumentFile, refused: Set<string | undefined>, problems: CheckProblem[]) {
  const codebook = buildCodebook({
    key: `${file.meta.id}@${file.meta.version}`,
    meta: file.meta,
    survey: file.survey,
    contentHash: '',
    file: '',
  });
  const byTable = new Map<string, Map<string, string>>();
  const keys = new Set(codebook.tables.flatMap((t) => t.key));
  for (const v of codebook.variables) {
    if (refused.has(v.question)) continue;
    if (EXPORT_COLUMNS.has(v.name) || keys.has(v.name) || v.name.startsWith('flag_')) {
      problems.push({
        rule: 'column',
        question: v.question,
        message: `the export column ${v.name} is a name every export adds itself (case keys, metadata, weights, flag_*)`,
      });
      continue;
    }
    const names = byTable.get(v.table) ?? new Map<string, string>();
    byTable.set(v.table, names);
    if (v.name.length > 32) {
      problems.push({
        rule: 'column',
        question: v.question,
        message: `the export column ${v.name} is ${v.name.length} characters; SPSS and Stata allow 32`,
      });
    } else if (!/^[a-z][a-z0-9_]*$/.test(v.name)) {
      problems.push({
        rule: 'column',
        question: v.question,
        message: `the export column "${v.name}" is not a valid variable name (use lowercase letters, digits and _ in row, column, item and choice codes)`,
      });
    }
    const clash = names.get(v.name);
    if (clash !== undefined && clash !== v.question) {
      problems.push({
        rule: 'column',
        question: v.question,
        message: `the export column ${v.name} is also generated by question "${clash}"`,
      });
    } else if (clash !== undefined) {
      problems.push({
        rule: 'column',
        question: v.question,
        message: `the export column ${v.name} is generated twice`,
      });
    }
    names.set(v.name, v.question);
  }
}

/** Every rule an instrument must pass to be fielded; an empty list means it may be used. */
export function checkInstrument(json: unknown): CheckProblem[] {
  const parsed = InstrumentFileSchema.safeParse(json);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => ({
      rule: 'meta' as const,
      message: `${i.path.join('.') || '(top level)'}: ${i.message}`,
    }));
  }
  const file = parsed.data;
  const problems: CheckProblem[] = [];
  const model = new Model(file.survey);
  for (const e of model.jsonErrors ?? []) problems.push({ rule: 'surveyjs', message: e.message });
  rawUnknownTypes(file.survey, problems);
  const questions = definedQuestions(model);
  for (const q of questions) checkQuestion(q, problems);
  const names = checkNames(questions, problems);
  if (!names.has(file.meta.consent.question)) {
    problems.push({
      rule: 'meta',
      message: `meta.consent.question "${file.meta.consent.question}" is not a question of the survey`,
    });
  }
  for (const name of Object.keys(file.meta.prefill)) {
    if (!names.has(name))
      problems.push({ rule: 'meta', message: `meta.prefill names "${name}", which is not a question of the survey` });
  }
  for (const [key, text] of [
    ['meta.title', file.meta.title],
    ['meta.referencePeriod', file.meta.referencePeriod],
  ] as const) {
    if (containsMarkup(text))
      problems.push({ rule: 'html', message: `${key} contains markup; metadata is plain text` });
  }
  checkTriggerTargets(file.survey, names, problems);
  checkExpressions(file.survey, model, questions, problems);
  checkMarkup(file.survey, problems);
  if (!problems.some((p) => p.rule === 'type' || p.rule === 'surveyjs')) {
    // A question already refused for its name or codes would only repeat that problem here.
    const refused = new Set(
      problems
        .filter((p) => ['name', 'duplicate-name', 'reserved-code', 'choice-code'].includes(p.rule))
        .map((p) => p.question),
    );
    checkColumns(file, refused, problems);
  }
  return problems;
}
