import { type Model, type Question, type QuestionMatrixDropdownModel, Serializer } from 'survey-core';
import type { CheckProblem } from './checkProblem.js';
import { expressionReferences } from './expressions.js';
import { isDeclared } from './hostVariables.js';
import { containsMarkup, markupProblems } from './sanitize.js';

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
  // Survey-wide values SurveyJS provides (quizzes, progress, locale).
  'correctanswers',
  'incorrectanswers',
  'questioncount',
  'pageno',
  'pagecount',
  'locale',
]);

/** The properties that hold elements (pages, panels, questions, templates): the only places a `type` is a question type. */
const ELEMENT_LISTS = new Set(['pages', 'elements', 'questions', 'templateElements', 'detailElements']);

/**
 * Properties that hold answers, not definitions: a file's `{name, type, content}` or a row whose
 * columns are called `name` and `type` is data, never a question, an expression or shown markup.
 */
const ANSWER_VALUES = new Set(['defaultValue', 'correctAnswer', 'defaultRowValue', 'defaultPanelValue']);

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
    if (ANSWER_VALUES.has(key)) continue;
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
  for (const [k, v] of Object.entries(record)) if (!ANSWER_VALUES.has(k)) rawMarkup(v, name, k, out);
}

/** SurveyJS drops an element of a type it does not know with only a generic message: name it here. */
export function rawUnknownTypes(node: unknown, problems: CheckProblem[]) {
  if (Array.isArray(node)) {
    for (const child of node) rawUnknownTypes(child, problems);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (typeof record.type === 'string' && typeof record.name === 'string' && !Serializer.findClass(record.type)) {
    problems.push({
      rule: 'type',
      question: record.name,
      message: `type "${record.type}" is not supported: SurveyJS does not know it either (a typo?)`,
    });
  }
  // Triggers and validators have a "type" of their own kind, and answers may hold any keys.
  for (const [key, value] of Object.entries(record)) if (ELEMENT_LISTS.has(key)) rawUnknownTypes(value, problems);
}

/** A `{reference}` of an expression that names no question, column, calculated value or SurveyJS value. */
export type DanglingReference = { owner: string | undefined; key: string; expression: string; ref: string };

export function danglingReferences(json: unknown, model: Model, questions: Question[]): DanglingReference[] {
  const dangling: DanglingReference[] = [];
  const calculated = new Set((model.calculatedValues ?? []).map((c) => c.name.toLowerCase()));
  const lowerNames = new Set(questions.map((q) => q.name.toLowerCase()));
  const columnNames = new Set(
    questions
      .filter((q) => q.getType() === 'matrixdropdown' || q.getType() === 'matrixdynamic')
      .flatMap((q) => (q as QuestionMatrixDropdownModel).columns.map((c) => c.name.toLowerCase())),
  );
  const expressions: { owner: string | undefined; key: string; expression: string }[] = [];
  rawExpressions(json, undefined, expressions);
  for (const { owner, key, expression } of expressions) {
    for (const ref of expressionReferences(expression)) {
      const parts = ref.split('.');
      // `<name>-Comment` is a comment box, `<matrix>-total` a matrix's totals row.
      const head = (parts[0] as string).replace(/-(Comment|total|unwrapped)$/i, '').toLowerCase();
      // `{panel.x}` reads the entry, `{parentPanel.x}` the entry around a nested panel, `{row.x}` a matrix row.
      let at = 0;
      while (at < parts.length - 1 && ['panel', 'parentpanel', 'row'].includes((parts[at] as string).toLowerCase()))
        at++;
      const target = at === 0 ? head : (parts[at] as string).toLowerCase();
      const known = lowerNames.has(target) || (head === 'row' && columnNames.has(target));
      if (head.startsWith('$') || CONTEXT_NAMES.has(target) || calculated.has(target) || known) continue;
      dangling.push({ owner, key, expression, ref });
    }
  }
  return dangling;
}

/** References that are neither questions nor declared in meta.hostVariables. */
export function checkExpressions(
  json: unknown,
  model: Model,
  questions: Question[],
  declared: readonly string[],
  problems: CheckProblem[],
) {
  for (const { owner, key, expression, ref } of danglingReferences(json, model, questions)) {
    if (isDeclared(ref, declared)) continue;
    problems.push({
      rule: 'expression',
      question: owner,
      message: `${key} "${expression}" names {${ref}}, which is not a question of this instrument; if the host app sets it, declare where it comes from in meta.hostVariables`,
    });
  }
}

/** Triggers name the questions they set, copy or jump to: those must exist too. */
export function checkTriggerTargets(survey: Record<string, unknown>, names: Set<string>, problems: CheckProblem[]) {
  const triggers = Array.isArray(survey.triggers) ? (survey.triggers as Record<string, unknown>[]) : [];
  for (const trigger of triggers) {
    for (const key of ['setToName', 'fromName', 'gotoName']) {
      const target = trigger[key];
      // A setvalue trigger may set a survey variable, or (isVariable) a variable outside the data.
      if (key === 'setToName' && typeof target === 'string' && !names.has(target)) {
        problems.push({
          rule: 'expression',
          severity: 'warning',
          message: `a ${String(trigger.type)} trigger sets "${target}", which is not a question: it is kept with the answers but has no variable of its own`,
        });
        continue;
      }
      if (typeof target === 'string' && !names.has(target)) {
        problems.push({
          rule: 'expression',
          message: `a ${String(trigger.type)} trigger's ${key} names "${target}", which is not a question of this instrument`,
        });
      }
    }
  }
}

/** Markup outside the allow-list is removed when the survey is rendered (renderableSurvey): warn. */
export function checkMarkup(json: unknown, problems: CheckProblem[]) {
  const found: { owner: string | undefined; key: string; text: string }[] = [];
  rawMarkup(json, undefined, '', found);
  for (const { owner, key, text } of found) {
    for (const problem of markupProblems(text)) {
      problems.push({
        rule: 'html',
        severity: 'warning',
        question: owner,
        message: `${key || 'text'} has markup outside the allow-list, removed when shown: ${problem}`,
      });
    }
  }
}
